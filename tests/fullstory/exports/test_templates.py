"""Templated rows (templates.py) are byte for byte what the general encoder writes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mockserver.fullstory.exports import templates
from mockserver.fullstory.exports.columns import EVENT_COLUMNS, EVENT_LEVEL_COLUMNS, PAGE_COLUMNS
from mockserver.fullstory.exports.files import encoded
from mockserver.fullstory.exports.layout import EventCells, PageValues, runs_of
from mockserver.fullstory.exports.request import (
    ExportFormat,
    ExportRequest,
    ExportType,
    parse_export_request,
)
from mockserver.fullstory.exports.rows import Row, export_rows
from mockserver.fullstory.exports.times import TimeText
from mockserver.fullstory.segments.rules import Rule
from mockserver.fullstory.world.generator import World, WorldConfig

SHARED = [c for c in EVENT_COLUMNS if c not in EVENT_LEVEL_COLUMNS]
NAMES = [*EVENT_COLUMNS, "user_*", "evt_*", "user_plan_str", "evt_price_real", "evt_nope_str"]
TEXT = st.text(max_size=6) | st.sampled_from(['a,"b"', "line\nbreak", "é", "\r", ""])
SCALAR = TEXT | st.integers(-3, 3) | st.booleans() | st.none()


@st.composite
def rows(draw: st.DrawFn) -> list[Row]:
    out: list[Row] = []
    session: dict[str, Any] = {}
    for _ in range(draw(st.integers(0, 4))):
        if not session or draw(st.booleans()):  # a new session, or another page of this one
            session = {c: draw(TEXT) for c in SHARED if c not in PAGE_COLUMNS}
            session.update({"user_plan_str": draw(TEXT), "user_tier_str": "gold"})
        own = {c: draw(TEXT) for c in PAGE_COLUMNS}
        # As session_rows makes them (the session's columns written once per session), or a
        # plain dict.
        page = PageValues(session, own) if draw(st.booleans()) else {**session, **own}
        for _ in range(draw(st.integers(0, 4))):
            start = draw(st.sampled_from(["2026-08-01T00:00:01.000Z", "", None]))
            key = tuple(draw(st.lists(SCALAR, min_size=5, max_size=5)))
            variables = draw(st.sampled_from([{}, {"evt_price_real": 9.5, "evt_x_str": "y"}]))
            cells: EventCells = (start, key, variables)
            out.append((page, cells))
    return out


def _file(data: list[Row], fmt: ExportFormat, fields: list[str]) -> bytes:
    return b"".join(encoded(iter(data), fmt, ExportType.EVENT, fields))


@settings(max_examples=80, deadline=None)
@given(
    data=rows(),
    fields=st.lists(st.sampled_from(NAMES), unique=True, max_size=8),
    fmt=st.sampled_from(list(ExportFormat)),
)
def test_templated_files_are_the_general_encoders_files(
    data: list[Row], fields: list[str], fmt: ExportFormat
) -> None:
    if fmt is ExportFormat.CSV and not fields:
        fields = list(EVENT_COLUMNS)
    fast = _file(data, fmt, fields)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(templates.RowTemplates, "of", classmethod(lambda cls, runs, form, end: None))
        assert _file(data, fmt, fields) == fast


@pytest.mark.parametrize(
    ("fields", "fits"),
    [
        ((*EVENT_COLUMNS, "user_*", "evt_*"), True),  # the default JSON layout
        ((*EVENT_COLUMNS, "user_plan_str"), True),  # a default-like CSV layout
        (("EventStart",), True),
        (("EventType", "UserId", "EventStart"), False),  # the time is in the second own run
        (("evt_*", "evt_price_real", "EventStart"), False),  # written once across runs
    ],
)
def test_which_layouts_have_templates(fields: tuple[str, ...], fits: bool) -> None:
    runs = runs_of(fields, ExportType.EVENT)
    assert (templates.RowTemplates.of(runs, templates.JSON, b"\n") is not None) is fits


WORLD = World(WorldConfig(5, 4, "o-1A2B3C-na1", "Acme", datetime(2026, 4, 15, tzinfo=UTC)))
# New York's and Lord Howe's DST changes (March 8, April 5), a range cut inside a minute.
WINDOWS = [("2026-04-01T00:00:00Z", ""), ("2026-03-08T06:59:59.9Z", "2026-04-06T00:00:00.5Z")]


@pytest.mark.parametrize("zone", ["America/New_York", "Australia/Lord_Howe"])
@pytest.mark.parametrize(
    "fields",
    [
        (),  # the default layout (CSV: the default columns and user variables)
        ("UserId", "EventStart", "EventType", "PageUrl", "evt_*"),
        ("PageStart", "EventStart", "evt_price_real", "PageId"),
        ("EventStart", "evt_product_name_str", "PageUrl", "EventType"),  # the key after a page
        ("EventType", "EventStart"),  # the key before the time: row by row
    ],
)
@pytest.mark.parametrize("window", WINDOWS)
def test_played_sessions_write_what_the_general_encoder_writes(
    zone: str, fields: tuple[str, ...], window: tuple[str, str]
) -> None:
    """A played session's rows (RowTemplates.played: page formats, minute prefixes, the
    range cut inside a minute, DST changes, minutes formatted per value) against the general
    encoder's, every format."""
    start, end = window
    for fmt in ExportFormat:
        body = {
            "segmentId": "everyone",
            "type": "TYPE_EVENT",
            "format": fmt.value,
            "timeRange": {"start": start, "end": end},
            "segmentTimeRange": {"start": "", "end": ""},
            "timezone": zone,
            "fields": list(fields),
        }
        request = parse_export_request(body, WORLD.config.epoch, WORLD.config.epoch)

        def file(request: ExportRequest = request) -> bytes:
            rows = export_rows(WORLD, Rule(), request)
            return b"".join(encoded(rows, request.format, request.type, request.fields))

        with pytest.MonkeyPatch.context() as patch:
            if zone != "America/New_York":  # every third minute formatted per value, too
                patch.setattr(TimeText, "minute_of", _every_third_minute_per_value)
            fast = file()
        assert fast.count(b"\n") > (1 if fmt is ExportFormat.CSV else 0)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(templates.RowTemplates, "of", classmethod(lambda cls, *_: None))
            assert file() == fast


_MINUTE_OF = TimeText.minute_of


def _every_third_minute_per_value(self: TimeText, ms: int) -> tuple[int, str, str] | None:
    return None if ms // 60_000 % 3 == 0 else _MINUTE_OF(self, ms)
