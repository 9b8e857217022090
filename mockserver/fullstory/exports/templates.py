"""The fast path of export rows: a row is written from text cached per page and per event *key*,
with only its time formatted anew.

An event row's own cells (layout.EventCells) are its time and its key (type, sub type, custom
name, target text and selector). A million-row export holds a few hundred distinct keys, so what
a key encodes to is cached, as is what a page encodes to (files.py writes the shared columns once
per page), and a row is one join of six pieces::

    page_head + key_head + time + key_mid + page_mid + key_tail

This fits layouts whose runs (layout.runs_of) are ``[shared] own-with-EventStart [shared]
[own]``: the default JSON and CSV layouts and most ``fields`` subsets. A custom event's
variables (``evt_*``) are written per row into the last own run (``key_tail``); a row whose
variables would land in the timed run, or whose key values are not all text (``1`` and ``True``
are equal dict keys but encode differently), goes to the general encoder, as does every row of
another layout. Rows are
byte for byte what the general encoder writes (tests/fullstory/exports/test_layout.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import orjson

from mockserver.fullstory.exports.columns import PAGE_COLUMNS
from mockserver.fullstory.exports.layout import (
    EventCells,
    PageValues,
    Run,
    Values,
    csv_cell,
    csv_fragment,
    json_members,
    needs_dedupe,
    own_values,
)
from mockserver.fullstory.exports.rows import PlayedRows

T = TypeVar("T", bytes, str)
Encode = Callable[[Values], T]
# Keys cached per export (a few hundred occur; this bounds a scenario's odd world).
MAX_KEYS = 8192
_NO_VARIABLES: Values = {}


@dataclass(frozen=True, slots=True)
class _Shape:
    """Where the runs are: the own run holding ``EventStart`` (split there into ``head`` and
    ``tail`` names), the shared runs before and after it, and an own run after those."""

    before: tuple[str, ...] | None
    head: tuple[str, ...]
    tail: tuple[str, ...]
    after: tuple[str, ...] | None
    extra: tuple[str, ...] | None

    @property
    def variables_timed(self) -> bool:
        """Whether custom variables would be written in the timed run."""
        return any(name.startswith("evt_") for name in (*self.head, *self.tail))


def _shape_of(runs: Sequence[Run]) -> _Shape | None:
    names = [name for run in runs for name in run.names]
    if len(set(names)) != len(names) or needs_dedupe(names):
        return None  # a name written once across runs: left to the general encoder
    kinds = "".join("o" if run.per_event else "s" for run in runs)
    timed = [i for i, run in enumerate(runs) if "EventStart" in run.names]
    if len(timed) != 1 or kinds not in ("o", "so", "os", "sos", "oso", "soso"):
        return None
    at = timed[0]
    if kinds[at] != "o" or at != kinds.index("o"):
        return None  # the time must be in the first own run
    hole = runs[at].names
    split = hole.index("EventStart")
    rest = runs[at + 1 :]
    after = rest[0].names if rest and not rest[0].per_event else None
    extra = rest[-1].names if rest and rest[-1].per_event else None
    return _Shape(
        before=runs[0].names if at == 1 else None,
        head=hole[:split],
        tail=hole[split + 1 :],
        after=after,
        extra=extra,
    )


@dataclass(frozen=True, slots=True)
class _Format(Generic[T]):
    """How a format writes the six pieces. ``members`` encodes some columns of a row part (JSON
    members without braces, ``b""`` if none; CSV cells joined by commas)."""

    members: Callable[[Sequence[str]], Callable[[Values], T]]
    separator: T  # between the members or cells of two column groups
    skip_empty: bool  # JSON: a group with nothing to write adds no separator
    time_cell: Callable[[str], T]
    page_head: Callable[[T | None], T]  # the shared run before the time, if the layout has one
    key_head: Callable[[T, bool], T]  # the own run's columns before the time
    key_mid: Callable[[T, bool], T]  # ... and after it
    page_mid: Callable[[T | None], T]  # the shared run after the own run
    key_tail: Callable[[T | None], T]  # the last own run (custom variable columns)


def _json_after(part: bytes | None) -> bytes:
    return b"," + part if part else b""


JSON: _Format[bytes] = _Format(
    members=json_members,
    separator=b",",
    skip_empty=True,
    time_cell=orjson.dumps,  # quoted, as the member's value
    page_head=lambda part: b"{" + part + b"," if part else b"{",
    key_head=lambda part, _: (part + b"," if part else b"") + b'"EventStart":',
    key_mid=lambda part, _: _json_after(part),
    page_mid=_json_after,
    key_tail=lambda part: _json_after(part) + b"}",
)


def _csv_after(part: str | None) -> str:
    return "" if part is None else "," + part


# CSV: a column is a cell even when it is empty, so separators follow the columns, not the text.
CSV: _Format[str] = _Format(
    members=csv_fragment,
    separator=",",
    skip_empty=False,
    time_cell=csv_cell,
    page_head=lambda part: "" if part is None else part + ",",
    key_head=lambda part, has_columns: part + "," if has_columns else "",
    key_mid=lambda part, has_columns: "," + part if has_columns else "",
    page_mid=_csv_after,
    key_tail=_csv_after,
)


class _SharedRun(Generic[T]):
    """A shared run's text for a page. Of a page's shared columns only ``PAGE_COLUMNS`` change
    within a session, so for a :class:`~mockserver.fullstory.exports.layout.PageValues` the
    session's columns are written once per session and the page's own per page."""

    def __init__(self, names: Sequence[str], form: _Format[T]) -> None:
        self._whole: Encode[T] = form.members(names)
        self._form: _Format[T] = form
        groups: list[tuple[bool, list[str]]] = []
        for name in names:
            per_page = name in PAGE_COLUMNS
            if groups and groups[-1][0] == per_page:
                groups[-1][1].append(name)
            else:
                groups.append((per_page, [name]))
        self._groups: list[tuple[bool, Encode[T]]] = [
            (per_page, form.members(group)) for per_page, group in groups
        ]
        self._session: Values | None = None
        self._session_parts: list[T | None] = []

    def __call__(self, page: Values) -> T:
        if not isinstance(page, PageValues) or len(self._groups) == 1:
            return self._whole(page)
        session = page.session
        if session is not self._session:
            self._session = session
            self._session_parts = [
                None if per_page else encode(session) for per_page, encode in self._groups
            ]
        parts = [
            encode(page) if written is None else written
            for (_, encode), written in zip(self._groups, self._session_parts, strict=True)
        ]
        form = self._form
        return form.separator.join([part for part in parts if part] if form.skip_empty else parts)


class RowTemplates(Generic[T]):
    """Writes the rows of one export's layout from cached pieces (see the module's doc)."""

    def __init__(self, shape: _Shape, form: _Format[T]) -> None:
        self._shape = shape
        self._form: _Format[T] = form
        members = form.members
        self._before: _SharedRun[T] | None = (
            _SharedRun(shape.before, form) if shape.before else None
        )
        self._after: _SharedRun[T] | None = _SharedRun(shape.after, form) if shape.after else None
        self._head: Encode[T] = members(shape.head)
        self._tail: Encode[T] = members(shape.tail)
        self._extra: Encode[T] | None = members(shape.extra) if shape.extra else None
        self._keys: dict[tuple[Any, ...], tuple[T, T, T]] = {}
        self._variables_timed = shape.variables_timed
        self._page: Values | None = None
        self._page_head: T = form.page_head(None)
        self._page_mid: T = form.page_mid(None)

    @classmethod
    def of(cls, runs: Sequence[Run], form: _Format[T]) -> RowTemplates[T] | None:
        """The templates of ``runs``, or None when their layout has no fast path."""
        shape = _shape_of(runs)
        return cls(shape, form) if shape is not None else None

    def row(self, page: Values, cells: EventCells) -> T | None:
        """The row's text, or None when it needs the general encoder."""
        if page is not self._page:
            self._set_page(page)
        start, key, variables = cells
        if start.__class__ is not str or not start:
            return None
        pieces = self._keys.get(key)
        if pieces is None:
            if not all(value.__class__ is str for value in key):
                return None
            pieces = self._key_pieces(key)
        head, mid, tail = pieces
        if variables:  # a custom event's evt_ columns: the last own run, written per row
            if self._variables_timed:
                return None
            extra = self._extra(own_values(cells)) if self._extra else None
            tail = self._form.key_tail(extra)
        parts = (self._page_head, head, self._form.time_cell(start), mid, self._page_mid, tail)
        return parts[0][:0].join(parts)

    def session(self, rows: PlayedRows, general: Callable[[Values, EventCells], T]) -> list[T]:
        """The lines of a played session's rows: :meth:`row` inlined for a row whose key is
        cached and has no custom variables (nearly all), ``general`` for a row :meth:`row`
        cannot write."""
        form, keys = self._form, self._keys
        time_cell = form.time_cell
        page_values, time_text, low, high = rows.page_values, rows.time_text, rows.low, rows.high
        lines: list[T] = []
        append = lines.append
        empty = self._page_head[:0]
        index, page = -1, None
        page_head = page_mid = empty
        for event in rows.events:
            at = event.time_us // 1000  # epoch_ms, inlined: once per row
            if (low is not None and at < low) or (high is not None and at >= high):
                continue
            if event.page_index != index:
                index = event.page_index
                page = page_values(index)
                if page is not self._page:
                    self._set_page(page)
                page_head, page_mid = self._page_head, self._page_mid
            assert page is not None
            start, key, variables = time_text(at), event.key, event.variables
            pieces = keys.get(key)
            if pieces is None or variables or not start:
                cells = (start, key, variables)
                line = self.row(page, cells)
                append(line if line is not None else general(page, cells))
                page_head, page_mid = self._page_head, self._page_mid
                continue
            head, mid, tail = pieces
            append(empty.join((page_head, head, time_cell(start), mid, page_mid, tail)))
        return lines

    def _set_page(self, page: Values) -> None:
        form = self._form
        self._page = page
        self._page_head = form.page_head(self._before(page) if self._before else None)
        self._page_mid = form.page_mid(self._after(page) if self._after else None)

    def _key_pieces(self, key: tuple[Any, ...]) -> tuple[T, T, T]:
        values = own_values(("", key, _NO_VARIABLES))
        form, shape = self._form, self._shape
        pieces = (
            form.key_head(self._head(values), bool(shape.head)),
            form.key_mid(self._tail(values), bool(shape.tail)),
            form.key_tail(self._extra(values) if self._extra else None),
        )
        if len(self._keys) >= MAX_KEYS:
            self._keys.clear()
        self._keys[key] = pieces
        return pieces
