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
another layout. Rows are byte for byte what the general encoder writes
(tests/fullstory/exports/test_templates.py).

A played session's rows (nearly every row of an export) take a shorter way still
(:meth:`RowTemplates.played`): when the own run has no key cells before the time and the last
own run none at all (the default layouts), a row is five pieces: the page's text up to the
time (one byte format per session, filled per page), the minute's ``YYYY-MM-DDTHH:MM:``, the
``SS.mmm`` of a 60,000-entry table (times.py), the time's zone suffix with the key's cells
(cached per key and suffix), and the page's text after them.

Everything here is UTF-8 bytes, CSV too: a page's or key's text is encoded once, not each row.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import orjson

from mockserver.core.lru import bounded
from mockserver.fullstory.exports.columns import ALL_EVENT_VARS, EVENT_LEVEL_COLUMNS, PAGE_COLUMNS
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
from mockserver.fullstory.exports.session_rows import SessionRows
from mockserver.fullstory.exports.times import SECOND_MILLIS
from mockserver.fullstory.world.models import Page

Encode = Callable[[Values], bytes]
# Keys cached per export (a few hundred occur; this bounds a scenario's odd world).
MAX_KEYS = 8192
_NO_VARIABLES: Values = {}
# A played session's range bounds when the export's range has none (epoch milliseconds).
_NO_LOW, _NO_HIGH = -(2**62), 2**62


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
class _Format:
    """How a format writes the six pieces. ``members`` encodes some columns of a row part (JSON
    members without braces, ``b""`` if none; CSV cells joined by commas)."""

    members: Callable[[Sequence[str]], Encode]
    separator: bytes  # between the members or cells of two column groups
    skip_empty: bool  # JSON: a group with nothing to write adds no separator
    cell: Callable[[Any], bytes]  # one value's cell
    time_open: bytes  # what cell writes before a time's text (it needs no escaping) ...
    time_close: bytes  # ... and after it
    page_head: Callable[[bytes | None], bytes]  # the shared run before the time, if any
    key_head: Callable[[bytes, bool], bytes]  # the own run's columns before the time
    key_mid: Callable[[bytes, bool], bytes]  # ... and after it
    page_mid: Callable[[bytes | None], bytes]  # the shared run after the own run
    key_tail: Callable[[bytes | None], bytes]  # the last own run (custom variable columns)


def _json_after(part: bytes | None) -> bytes:
    return b"," + part if part else b""


JSON = _Format(
    members=json_members,
    separator=b",",
    skip_empty=True,
    cell=orjson.dumps,  # quoted, as the member's value
    time_open=b'"',
    time_close=b'"',
    page_head=lambda part: b"{" + part + b"," if part else b"{",
    key_head=lambda part, _: (part + b"," if part else b"") + b'"EventStart":',
    key_mid=lambda part, _: _json_after(part),
    page_mid=_json_after,
    key_tail=lambda part: _json_after(part) + b"}",
)


def _csv_after(part: bytes | None) -> bytes:
    return b"" if part is None else b"," + part


def _csv_members(names: Sequence[str]) -> Encode:
    """CSV cells as UTF-8 (the file's encoding), comma-separated."""
    fragment = csv_fragment(names)
    return lambda values: fragment(values).encode()


# CSV: a column is a cell even when it is empty, so separators follow the columns, not the text.
CSV = _Format(
    members=_csv_members,
    separator=b",",
    skip_empty=False,
    cell=lambda text: csv_cell(text).encode(),
    time_open=b"",
    time_close=b"",
    page_head=lambda part: b"" if part is None else part + b",",
    key_head=lambda part, has_columns: part + b"," if has_columns else b"",
    key_mid=lambda part, has_columns: b"," + part if has_columns else b"",
    page_mid=_csv_after,
    key_tail=_csv_after,
)


