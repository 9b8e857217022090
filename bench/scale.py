"""World size costs nothing: build a tenant's world and find its last user, for 10**3, 10**6 and
10**9 users. Measured, never asserted. Run: ``.venv/bin/python bench/scale.py``.

The first row also pays for loading Faker's data, so read the later rows against each other.
"""

from __future__ import annotations

import time
import tracemalloc
from datetime import UTC, datetime

from mockserver.fullstory.world.generator import World, WorldConfig

EPOCH = datetime(2026, 9, 1, tzinfo=UTC)


def measure(users: int) -> tuple[float, int, bool]:
    tracemalloc.start()
    started = time.perf_counter()
    world = World(WorldConfig(1, users, "o-SCALE-na1", "", EPOCH))
    last = world.user_at(users - 1)
    found = world.user_by_email(last.email) == last and world.user_by_uid(last.uid) == last
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return elapsed, peak, found


def main() -> None:
    for users in (10**3, 10**6, 10**9):
        elapsed, peak, found = measure(users)
        print(
            f"users={users:>13,}: build + last-user lookups {elapsed * 1000:.1f} ms, "
            f"peak allocation {peak / 1024:.0f} KiB, found={found}"
        )


if __name__ == "__main__":
    main()
