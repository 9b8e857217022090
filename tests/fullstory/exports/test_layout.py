"""Export layouts: JSON members and CSV cells as the general encoders would write them."""

from __future__ import annotations

import csv
import io
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mockserver.fullstory.exports import files
from mockserver.fullstory.exports.columns import EVENT_COLUMNS, EVENT_LEVEL_COLUMNS
from mockserver.fullstory.exports.files import encoded
from mockserver.fullstory.exports.layout import csv_cell, json_members, own_cells
from mockserver.fullstory.exports.request import ExportFormat, ExportType
from mockserver.fullstory.exports.rows import Row

SHARED = [c for c in EVENT_COLUMNS if c not in EVENT_LEVEL_COLUMNS]
OWN = [c for c in EVENT_COLUMNS if c in EVENT_LEVEL_COLUMNS]
FIELD_NAMES = [*EVENT_COLUMNS, "user_*", "evt_*", "user_plan_str", "user_nope_str",
               "evt_price_real", "evt_nope_int"]  # fmt: skip


def project(row: dict[str, Any], fields: list[str]) -> dict[str, Any]:
    """The reference: the requested fields in order; a wildcard takes every custom variable of
    its kind the row has; a named variable the row lacks is null; a key is written once."""
    out: dict[str, Any] = {}
    for name in fields:
        if name in ("user_*", "evt_*"):
            out.update((k, v) for k, v in row.items() if k.startswith(name[:-1]))
        else:
            out[name] = row.get(name)
    return out


def as_cells(rows: list[tuple[dict[str, Any], dict[str, Any]]]) -> list[Row]:
    """Rows as the encoders take them: the event part as cells."""
    return [(page, own_cells(event)) for page, event in rows]


def rows_of(pages: list[int]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    rows = []
    for page_number, events in enumerate(pages):
        page = {c: f"{c}-{page_number}" for c in SHARED}
        page.update({"user_plan_str": "plus", "user_tier_str": "gold"})
        for n in range(events):
            event: dict[str, Any] = {c: f"{c}-{n}" for c in OWN}
            if n % 2:
                event.update({"evt_price_real": 9.5, "evt_sku_str": 'a,"b"', "evt_ok_bool": True})
            rows.append((page, event))
    return rows


@settings(max_examples=40, deadline=None)
@given(
    fields=st.lists(st.sampled_from(FIELD_NAMES), unique=True, max_size=8),
    pages=st.lists(st.integers(0, 3), max_size=4),
)
def test_json_rows_hold_the_fields_in_order(fields: list[str], pages: list[int]) -> None:
    rows = rows_of(pages)
    data = b"".join(encoded(iter(as_cells(rows)), ExportFormat.NDJSON, ExportType.EVENT, fields))
    lines = [orjson.loads(line) for line in data.splitlines()]
    wanted = [project({**page, **event}, fields or [*EVENT_COLUMNS, "user_*", "evt_*"])
              for page, event in rows]  # fmt: skip
    assert [list(line.items()) for line in lines] == [list(row.items()) for row in wanted]
    array = b"".join(encoded(iter(as_cells(rows)), ExportFormat.JSON, ExportType.EVENT, fields))
    assert orjson.loads(array) == lines


@settings(max_examples=40, deadline=None)
@given(
    fields=st.lists(st.sampled_from(FIELD_NAMES[:-4]), unique=True, min_size=1, max_size=6),
    pages=st.lists(st.integers(0, 3), max_size=4),
)
def test_csv_rows_read_back_as_the_values(fields: list[str], pages: list[int]) -> None:
    rows = rows_of(pages)
    data = b"".join(encoded(iter(as_cells(rows)), ExportFormat.CSV, ExportType.EVENT, fields))
    header, *lines = list(csv.reader(io.StringIO(data.decode())))
    columns = [c for name in fields for c in (["user_plan_str", "user_signup_date_str",
               "user_loyalty_tier_str", "user_marketing_opt_in_str"] if name == "user_*"
               else [] if name == "evt_*" else [name])]  # fmt: skip
    assert header == columns
    assert lines == [[csv_cell({**p, **e}.get(c)) for c in columns] for p, e in rows]


@given(st.one_of(st.text(), st.integers(), st.floats(allow_nan=False), st.booleans(), st.none()))
def test_a_csv_cell_is_what_the_csv_module_writes(value: Any) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(
        ["x", "true" if value is True else "false" if value is False else value]
    )
    expected = buffer.getvalue()[2:-1]
    if isinstance(value, str) and "\r" in value and not any(c in value for c in ',"\n'):
        expected = '"' + value + '"'  # RFC 4180 quotes a carriage return; Python's csv does not
    assert csv_cell(value) == expected


def test_a_lone_empty_csv_cell_is_quoted_and_an_empty_array_is_empty() -> None:
    rows: list[tuple[dict[str, Any], dict[str, Any]]] = [({"PageId": ""}, {})]
    data = b"".join(encoded(iter(as_cells(rows)), ExportFormat.CSV, ExportType.EVENT, ["PageId"]))
    assert data == b'PageId\n""\n'
    assert b"".join(encoded(iter([]), ExportFormat.JSON, ExportType.EVENT, ())) == b"[\n]\n"
    assert b"".join(encoded(iter([]), ExportFormat.NDJSON, ExportType.EVENT, ())) == b""


@pytest.mark.parametrize("chunk_bytes", [1, 10, 1 << 20])
@pytest.mark.parametrize("count", [0, 1, 7])
def test_files_are_whole_whatever_the_piece_size(
    monkeypatch: pytest.MonkeyPatch, chunk_bytes: int, count: int
) -> None:
    monkeypatch.setattr(files, "CHUNK_BYTES", chunk_bytes)
    rows = [({"PageId": str(n)}, {"EventType": "x"}) for n in range(count)]
    fields = ["PageId", "EventType"]

    def file(fmt: ExportFormat) -> bytes:
        return b"".join(encoded(iter(as_cells(rows)), fmt, ExportType.EVENT, fields))

    wanted = [{"PageId": str(n), "EventType": "x"} for n in range(count)]
    assert orjson.loads(file(ExportFormat.JSON)) == wanted
    assert [orjson.loads(line) for line in file(ExportFormat.NDJSON).splitlines()] == wanted
    assert file(ExportFormat.NDJSON).endswith(b"\n") or count == 0
    assert file(ExportFormat.CSV).decode() == "PageId,EventType\n" + "".join(
        f"{n},x\n" for n in range(count)
    )


@given(
    st.sampled_from(["PageId", 'we"ird\\name', "é", "user_plan_str"]),
    st.one_of(
        st.text(),
        st.integers(-(2**63), 2**63 - 1),  # what JSON (orjson) writes
        st.floats(allow_nan=False),
        st.booleans(),
        st.none(),
    ),
)
def test_one_named_json_member_is_the_general_member(name: str, value: Any) -> None:
    encode = json_members([name])
    assert encode({name: value}) == orjson.dumps({name: value})[1:-1]
    assert encode({}) == orjson.dumps({name: None})[1:-1]
