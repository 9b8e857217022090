"""The server clock: read, set mode and/or time, advance. One clock for every tenant, because
timestamps, lifecycles, expiries and rate-limit buckets must all agree on "now"."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from mockserver.admin.views import clock_state
from mockserver.core.clock import ClockMode, parse_rfc3339
from mockserver.http.pipeline import Call
from mockserver.state import ServerState, StateError

Ctx = Call[ServerState]

# The clock must stay where datetime and Unix timestamps work (years 1..9999 and no negative
# timestamps on every platform), with room for expiries computed from it; checked before any
# change, so a bad request can never leave a clock that fails every later read.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(9000, 1, 1, tzinfo=UTC)


def _in_range(at: datetime) -> datetime:
    if not EARLIEST <= at <= LATEST:
        raise StateError(f"the clock must stay within {EARLIEST.year}..{LATEST.year}, not {at}")
    return at


def get_clock(call: Ctx) -> dict[str, Any]:
    return clock_state(call.context)


def set_clock(call: Ctx) -> dict[str, Any]:
    state, body = call.context, call.body
    at = None
    if "time" in body:
        try:
            at = parse_rfc3339(body["time"])
        except ValueError as error:
            raise StateError(f"time: {error}") from None
        _in_range(at)
    if "mode" in body:
        state.clock.set_mode(ClockMode(body["mode"]))
    if at is not None:
        state.clock.set(at)
    return clock_state(state)


def advance_clock(call: Ctx) -> dict[str, Any]:
    seconds = float(call.body["seconds"])
    clock = call.context.clock
    _in_range(datetime.fromtimestamp(clock.timestamp() + seconds, tz=UTC))
    clock.advance(seconds)
    return clock_state(call.context)
