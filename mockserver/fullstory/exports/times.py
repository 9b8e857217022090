"""Export time text: an instant (integer epoch milliseconds) as RFC 3339 with milliseconds in the
export's time zone, exactly as :func:`~mockserver.fullstory.exports.columns.format_time` writes
it, without a zone conversion and an ``isoformat`` per value (~3 µs each, once per exported row).

A zone's offset only changes at its transitions, so within one UTC minute every instant shares
the text's ``YYYY-MM-DDTHH:MM:`` prefix and its ``Z`` / ``+HH:MM`` suffix: those are formatted
once per minute (by ``format_time`` itself), and the seconds and milliseconds come from tables.
A minute that does not fit that shape (an offset with seconds, as some zones had before 1972)
is formatted per value.
"""

from __future__ import annotations

from datetime import timedelta, tzinfo

from mockserver.fullstory.exports.columns import format_time
from mockserver.fullstory.world.models import from_epoch_us

_SECONDS: tuple[str, ...] = tuple(f"{second:02d}" for second in range(60))
_MILLIS: tuple[str, ...] = tuple(f".{milli:03d}" for milli in range(1000))
_LAST_MILLI = timedelta(seconds=59, milliseconds=999)
# Minutes kept: a session spans at most a day (1,440 minutes); the cache is dropped past this.
_MAX_MINUTES = 4096
_IRREGULAR = ("", "")  # a minute formatted per value (an empty prefix cannot be a time's)


def epoch_ms(time_us: int) -> int:
    """An event's time as the events endpoint writes it: whole milliseconds (floor)."""
    return time_us // 1000


class TimeText:
    """The time text of instants in one zone; one per export (it caches per minute)."""

    def __init__(self, zone: tzinfo) -> None:
        self.zone = zone
        self._minutes: dict[int, tuple[str, str]] = {}

    def __call__(self, ms: int) -> str:
        minute, rest = divmod(ms, 60_000)
        parts = self._minutes.get(minute)
        if parts is None:
            parts = self._minute(minute)
        prefix, suffix = parts
        if not prefix:
            return format_time(from_epoch_us(ms * 1000), self.zone)
        return prefix + _SECONDS[rest // 1000] + _MILLIS[rest % 1000] + suffix

    def _minute(self, minute: int) -> tuple[str, str]:
        start = from_epoch_us(minute * 60_000_000)
        first = format_time(start, self.zone)
        prefix, suffix = first[:17], first[23:]
        # Regular: the minute starts at second 00 in the zone and ends with the same suffix
        # (one offset throughout, in whole minutes).
        regular = first[17:23] == "00.000" and (
            format_time(start + _LAST_MILLI, self.zone) == prefix + "59.999" + suffix
        )
        if len(self._minutes) >= _MAX_MINUTES:
            self._minutes.clear()
        parts = self._minutes[minute] = (prefix, suffix) if regular else _IRREGULAR
        return parts