# A shared run's text for the pages of one session, cut at the page's cells: the texts around
# them, and each cell's column (its place in ``PAGE_COLUMNS``): ``texts[n]``, the cell of
# ``columns[n]``, ``texts[n + 1]``...
Cut = tuple[list[bytes], list[int]]
# Stand-ins for a page's PAGE_COLUMNS: a run's page columns written with these, then split where
# they stand, give the text around a page's cells (_SharedRun).
_MARKS: Mapping[str, str] = MappingProxyType({name: f"\x00{name}\x00" for name in PAGE_COLUMNS})


class _SharedRun:
    """A shared run's text for a page. Of a page's shared columns only ``PAGE_COLUMNS`` change
    within a session, so the session's columns are written once per session (:meth:`use`,
    :meth:`cut`) and the page's own per page (:meth:`text`, or cells put in the cuts)."""

    def __init__(self, names: Sequence[str], form: _Format) -> None:
        self.names = tuple(names)
        self._whole: Encode = form.members(names)
        self._form = form
        groups: list[tuple[bool, list[str]]] = []
        for name in names:
            per_page = name in PAGE_COLUMNS
            if groups and groups[-1][0] == per_page:
                groups[-1][1].append(name)
            else:
                groups.append((per_page, [name]))
        self._groups: list[tuple[bool, Encode]] = [
            (per_page, form.members(group)) for per_page, group in groups
        ]
        # What a group of page columns writes around its cells is the same on every page of
        # every session: written once with the stand-ins and cut where they stand (no session
        # value is in that text, so none can be taken for a stand-in).
        # Each group: the text before its first cell, then each cell's column and the text
        # after it (nothing for a group of session columns).
        cells = {form.cell(mark): column for column, mark in enumerate(_MARKS.values())}
        pattern = re.compile(b"(" + b"|".join(map(re.escape, cells)) + b")")
        self._page_cuts: list[tuple[bytes, list[tuple[int, bytes]]]] = []
        for (per_page, encode), (_, group) in zip(self._groups, groups, strict=True):
            pieces = pattern.split(encode(_MARKS)) if per_page else [b""]
            marks, texts = pieces[1::2], pieces[2::2]
            after = [(cells[mark], text) for mark, text in zip(marks, texts, strict=True)]
            # Each of the group's columns must be found, in order: were a cell written otherwise
            # than its stand-in (form.cell and form.members disagreeing), the stand-in would go
            # into every row unnoticed.
            if per_page and [column for column, _ in after] != [
                PAGE_COLUMNS.index(name) for name in group
            ]:
                raise RuntimeError(f"page columns {group} were not found in their own text")
            self._page_cuts.append((pieces[0], after))
        self._session: Values | None = None
        self._session_parts: list[bytes | None] = []

    def __call__(self, page: Values) -> bytes:
        if not isinstance(page, PageValues) or len(self._groups) == 1:
            return self._whole(page)
        self.use(page.session)
        return self.text(page)

    def use(self, session: Values) -> None:
        """Write the session's columns of the pages :meth:`text` is asked for next."""
        if session is not self._session:
            self._session = session
            self._session_parts = [
                None if per_page else encode(session) for per_page, encode in self._groups
            ]

    def text(self, page: Values) -> bytes:
        """The run's text for a page whose ``PAGE_COLUMNS`` are in ``page`` (its session's
        columns were given to :meth:`use`)."""
        parts = [
            encode(page) if written is None else written
            for (_, encode), written in zip(self._groups, self._session_parts, strict=True)
        ]
        form = self._form
        return form.separator.join([part for part in parts if part] if form.skip_empty else parts)

    def cut(self, session: Values) -> Cut:
        """The run's text for the pages of ``session`` (its shared columns written), cut at
        each page column's cell: :meth:`text` is its texts with the page's cells between."""
        form = self._form
        texts, columns = [b""], []
        started = False
        for (per_page, encode), (first, cells) in zip(self._groups, self._page_cuts, strict=True):
            if per_page:
                text = first  # never an empty group: JSON writes the column's name
            else:
                text = encode(session)
                if form.skip_empty and not text:
                    continue
            if started:
                texts[-1] += form.separator
            started = True
            texts[-1] += text
            for column, after in cells:
                columns.append(column)
                texts.append(after)
        return texts, columns


