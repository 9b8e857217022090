"""When a user's sessions happen: how many there are, and at what time of day they start.

Counts are long-tailed: most users come back a few times, and about one in twenty-five is a
regular with more than 20 sessions (so the listings' default ``limit`` of 20 truncates). Start
times follow the store's daily traffic curve.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from itertools import accumulate

from mockserver.fullstory.ids import MAX_SESSIONS_PER_USER

# P(number of sessions) for 0..15 for most users.
_OCCASIONAL_WEIGHTS: tuple[int, ...] = (8, 26, 18, 12, 9, 7, 5, 4, 3, 2, 2, 1, 1, 1, 1, 1)
REGULAR_SHARE = 0.04  # users with 21..MAX_SESSIONS_PER_USER sessions
REGULAR_MIN = 21
# Relative traffic per UTC hour for a US storefront: quiet overnight (US), busy from the US
# morning (13-16 UTC) and heaviest in the US evening (00-03 UTC).
HOURLY_WEIGHTS: tuple[int, ...] = (
    9, 8, 7, 5, 3, 2, 1, 1, 1, 1, 2, 3, 4, 5, 6, 6, 6, 6, 6, 6, 7, 7, 8, 9,
)  # fmt: skip
# The weights' running sums: rng.choices makes the same draw with them as with the weights
# (it sums them itself otherwise, on every session of every user).
_OCCASIONAL_COUNTS = range(len(_OCCASIONAL_WEIGHTS))
_OCCASIONAL_CUM_WEIGHTS = tuple(accumulate(_OCCASIONAL_WEIGHTS))
_HOURS = range(24)
_HOURLY_CUM_WEIGHTS = tuple(accumulate(HOURLY_WEIGHTS))
# A session never starts within this long of its slot's end, so sessions never overlap.
_SLOT_MARGIN = timedelta(hours=3)


def draw_session_count(rng: random.Random) -> int:
    if rng.random() < REGULAR_SHARE:
        return rng.randint(REGULAR_MIN, MAX_SESSIONS_PER_USER)
    return rng.choices(_OCCASIONAL_COUNTS, cum_weights=_OCCASIONAL_CUM_WEIGHTS)[0]


def draw_session_starts(
    rng: random.Random, origin: datetime, window: timedelta
) -> tuple[datetime, ...]:
    """Start times, oldest first, within ``[origin, origin + window - 3h]``.

    The window is cut into one slot per session. Each session starts on a day of its slot at an
    hour drawn from :data:`HOURLY_WEIGHTS`; when that hour falls outside the slot (slots shorter
    than a day) it starts at a uniformly drawn moment of the slot instead. Sessions are ordered
    and never overlap.
    """
    count = draw_session_count(rng)
    if count == 0:
        return ()
    slot = window / count
    starts = []
    for n in range(count):
        low = origin + slot * n
        high = low + slot - _SLOT_MARGIN
        day = (low + (high - low) * rng.random()).replace(hour=0, minute=0, second=0, microsecond=0)
        hour = rng.choices(_HOURS, cum_weights=_HOURLY_CUM_WEIGHTS)[0]
        at = day + timedelta(hours=hour, milliseconds=rng.randrange(3_600_000))
        if not low <= at <= high:
            at = low + timedelta(
                milliseconds=rng.randrange(int((high - low).total_seconds() * 1000))
            )
        starts.append(at)
    return tuple(starts)
