"""One Faker for many worlds, and the storefronts made with it.

Building a ``Faker("en_US")`` loads its providers (~15 ms), and a storefront takes a few hundred
draws; a per-test tenant would pay both each time. Every draw a world makes seeds the instance
first, under the lock, so worlds that share one draw exactly what they would alone; a storefront
is a pure function of the seed (and the scenario's pinned name) and immutable, so worlds with
the same ones share it.

Faker is imported and built on the first draw, not before: importing it costs ~50 ms of a cold
start, and with the default scenario (its storefront's name pinned, its users pinned) the first
answers draw nothing from it.
"""

from __future__ import annotations

import contextlib
import threading
from collections import OrderedDict
from collections.abc import Iterator
from typing import TYPE_CHECKING

from mockserver.fullstory.world.catalog import Site, build_site, site_name

if TYPE_CHECKING:
    from faker import Faker

SITES_KEPT = 64

# The providers the worlds draw from (first_name and last_name, company, free_email_domain).
# Faker builds each one's en_US class as a full Faker("en_US") would, so the same seed draws
# the same values (tests/fullstory/world/test_fakers.py compares them), without locating the
# locales of all 25 providers first (~30 ms).
PROVIDERS = ["faker.providers.company", "faker.providers.internet", "faker.providers.person"]


def new_faker() -> Faker:
    from faker import Faker  # here, not at the top: see the module's docstring

    return Faker("en_US", providers=PROVIDERS)


class SharedFaker:
    def __init__(self) -> None:
        self._faker: Faker | None = None
        self._lock = threading.Lock()
        self._sites: OrderedDict[tuple[int, str | None, str | None], Site] = OrderedDict()

    def _instance(self) -> Faker:
        """The Faker, built on first use (call with the lock held)."""
        if self._faker is None:
            self._faker = new_faker()
        return self._faker

    @contextlib.contextmanager
    def locked(self) -> Iterator[Faker]:
        """The instance, for a seed and the draws that follow it (nobody else draws between)."""
        with self._lock:
            yield self._instance()

    def site(self, seed: int, brand: str | None = None, host: str | None = None) -> Site:
        """The storefront of ``seed``, built once while it is in use. A ``brand`` or ``host``
        (a scenario's pins) replaces the drawn one; with both, no name is drawn at all."""
        key = (seed, brand, host)
        with self._lock:
            site = self._sites.get(key)
            if site is None:
                if not (brand and host):
                    drawn_brand, drawn_host = site_name(seed, self._instance())
                    brand, host = brand or drawn_brand, host or drawn_host
                site = self._sites[key] = build_site(seed, brand, host)
            self._sites.move_to_end(key)
            while len(self._sites) > SITES_KEPT:
                self._sites.popitem(last=False)
            return site
