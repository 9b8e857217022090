"""Static reference data and the per-world "site": the store every session happens on.

Everything here is frozen tables plus pure functions of the world seed. The tables are curated
(real cities, real user-agent strings) because Faker's en_US cities are invented and its user
agents do not match a device kind.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from itertools import accumulate
from typing import TYPE_CHECKING

from mockserver.core.rng import derive_rng, derive_seed
from mockserver.fullstory.world.models import Device, Location

if TYPE_CHECKING:
    from faker import Faker

INDUSTRY = "Retail & E-commerce"
CURRENCY = "USD"


@dataclass(frozen=True, slots=True)
class Product:
    """A product of the generated storefront."""

    sku: str
    name: str
    slug: str
    category: str
    category_slug: str
    price: float


@dataclass(frozen=True, slots=True)
class Site:
    """The generated storefront a world's sessions browse: brand, host, tagline and
    products."""

    brand: str
    host: str
    tagline: str
    products: tuple[Product, ...]

    @property
    def base_url(self) -> str:
        return f"https://{self.host}"

    def url(self, path: str) -> str:
        return "https://" + self.host + path  # base_url + path, without a property per event


# (category, noun choices, price range)
_CATEGORIES: tuple[tuple[str, tuple[str, ...], tuple[int, int]], ...] = (
    ("Outerwear", ("Rain Jacket", "Puffer Vest", "Wool Overcoat", "Fleece Hoodie"), (79, 249)),
    (
        "Footwear",
        ("Trail Runner", "Leather Chelsea Boot", "Canvas Sneaker", "Slip-On Loafer"),
        (59, 189),
    ),
    (
        "Home",
        ("Linen Duvet Cover", "Stoneware Mug Set", "Cast Iron Skillet", "Wool Throw"),
        (24, 159),
    ),
    (
        "Electronics",
        ("Wireless Earbuds", "Smart Desk Lamp", "Portable Charger", "Bluetooth Speaker"),
        (29, 199),
    ),
    (
        "Accessories",
        ("Leather Backpack", "Canvas Tote", "Polarized Sunglasses", "Merino Beanie"),
        (19, 149),
    ),
)
_ADJECTIVES: tuple[str, ...] = (
    "Everyday",
    "Alpine",
    "Coastal",
    "Classic",
    "Heritage",
    "Urban",
    "Featherweight",
    "Summit",
)
_BRAND_SUFFIXES: tuple[str, ...] = ("Outfitters", "Supply Co.", "Goods", "Mercantile")
_TAGLINES: tuple[str, ...] = (
    "Everyday essentials, built to last",
    "Gear for the way you live",
    "Thoughtful goods for home and away",
    "Quality you can feel",
)

# (country, region, city, weight): weighted towards a US storefront's real traffic mix.
LOCATIONS: tuple[tuple[str, str, str, int], ...] = (
    ("United States", "California", "San Francisco", 8),
    ("United States", "California", "Los Angeles", 8),
    ("United States", "New York", "New York", 10),
    ("United States", "Texas", "Austin", 5),
    ("United States", "Texas", "Houston", 4),
    ("United States", "Illinois", "Chicago", 6),
    ("United States", "Washington", "Seattle", 5),
    ("United States", "Georgia", "Atlanta", 5),
    ("United States", "Massachusetts", "Boston", 4),
    ("United States", "Colorado", "Denver", 4),
    ("United States", "Florida", "Miami", 4),
    ("United States", "Oregon", "Portland", 3),
    ("Canada", "Ontario", "Toronto", 4),
    ("Canada", "British Columbia", "Vancouver", 2),
    ("United Kingdom", "England", "London", 5),
    ("United Kingdom", "Scotland", "Edinburgh", 1),
    ("Germany", "Berlin", "Berlin", 2),
    ("France", "Ile-de-France", "Paris", 2),
    ("Australia", "New South Wales", "Sydney", 2),
    ("Ireland", "Leinster", "Dublin", 1),
)


@dataclass(frozen=True, slots=True)
class DeviceProfile:
    """A browser/OS/device combination with user agents and screens that belong together."""

    key: str
    browser: str
    versions: tuple[str, ...]
    operating_system: str
    device: str
    user_agent: str  # "{v}" is the browser version
    screens: tuple[tuple[int, int], ...]
    chrome_px: int  # browser UI height: viewport = screen minus this (and scrollbars on desktop)
    weight: int


DEVICE_PROFILES: tuple[DeviceProfile, ...] = (
    DeviceProfile(
        "chrome-windows",
        "Chrome",
        ("124.0.0.0", "125.0.0.0", "126.0.0.0"),
        "Windows",
        "Desktop",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/{v} Safari/537.36",
        ((1920, 1080), (1366, 768), (1536, 864), (2560, 1440)),
        131,
        30,
    ),
    DeviceProfile(
        "chrome-macos",
        "Chrome",
        ("124.0.0.0", "125.0.0.0", "126.0.0.0"),
        "OS X",
        "Desktop",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/{v} Safari/537.36",
        ((1440, 900), (1512, 982), (1728, 1117), (2560, 1440)),
        111,
        16,
    ),
    DeviceProfile(
        "safari-macos",
        "Safari",
        ("17.4.1", "17.5"),
        "OS X",
        "Desktop",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/{v} Safari/605.1.15",
        ((1440, 900), (1512, 982), (1728, 1117)),
        86,
        8,
    ),
    DeviceProfile(
        "firefox-windows",
        "Firefox",
        ("126.0", "127.0"),
        "Windows",
        "Desktop",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:{v}) Gecko/20100101 Firefox/{v}",
        ((1920, 1080), (1366, 768), (1536, 864)),
        125,
        5,
    ),
    DeviceProfile(
        "edge-windows",
        "Edge",
        ("125.0.2535.67", "126.0.2592.56"),
        "Windows",
        "Desktop",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/{major}.0.0.0 Safari/537.36 Edg/{v}",
        ((1920, 1080), (1536, 864), (1280, 720)),
        129,
        6,
    ),
    DeviceProfile(
        "safari-ios",
        "Safari",
        ("17.4", "17.5"),
        "iOS",
        "Mobile",
        "Mozilla/5.0 (iPhone; CPU iPhone OS {u} like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/{v} Mobile/15E148 Safari/604.1",
        ((390, 844), (393, 852), (430, 932), (375, 667)),
        150,
        20,
    ),
    DeviceProfile(
        "chrome-android",
        "Chrome",
        ("125.0.6422.165", "126.0.6478.71"),
        "Android",
        "Mobile",
        "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/{v} Mobile Safari/537.36",
        ((412, 915), (360, 800), (384, 854)),
        136,
        12,
    ),
    DeviceProfile(
        "safari-ipados",
        "Safari",
        ("17.4", "17.5"),
        "iOS",
        "Tablet",
        "Mozilla/5.0 (iPad; CPU OS {u} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/{v} Mobile/15E148 Safari/604.1",
        ((820, 1180), (1024, 1366), (810, 1080)),
        74,
        3,
    ),
)
DEVICE_PROFILE_KEYS: tuple[str, ...] = tuple(p.key for p in DEVICE_PROFILES)


def device_from_profile(profile: DeviceProfile, rng: random.Random) -> Device:
    version = rng.choice(profile.versions)
    user_agent = profile.user_agent.format(
        v=version, major=version.split(".")[0], u=version.replace(".", "_")
    )
    width, height = rng.choice(profile.screens)
    # Desktop windows are often not maximised; phones and tablets always fill the screen.
    view_w = width - (rng.choice((0, 0, 15, 160)) if profile.device == "Desktop" else 0)
    view_h = height - profile.chrome_px
    return Device(
        browser=profile.browser,
        browser_version=version,
        operating_system=profile.operating_system,
        device=profile.device,
        raw_user_agent=user_agent,
        screen=(width, height),
        viewport=(view_w, view_h),
    )


# The weights' running sums (the same draw as with the weights, which rng.choices would sum on
# every user's device).
_DEVICE_CUM_WEIGHTS = tuple(accumulate(p.weight for p in DEVICE_PROFILES))


def pick_device_profile(rng: random.Random) -> DeviceProfile:
    return rng.choices(DEVICE_PROFILES, cum_weights=_DEVICE_CUM_WEIGHTS)[0]


# The weights' running sums: rng.choices makes the same draw with them as with the weights,
# without summing them on every user.
_LOCATION_CUM_WEIGHTS = tuple(accumulate(row[3] for row in LOCATIONS))


def pick_location(rng: random.Random) -> Location:
    country, region, city, _ = rng.choices(LOCATIONS, cum_weights=_LOCATION_CUM_WEIGHTS)[0]
    return Location(country=country, region=region, city=city)


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def site_name(seed: int, faker: Faker) -> tuple[str, str]:
    """The storefront's brand (from Faker's company names) and host."""
    faker.seed_instance(derive_seed(seed, "site", "brand"))
    # faker.company() gives "Schmidt-Lopez", "Smith Inc" or "Smith, Jones and Lee": keep the
    # first name-like part and add a retail-sounding suffix.
    core = re.split(r",| and | ", faker.company())[0]
    suffix = _BRAND_SUFFIXES[derive_seed(seed, "site", "suffix") % len(_BRAND_SUFFIXES)]
    host = f"www.{slugify(core).replace('-', '')}{slugify(suffix).replace('-', '')}.com"
    return f"{core} {suffix}", host


def build_site(seed: int, brand: str, host: str) -> Site:
    """The world's storefront under this name (see :func:`site_name`): ~20 products."""
    rng = derive_rng(seed, "site", "catalog")
    products: list[Product] = []
    for category, nouns, (low, high) in _CATEGORIES:
        for noun in nouns:
            name = f"{rng.choice(_ADJECTIVES)} {noun}"
            # Prices end in .00 / .95 / .99 as real stores do.
            price = rng.randint(low, high) + rng.choice((0.0, 0.95, 0.99))
            sku = f"{category[:3].upper()}-{rng.randint(1000, 9999)}"
            products.append(
                Product(sku, name, slugify(name), category, slugify(category), round(price, 2))
            )
    tagline = _TAGLINES[derive_seed(seed, "site", "tagline") % len(_TAGLINES)]
    return Site(brand=brand, host=host, tagline=tagline, products=tuple(products))
