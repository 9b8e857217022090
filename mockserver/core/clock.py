"""The one source of time.

Nothing in the package reads the wall clock except :class:`Clock` in ``system`` mode. Tests and
the control plane freeze, set or advance it; every timestamp, lifecycle, expiry and rate-limit
bucket reads it, so a frozen clock makes the whole server deterministic.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum


class ClockMode(StrEnum):
    SYSTEM = "system"  # follows the wall clock, optionally shifted by an offset
    FROZEN = "frozen"  # stands still until set or advanced
    MANUAL = "manual"  # alias of frozen kept for readability in tests ("I drive it")


@dataclass(frozen=True, slots=True)
class ClockState:
    """A clock's mode and reading at one moment (what snapshots save and restore)."""

    mode: ClockMode
    now: datetime


class Clock:
    """An injectable clock: ``system``, ``frozen`` or ``manual``.

    In ``system`` mode, :meth:`set` and :meth:`advance` shift an offset, so time keeps flowing
    from the new point. In the other modes time moves only when told to.
    """

    def __init__(self, mode: ClockMode = ClockMode.SYSTEM, start: datetime | None = None) -> None:
        self._lock = threading.Lock()
        self._mode = mode
        self._offset = 0.0
        self._frozen_at = _to_epoch(start) if start is not None else time.time()
        if mode is ClockMode.SYSTEM and start is not None:
            self._offset = self._frozen_at - time.time()

    @property
    def mode(self) -> ClockMode:
        return self._mode

    def timestamp(self) -> float:
        """Seconds since the Unix epoch, as this clock sees them."""
        with self._lock:
            if self._mode is ClockMode.SYSTEM:
                return time.time() + self._offset
            return self._frozen_at

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.timestamp(), tz=UTC)

    def state(self) -> ClockState:
        return ClockState(mode=self._mode, now=self.now())

    def freeze(self, at: datetime | None = None) -> None:
        """Stop time (at ``at``, or at the current reading)."""
        current = self.timestamp() if at is None else _to_epoch(at)
        with self._lock:
            self._mode = ClockMode.FROZEN
            self._frozen_at = current

    def set_mode(self, mode: ClockMode) -> None:
        current = self.timestamp()
        with self._lock:
            self._mode = mode
            self._frozen_at = current
            self._offset = current - time.time()

    def set(self, at: datetime) -> None:
        target = _to_epoch(at)
        with self._lock:
            if self._mode is ClockMode.SYSTEM:
                self._offset = target - time.time()
            else:
                self._frozen_at = target

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        with self._lock:
            if self._mode is ClockMode.SYSTEM:
                self._offset += seconds
            else:
                self._frozen_at += seconds

    def advance_by(self, delta: timedelta) -> None:
        self.advance(delta.total_seconds())


def _to_epoch(at: datetime) -> float:
    if at.tzinfo is None:
        raise ValueError("clock times must be timezone-aware")
    return at.timestamp()


def format_rfc3339(at: datetime) -> str:
    """FullStory's timestamp style: UTC, ``Z`` suffix, milliseconds only when non-zero."""
    at = at.astimezone(UTC)
    if at.year >= FOUR_DIGIT_YEARS:  # isoformat (C, a tenth of strftime's cost) says the same
        return at.isoformat(timespec="milliseconds" if at.microsecond else "seconds")[:-6] + "Z"
    if at.microsecond:
        return at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z"
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


def format_microseconds(at: datetime) -> str:
    """``2020-09-22T22:40:52.174736Z``: UTC, always six digits of fraction."""
    at = at.astimezone(UTC)
    if at.year >= FOUR_DIGIT_YEARS:
        return at.isoformat(timespec="microseconds")[:-6] + "Z"
    return at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# From here on isoformat and strftime write the same year; below it strftime does not pad the
# year to four digits (glibc), and the answers keep saying what they always said.
FOUR_DIGIT_YEARS = 1000


def parse_rfc3339(text: str) -> datetime:
    """Parse an RFC 3339 timestamp; raises ValueError on anything else (naive times included)."""
    value = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    if value.tzinfo is None:
        raise ValueError(f"timestamp {text!r} has no time zone")
    return value.astimezone(UTC)
