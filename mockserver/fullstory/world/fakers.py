"""One Faker for many worlds, and the storefronts made with it.

Building a ``Faker("en_US")`` loads its providers (~15 ms), and a storefront takes a few hundred
draws; a per-test tenant would pay both each time. A storefront's draw seeds the instance
first, under the lock, so worlds that share one draw exactly what they would alone; a storefront
is a pure function of the seed (and the scenario's pinned name) and immutable, so worlds with
the same ones share it. Users' names are drawn from the instance's tables read once
(:class:`PersonDraws`), each with its own seeded generator: the same draws, with no lock.

Faker is imported and built on the first draw, not before: importing it costs ~50 ms of a cold
start, and with the default scenario (its storefront's name pinned, its users pinned) the first
answers draw nothing from it.
"""

from __future__ import annotations

import random
import threading
from bisect import bisect
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import accumulate
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


@dataclass(frozen=True, slots=True)
class ElementDraw:
    """Faker's ``random_element`` over one provider table, drawn as Faker draws it: a weighted
    table (an OrderedDict, weighting on) is ``rng.choices(keys, weights=values)``, which sums
    the weights on every call (690 first names, 1,000 last names); here they are summed once
    and the same bisection is made, so the same draw of ``rng`` gives the same element. Any
    other table is ``rng.choice``."""

    population: tuple[str, ...]
    cum_weights: tuple[float, ...] | None  # None: a uniform choice

    @classmethod
    def of(cls, elements: Sequence[str] | OrderedDict[str, float], weighted: bool) -> ElementDraw:
        if isinstance(elements, dict):
            keys = tuple(elements)
            return cls(keys, tuple(accumulate(elements.values())) if weighted else None)
        return cls(tuple(elements), None)

    def draw(self, rng: random.Random) -> str:
        cum_weights = self.cum_weights
        if cum_weights is None:
            return rng.choice(self.population)
        # random.choices' own steps: total = last cumulative weight + 0.0, hi = n - 1.
        total = cum_weights[-1] + 0.0
        return self.population[bisect(cum_weights, rng.random() * total, 0, len(cum_weights) - 1)]


@dataclass(frozen=True, slots=True)
class PersonDraws:
    """A user's name and mail domain: what ``fake.seed_instance(seed)`` then
    ``first_name()``, ``last_name()`` and ``free_email_domain()`` give, without the lock (a
    private ``random.Random(seed)``, which is what seeding the instance makes) and without
    Faker's per-call work. tests/fullstory/world/test_fakers.py holds it to Faker's draws."""

    first: ElementDraw
    last: ElementDraw
    email_domain: ElementDraw

    def draw(self, seed: int) -> tuple[str, str, str]:
        rng = random.Random(seed)
        return self.first.draw(rng), self.last.draw(rng), self.email_domain.draw(rng)


def person_draws(fake: Faker) -> PersonDraws:
    """The tables behind ``fake``'s three methods, read from the provider each one is bound to
    (so a locale's own tables, and its weighting setting, are the ones drawn from)."""

    def table(method: Callable[[], str], name: str) -> ElementDraw:
        # The provider instance the method is bound to (Faker's types show a plain callable).
        provider = getattr(method, "__self__")  # noqa: B009
        weighted = bool(getattr(provider, "__use_weighting__", False))
        return ElementDraw.of(getattr(provider, name), weighted)

    return PersonDraws(
        first=table(fake.first_name, "first_names"),
        last=table(fake.last_name, "last_names"),
        email_domain=table(fake.free_email_domain, "free_email_domains"),
    )


class SharedFaker:
    def __init__(self) -> None:
        self._faker: Faker | None = None
        self._persons: PersonDraws | None = None
        self._lock = threading.Lock()
        self._sites: OrderedDict[tuple[int, str | None, str | None], Site] = OrderedDict()

    def _instance(self) -> Faker:
        """The Faker, built on first use (call with the lock held)."""
        if self._faker is None:
            self._faker = new_faker()
        return self._faker

    def persons(self) -> PersonDraws:
        """The user-name tables (:class:`PersonDraws`), read from the instance once."""
        persons = self._persons
        if persons is None:
            with self._lock:
                persons = self._persons = self._persons or person_draws(self._instance())
        return persons

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
