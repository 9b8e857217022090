"""Templated rows (templates.py) are byte for byte what the general encoder writes."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mockserver.fullstory.exports import templates
from mockserver.fullstory.exports.columns import EVENT_COLUMNS, EVENT_LEVEL_COLUMNS, PAGE_COLUMNS
from mockserver.fullstory.exports.files import encoded
from mockserver.fullstory.exports.layout import EventCells, PageValues, runs_of
from mockserver.fullstory.exports.request import ExportFormat, ExportType
from mockserver.fullstory.exports.rows import Row

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
        patch.setattr(templates.RowTemplates, "of", classmethod(lambda cls, runs, form: None))
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
    assert (templates.RowTemplates.of(runs, templates.JSON) is not None) is fits
