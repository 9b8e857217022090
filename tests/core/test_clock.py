from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mockserver.core.clock import (
    Clock,
    ClockMode,
    format_microseconds,
    format_rfc3339,
    parse_rfc3339,
)

START = datetime(2026, 9, 1, 12, 0, tzinfo=UTC)


def test_frozen_clock_stands_still_until_moved() -> None:
    clock = Clock(ClockMode.FROZEN, start=START)
    assert clock.now() == clock.now() == START
    clock.advance(1.5)
    assert clock.now() == START + timedelta(seconds=1.5)
    clock.advance_by(timedelta(minutes=1))
    assert clock.now() == START + timedelta(seconds=61.5)
    clock.set(START)
    assert clock.timestamp() == START.timestamp()


def test_manual_mode_behaves_like_frozen() -> None:
    clock = Clock(ClockMode.MANUAL, start=START)
    clock.advance(10)
    assert clock.now() == START + timedelta(seconds=10)
    assert clock.state().mode is ClockMode.MANUAL
    assert clock.state().now == clock.now()


def test_time_only_moves_forward() -> None:
    with pytest.raises(ValueError, match="forward"):
        Clock(ClockMode.FROZEN, start=START).advance(-1)


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        Clock(ClockMode.FROZEN, start=datetime(2026, 9, 1))
    with pytest.raises(ValueError):
        Clock(ClockMode.FROZEN, start=START).set(datetime(2026, 9, 1))


def test_system_clock_is_shifted_not_stopped() -> None:
    # No timing assertions: only that readings start at or after the point set.
    clock = Clock(ClockMode.SYSTEM, start=datetime(2001, 1, 1, tzinfo=UTC))
    assert clock.mode is ClockMode.SYSTEM
    assert datetime(2001, 1, 1, tzinfo=UTC) <= clock.now() < datetime(2002, 1, 1, tzinfo=UTC)
    clock.advance(365 * 86400)
    assert clock.now() >= datetime(2002, 1, 1, tzinfo=UTC)
    clock.set(datetime(1990, 1, 1, tzinfo=UTC))
    assert clock.now().year == 1990


def test_freezing_keeps_the_current_reading() -> None:
    clock = Clock(ClockMode.SYSTEM, start=datetime(2001, 1, 1, tzinfo=UTC))
    clock.freeze()
    frozen = clock.now()
    assert clock.mode is ClockMode.FROZEN
    assert clock.now() == frozen
    clock.freeze(at=START)
    assert clock.now() == START
    clock.set_mode(ClockMode.SYSTEM)
    assert clock.now() >= START  # resumes flowing from where it stood


def test_format_rfc3339_uses_z_and_milliseconds_only_when_needed() -> None:
    assert format_rfc3339(START) == "2026-09-01T12:00:00Z"
    assert format_rfc3339(START + timedelta(microseconds=123_456)) == "2026-09-01T12:00:00.123Z"
    plus_two = timezone(timedelta(hours=2))
    assert format_rfc3339(datetime(2026, 9, 1, 14, 0, tzinfo=plus_two)) == "2026-09-01T12:00:00Z"


def test_parse_rfc3339() -> None:
    assert parse_rfc3339("2026-09-01T12:00:00Z") == START
    assert parse_rfc3339("2026-09-01T14:00:00+02:00") == START
    assert parse_rfc3339("2026-09-01t12:00:00z") == START
    for bad in ("2026-09-01T12:00:00", "yesterday", ""):
        with pytest.raises(ValueError):
            parse_rfc3339(bad)


@given(st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2200, 1, 1)))
def test_format_then_parse_keeps_milliseconds(moment: datetime) -> None:
    moment = moment.replace(tzinfo=UTC)
    expected = moment.replace(microsecond=moment.microsecond // 1000 * 1000)
    assert parse_rfc3339(format_rfc3339(moment)) == expected


@settings(max_examples=200, deadline=None)
@given(st.datetimes(timezones=st.just(UTC)), st.integers(-14 * 60, 14 * 60))
def test_formats_say_what_strftime_says(moment: datetime, offset_minutes: int) -> None:
    """The isoformat fast paths write the bytes strftime wrote, in any zone and any year."""
    zone = timezone(timedelta(minutes=offset_minutes))
    try:
        local = moment.astimezone(zone)
    except OverflowError:  # the first or last day of the calendar, shifted off it
        return
    at = moment.astimezone(UTC)
    fraction = f".{at.microsecond // 1000:03d}" if at.microsecond else ""
    assert format_rfc3339(local) == at.strftime("%Y-%m-%dT%H:%M:%S") + fraction + "Z"
    assert format_microseconds(local) == at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
