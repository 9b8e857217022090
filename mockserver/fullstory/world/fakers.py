"""One Faker for many worlds, and the storefronts made with it.

Building a ``Faker("en_US")`` loads its providers (~15 ms), and a storefront takes a few hundred
draws; a per-test tenant would pay both each time. Every draw a world makes seeds the instance
first, under the lock, so worlds that share one draw exactly what they would alone; a storefront
is a pure function of the seed and immutable, so worlds with the same seed share it.
"""

from __future__ import annotations

import contextlib
import threading
from collections import OrderedDict
from collections.abc import Iterator

from faker import Faker

from mockserver.fullstory.world.catalog import Site, build_site

SITES_KEPT = 64


class SharedFaker:
    def __init__(self) -> None:
        self._faker = Faker("en_US")
        self._lock = threading.Lock()
        self._sites: OrderedDict[int, Site] = OrderedDict()

    @contextlib.contextmanager
    def locked(self) -> Iterator[Faker]:
        """The instance, for a seed and the draws that follow it (nobody else draws between)."""
        with self._lock:
            yield self._faker

    def site(self, seed: int) -> Site:
        """``build_site(seed, ...)``, built once while it is in use."""
        with self._lock:
            site = self._sites.get(seed)
            if site is None:
                site = self._sites[seed] = build_site(seed, self._faker)
            self._sites.move_to_end(seed)
            while len(self._sites) > SITES_KEPT:
                self._sites.popitem(last=False)
            return site
