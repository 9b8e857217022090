"""TimeText writes every instant exactly as format_time does, in any zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from mockserver.fullstory.exports.columns import format_time
from mockserver.fullstory.exports.times import TimeText, epoch_ms
from mockserver.fullstory.world.models import epoch_us, from_epoch_us

ZONES = ("UTC", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "Africa/Monrovia",
         "Europe/London", "Pacific/Chatham")  # fmt: skip
# 1960 to 2040: Monrovia's offset had seconds (-0:44:30) until 1972.
LOW, HIGH = (
    epoch_us(datetime(1960, 1, 1, tzinfo=UTC)) // 1000,
    epoch_us(datetime(2040, 1, 1, tzinfo=UTC)) // 1000,
)
# Around New York's and Lord Howe's DST changes of 2026 (UTC instants).
TRANSITIONS = (
    epoch_us(datetime(2026, 3, 8, 7, tzinfo=UTC)) // 1000,
    epoch_us(datetime(2026, 11, 1, 6, tzinfo=UTC)) // 1000,
    epoch_us(datetime(2026, 4, 4, 15, tzinfo=UTC)) // 1000,
)


# Fixed zones besides UTC (exports take only IANA names, but TimeText takes any tzinfo): one
# offset found once, and one with seconds, whose minutes are formatted per value.
FIXED = {
    "+05:30": timezone(timedelta(hours=5, minutes=30)),
    "-00:00:30": timezone(timedelta(seconds=-30)),
}


def _zone(zone: str) -> tzinfo:
    return UTC if zone == "UTC" else FIXED.get(zone) or ZoneInfo(zone)


def _expected(ms: int, zone: str) -> str:
    return format_time(from_epoch_us(ms * 1000), _zone(zone))


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(ZONES + tuple(FIXED)),
    st.lists(
        st.integers(LOW, HIGH)
        | st.builds(lambda t, d: t + d, st.sampled_from(TRANSITIONS), st.integers(-90_000, 90_000)),
        min_size=1,
        max_size=20,
    ),
)
def test_time_text_is_format_time(zone: str, instants: list[int]) -> None:
    text = TimeText(_zone(zone))
    for ms in instants:  # one TimeText for all: its per-minute cache is exercised
        assert text(ms) == _expected(ms, zone)
        assert text(ms) == _expected(ms, zone)


def test_every_millisecond_of_a_transition_minute_in_new_york() -> None:
    text = TimeText(ZoneInfo("America/New_York"))
    start = TRANSITIONS[1] - 60_000
    for ms in range(start, start + 180_000, 7):
        assert text(ms) == _expected(ms, "America/New_York")


def test_epoch_ms_floors_microseconds() -> None:
    at = datetime(2026, 8, 1, 12, 0, 0, 123999, tzinfo=UTC)
    assert from_epoch_us(epoch_ms(epoch_us(at)) * 1000) == at.replace(microsecond=123000)
