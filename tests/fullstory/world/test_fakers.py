"""The shared Faker: built only from the providers the worlds draw from, yet drawing exactly
what a full ``Faker("en_US")`` draws; built on the first draw, not before."""

from __future__ import annotations

from faker import Faker

from mockserver.core.rng import derive_seed
from mockserver.fullstory.world.catalog import site_name
from mockserver.fullstory.world.fakers import SharedFaker, new_faker


def draws(faker: Faker, seed: int) -> list[str]:
    faker.seed_instance(seed)
    return [faker.first_name(), faker.last_name(), faker.free_email_domain(), faker.company()]


def test_the_slim_faker_draws_what_a_full_en_us_faker_draws() -> None:
    slim, full = new_faker(), Faker("en_US")
    for seed in [derive_seed(1, "user", index) for index in range(300)] + list(range(50)):
        assert draws(slim, seed) == draws(full, seed)
        assert site_name(seed, slim) == site_name(seed, full)


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