class RowTemplates:
    """Writes the rows of one export's layout from cached pieces (see the module's doc); each
    row's text is followed by ``end`` (the file's row separator)."""

    def __init__(self, shape: _Shape, form: _Format, end: bytes) -> None:
        self._shape = shape
        self.form = form
        self._end = end
        members = form.members
        self.before = _SharedRun(shape.before, form) if shape.before else None
        self.after = _SharedRun(shape.after, form) if shape.after else None
        # The page texts' fixed text around a shared run with page columns (never empty, so
        # the format's text around it is the same whatever it holds).
        self._head_ends = form.page_head(b"\x00").split(b"\x00")
        self._mid_ends = form.page_mid(b"\x00").split(b"\x00")
        self._head: Encode = members(shape.head)
        self._tail: Encode = members(shape.tail)
        self._extra: Encode | None = members(shape.extra) if shape.extra else None
        self._keys: dict[tuple[Any, ...], tuple[bytes, bytes, bytes]] = {}
        self._variables_timed = shape.variables_timed
        self._page: Values | None = None
        self._page_head: bytes = form.page_head(None)
        self._page_mid: bytes = form.page_mid(None)
        # The played-session path (:meth:`played`) needs the key's cells all in the timed run's
        # tail: the text before the time and after the key's cells is then the same for every
        # key, and a row is five pieces.
        self._fixed_ends = not shape.head and not any(
            name in EVENT_LEVEL_COLUMNS for name in shape.extra or ()
        )
        # Custom variables are all evt_ columns (columns.event_vars).
        self._every_variable = form is JSON and shape.extra == (ALL_EVENT_VARS,)
        self._mids: dict[str, dict[tuple[Any, ...], bytes]] = {}  # time suffix -> key -> mid
        self._trail = self._trail_of()  # the same for every played session

    @classmethod
    def of(cls, runs: Sequence[Run], form: _Format, end: bytes) -> RowTemplates | None:
        """The templates of ``runs``, or None when their layout has no fast path."""
        shape = _shape_of(runs)
        return cls(shape, form, end) if shape is not None else None

    def row(self, page: Values, cells: EventCells) -> bytes | None:
        """The row's text and ``end``, or None when it needs the general encoder."""
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
            tail = self.form.key_tail(extra) + self._end
        return b"".join((self._page_head, head, self.form.cell(start), mid, self._page_mid, tail))

    def played(
        self, rows: PlayedRows, general: Callable[[Values, EventCells], bytes], out: list[bytes]
    ) -> None:
        """Writes the text of a played session's rows inside their range into ``out``, each
        followed by ``end``.

        A row whose key is cached (nearly all) is five pieces, six with custom variables::

            page_lead + minute_prefix + SECOND_MILLIS[ms] + mid + page_trail

        ``page_lead`` (the page's text up to the time's text) and ``page_trail`` (after the
        key's cells) are made once per page (:class:`_PageTexts`), ``mid`` (the time's zone
        suffix and the key's cells) once per key and suffix, and the minute's prefix once per
        minute. Rows in a minute formatted per value go through :meth:`row`."""
        if not self._fixed_ends:
            self._each(rows, general, out)
            return
        session_rows, time_text = rows.session_rows, rows.time_text
        pages, page_texts = session_rows.session.pages, _PageTexts(self, session_rows)
        low = rows.low if rows.low is not None else _NO_LOW
        high = rows.high if rows.high is not None else _NO_HIGH
        trail, timed = self._trail, self._variables_timed
        views: dict[str, int] = {}  # each view's start (its first event)
        index, page_lead, page_mid, page_trail, lead = -1, b"", b"", b"", b""
        minute, low_in, high_in, prefix, suffix = 0, 0, 0, b"", ""  # no minute yet
        mids: dict[tuple[Any, ...], bytes] = {}
        for time_us, page_index, key, variables in rows.events:
            at = time_us // 1000  # epoch_ms, inlined: once per row
            if page_index != index:
                index = page_index
                page = pages[index]
                page_lead, page_mid = page_texts(page, views.setdefault(page.view_id, at))
                page_trail, lead = page_mid + trail, page_lead + prefix
            if low_in <= at < high_in:  # inside the range and the current minute
                if not variables:
                    try:  # a key seen before (a subscript is cheaper than a get and a test)
                        out += (lead, SECOND_MILLIS[at - minute], mids[key], page_trail)
                        continue
                    except KeyError:
                        pass
            else:
                if at < low or at >= high:
                    continue
                parts = time_text.minute_of(at)
                if parts is None:  # formatted per value: no minute to keep
                    low_in = high_in = 0
                    out.append(self._single(session_rows, index, at, key, variables, general))
                    continue
                minute, minute_prefix, minute_suffix = parts
                prefix = minute_prefix.encode()
                lead = page_lead + prefix
                low_in, high_in = max(minute, low), min(minute + 60_000, high)
                if minute_suffix != suffix:
                    suffix = minute_suffix
                    mids = bounded(self._mids, 8).setdefault(suffix, {})
            mid = mids.get(key) or self._mid(mids, key, suffix)
            if mid is None or (variables and timed):
                out.append(self._single(session_rows, index, at, key, variables, general))
            elif variables:  # a custom event's evt_ columns: the last own run
                tail = self._variables_tail(variables)
                out += (lead, SECOND_MILLIS[at - minute], mid, page_mid, tail)
            else:
                out += (lead, SECOND_MILLIS[at - minute], mid, page_trail)

    def _each(
        self, rows: PlayedRows, general: Callable[[Values, EventCells], bytes], out: list[bytes]
    ) -> None:
        """:meth:`played` one row at a time through :meth:`row` (a layout it cannot write)."""
        for page, cells in rows.rows():
            line = self.row(page, cells)
            out.append(line if line is not None else general(page, cells))

    def _single(  # noqa: PLR0917 - a played row's parts, from the loop's locals
        self,
        session_rows: SessionRows,
        page_index: int,
        at: int,
        key: tuple[Any, ...],
        variables: Values,
        general: Callable[[Values, EventCells], bytes],
    ) -> bytes:
        """A played row through :meth:`row` (or ``general``), its page's values written anew."""
        cells = (session_rows.time_text(at), key, variables)
        page = session_rows.page_values(page_index)
        line = self.row(page, cells)
        return line if line is not None else general(page, cells)

    def lead(self) -> bytes:
        """The text between a page's shared run and the time's text (a layout with fixed ends)."""
        return self.form.key_head(b"", False) + self.form.time_open

    def _variables_tail(self, variables: Values) -> bytes:
        """The last own run's text and ``end`` of a row with custom variables (a layout with
        fixed ends, whose last own run has only ``evt_`` columns)."""
        if self._every_variable:  # JSON's evt_* alone: every variable, in the event's order
            return b"," + orjson.dumps(variables)[1:-1] + b"}" + self._end
        return self.form.key_tail(self._extra(variables) if self._extra else None) + self._end

    def _trail_of(self) -> bytes:
        """The text after the page's shared run that follows the key (fixed ends, no custom
        variables): the last own run's and ``end``."""
        values = own_values(("", ("",) * len(EVENT_LEVEL_COLUMNS[1:]), _NO_VARIABLES))
        return self.form.key_tail(self._extra(values) if self._extra else None) + self._end

    def page_cuts(self, session: Values) -> tuple[Cut, Cut]:
        """The text of a page of ``session`` before its rows' time (``page_head`` and the own
        run's text before the time) and after their key's cells (``page_mid``), cut at the
        page's cells (a layout with fixed ends)."""
        form = self.form
        head = self._wrapped(self.before, session, form.page_head, self._head_ends)
        head[0][-1] += self.lead()
        return head, self._wrapped(self.after, session, form.page_mid, self._mid_ends)

    @staticmethod
    def _wrapped(
        run: _SharedRun | None,
        session: Values,
        wrap: Callable[[bytes | None], bytes],
        ends: list[bytes],
    ) -> Cut:
        """``wrap`` of a shared run's cut text for ``session`` (a run without page columns is
        one text: wrapped as it is, empty or not)."""
        if run is None:
            return [wrap(None)], []
        texts, columns = run.cut(session)
        if not columns:
            return [wrap(texts[0])], columns
        opening, closing = ends
        texts[0] = opening + texts[0]
        texts[-1] += closing
        return texts, columns

    def _mid(
        self, mids: dict[tuple[Any, ...], bytes], key: tuple[Any, ...], suffix: str
    ) -> bytes | None:
        """The text after a time's ``SS.mmm`` to the key's last cell, or None when the key's
        values are not all text."""
        if not all(value.__class__ is str for value in key):
            return None
        values = own_values(("", key, _NO_VARIABLES))
        mid = suffix.encode() + self.form.time_close
        mid += self.form.key_mid(self._tail(values), bool(self._shape.tail))
        bounded(mids, MAX_KEYS)[key] = mid
        return mid

    def _set_page(self, page: Values) -> None:
        form = self.form
        self._page = page
        self._page_head = form.page_head(self.before(page) if self.before else None)
        self._page_mid = form.page_mid(self.after(page) if self.after else None)

    def _key_pieces(self, key: tuple[Any, ...]) -> tuple[bytes, bytes, bytes]:
        values = own_values(("", key, _NO_VARIABLES))
        form, shape = self.form, self._shape
        pieces = (
            form.key_head(self._head(values), bool(shape.head)),
            form.key_mid(self._tail(values), bool(shape.tail)),
            form.key_tail(self._extra(values) if self._extra else None) + self._end,
        )
        bounded(self._keys, MAX_KEYS)[key] = pieces
        return pieces


