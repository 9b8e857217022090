"""The shared Faker: built only from the providers the worlds draw from, yet drawing exactly
what a full ``Faker("en_US")`` draws; built on the first draw, not before."""

from __future__ import annotations

import random
from collections import OrderedDict

from faker import Faker

from mockserver.core.rng import derive_seed
from mockserver.fullstory.world.catalog import site_name
from mockserver.fullstory.world.fakers import ElementDraw, SharedFaker, new_faker


def draws(faker: Faker, seed: int) -> list[str]:
    faker.seed_instance(seed)
    return [faker.first_name(), faker.last_name(), faker.free_email_domain(), faker.company()]


def test_the_slim_faker_draws_what_a_full_en_us_faker_draws() -> None:
    slim, full = new_faker(), Faker("en_US")
    for seed in [derive_seed(1, "user", index) for index in range(300)] + list(range(50)):
        assert draws(slim, seed) == draws(full, seed)
        assert site_name(seed, slim) == site_name(seed, full)


def test_person_draws_are_fakers_own_draws() -> None:
    # The users' names come from PersonDraws, not from the instance: they must be what the
    # seeded instance would draw, for the seeds users use and for small ones.
    faker = new_faker()
    persons = SharedFaker().persons()
    seeds = [derive_seed(1, "user", index) for index in range(2000)] + list(range(200))
    for seed in seeds:
        assert persons.draw(seed) == tuple(draws(faker, seed)[:3])
    assert persons.first.cum_weights is not None  # en_US first names are weighted
    assert persons.email_domain.cum_weights is None  # its mail domains are not


def test_element_draw_follows_random_choices() -> None:
    weighted = OrderedDict([("a", 0.5), ("b", 0.2), ("c", 0.25), ("d", 0.05)])
    uniform = ["x", "y", "z"]
    for seed in range(500):
        ours, theirs = random.Random(seed), random.Random(seed)
        assert (
            ElementDraw.of(weighted, True).draw(ours)
            == theirs.choices(tuple(weighted), weights=tuple(weighted.values()))[0]
        )
        assert ElementDraw.of(weighted, False).draw(ours) == theirs.choice(tuple(weighted))
        assert ElementDraw.of(uniform, True).draw(ours) == theirs.choice(uniform)


def test_a_fully_pinned_storefront_draws_no_name_and_builds_no_faker() -> None:
    shared = SharedFaker()
    site = shared.site(7, "Acme Outfitters", "www.acmeoutfitters.com")
    assert (site.brand, site.host) == ("Acme Outfitters", "www.acmeoutfitters.com")
    assert shared._faker is None
    drawn = shared.site(7)
    assert shared._faker is not None
    assert drawn.products == site.products and drawn.tagline == site.tagline
    half = shared.site(7, "Acme Outfitters")
    assert (half.brand, half.host) == ("Acme Outfitters", drawn.host)
