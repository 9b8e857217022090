"""Export time text: an instant (integer epoch milliseconds) as RFC 3339 with milliseconds in the
export's time zone, exactly as :func:`~mockserver.fullstory.exports.columns.format_time` writes
it, without a zone conversion and an ``isoformat`` per value (~3 µs each, once per exported row).

A zone's offset only changes at its transitions, so it is looked up once per UTC hour (the hour
counts as regular when its first and last millisecond have the same offset, in whole minutes,
as every zone's has since the 1970s); the local minute's ``YYYY-MM-DDTHH:MM:`` prefix is then
arithmetic and two tables, and seconds and milliseconds come from tables. An hour that is not
regular (a transition inside it, an offset with seconds) is formatted per value. A fixed zone
(UTC, the default; exports take IANA names otherwise, which are ZoneInfo zones) has one offset,
found once per export.
"""

from __future__ import annotations

from datetime import date, timedelta, timezone, tzinfo

from mockserver.core.lru import bounded
from mockserver.fullstory.exports.columns import format_time
from mockserver.fullstory.world.models import from_epoch_us

_SECONDS: tuple[str, ...] = tuple(f"{second:02d}" for second in range(60))
_MILLIS: tuple[str, ...] = tuple(f".{milli:03d}" for milli in range(1000))
_CLOCK: tuple[str, ...] = tuple(f"{m // 60:02d}:{m % 60:02d}:" for m in range(1440))  # "HH:MM:"
_LAST_MILLI = timedelta(minutes=59, seconds=59, milliseconds=999)
_UNIX_DAY = date(1970, 1, 1)
# Entries kept per cache: an export walks sessions in user order, each within a day; the caches
# are dropped past this so an export of any length holds a bounded few.
_MAX_ENTRIES = 4096
_IRREGULAR = ("", "")  # a minute formatted per value (an empty prefix cannot be a time's)
_NOT_FIXED = (0, "?")  # a zone whose offset changes (no suffix is "?")
# "SS.mmm" of every millisecond of a minute, as UTF-8: the export rows' fast path (templates.py)
# writes a time as its minute's prefix, this and its offset's suffix (60,000 entries, ~3 MB,
# made once when exports first load).
SECOND_MILLIS: tuple[bytes, ...] = tuple(
    b"%02d.%03d" % (ms // 1000, ms % 1000) for ms in range(60_000)
)


def epoch_ms(time_us: int) -> int:
    """An event's time as the events endpoint writes it: whole milliseconds (floor)."""
    return time_us // 1000


class TimeText:
    """The time text of instants in one zone; one per export (it caches per minute and hour)."""

    def __init__(self, zone: tzinfo) -> None:
        self.zone = zone
        self._minutes: dict[int, tuple[str, str]] = {}  # UTC minute -> (prefix, suffix)
        self._hours: dict[int, tuple[int, str] | None] = {}  # UTC hour -> (offset min, suffix)
        self._days: dict[int, str] = {}  # local day number -> "YYYY-MM-DDT"
        # A fixed-offset zone (a datetime.timezone: of an export's zones only UTC, the default)
        # has one offset for every hour, found once rather than at each new hour (each session's
        # start). An offset with seconds finds none: its minutes are formatted per value.
        self._fixed = self._offset_of(0) if isinstance(zone, timezone) else _NOT_FIXED

    def __call__(self, ms: int) -> str:
        minute, rest = divmod(ms, 60_000)
        parts = self._minutes.get(minute)
        if parts is None:
            parts = self._minute(minute)
        prefix, suffix = parts
        if not prefix:
            return format_time(from_epoch_us(ms * 1000), self.zone)
        return prefix + _SECONDS[rest // 1000] + _MILLIS[rest % 1000] + suffix

    def minute_of(self, ms: int) -> tuple[int, str, str] | None:
        """The minute holding instant ``ms``: its first millisecond and the text before and
        after the time's ``SS.mmm`` (the text of ``ms`` is ``prefix + SS.mmm + suffix``), or
        None when the minute is formatted per value."""
        minute = ms // 60_000
        parts = self._minutes.get(minute)
        if parts is None:
            parts = self._minute(minute)
        prefix, suffix = parts
        return (minute * 60_000, prefix, suffix) if prefix else None

    def _minute(self, minute: int) -> tuple[str, str]:
        hour = minute // 60
        if hour not in self._hours:
            bounded(self._hours, _MAX_ENTRIES)[hour] = self._offset(hour)
        offset = self._hours[hour]
        if offset is None:
            parts = _IRREGULAR
        else:
            local = minute + offset[0]
            day = local // 1440
            day_text = self._days.get(day)
            if day_text is None:
                day_text = bounded(self._days, _MAX_ENTRIES)[day] = (
                    _UNIX_DAY + timedelta(days=day)
                ).isoformat() + "T"
            parts = (day_text + _CLOCK[local % 1440], offset[1])
        bounded(self._minutes, _MAX_ENTRIES)[minute] = parts
        return parts

    def _offset(self, hour: int) -> tuple[int, str] | None:
        """The hour's offset in minutes and its suffix, or None if it is not regular."""
        fixed = self._fixed
        return self._offset_of(hour) if fixed is _NOT_FIXED else fixed

    def _offset_of(self, hour: int) -> tuple[int, str] | None:
        """:meth:`_offset` from the zone."""
        start = from_epoch_us(hour * 3_600_000_000)
        first = start.astimezone(self.zone)
        last = (start + _LAST_MILLI).astimezone(self.zone)
        offset = first.utcoffset()
        if offset is None or offset != last.utcoffset() or offset % timedelta(minutes=1):
            return None
        return offset // timedelta(minutes=1), format_time(start, self.zone)[23:]