class _PageTexts:
    """The page texts of one played session's rows: a page's text before its rows' time
    (``page_head`` and the own run's text before the time) and after their key's cells (its
    shared run after the own run).

    The session's columns are the same on every page, so the two texts are written once per
    session, cut at each of the page's columns (:meth:`_SharedRun.cut`); a page puts its
    columns' cells in the cuts."""

    def __init__(self, templates: RowTemplates, session_rows: SessionRows) -> None:
        self._page_cells = session_rows.page_cells
        self._cell = templates.form.cell
        head, mid = templates.page_cuts(session_rows.session_values)
        self._head, self._mid = _Slotted(*head), _Slotted(*mid)

    def __call__(self, page: Page, view_start: int) -> tuple[bytes, bytes]:
        cells = tuple(map(self._cell, self._page_cells(page, view_start)))
        return self._head.filled(cells), self._mid.filled(cells)


class _Slotted:
    """A cut text (:data:`Cut`) with a slot for each of a page's cells: ``pieces`` joined,
    each slot's piece (``slots``: its place and its column's place in ``PAGE_COLUMNS``)
    filled first."""

    def __init__(self, texts: list[bytes], columns: list[int]) -> None:
        pieces = [b""] * (2 * len(texts) - 1)
        pieces[::2] = texts
        self._pieces = pieces
        self._slots = [(2 * n + 1, column) for n, column in enumerate(columns)]

    def filled(self, cells: tuple[bytes, ...]) -> bytes:
        pieces = self._pieces
        for place, column in self._slots:
            pieces[place] = cells[column]
        return b"".join(pieces)
