"""Export files: rows encoded as NDJSON, CSV or a JSON array, gzip-compressed, produced chunk by
chunk while the rows are generated (nothing is built in memory or on disk first).

The gzip stream carries no file name and a zero modification time, so the same export gives
the same bytes every time it is downloaded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from isal import isal_zlib

from mockserver.fullstory.exports.layout import (
    EventCells,
    Run,
    Values,
    csv_cell,
    csv_columns,
    csv_fragment,
    default_fields,
    json_fragments,
    own_values,
    runs_of,
)
from mockserver.fullstory.exports.request import ExportFormat, ExportType
from mockserver.fullstory.exports.rows import PlayedRows, Row, RowsItem
from mockserver.fullstory.exports.templates import CSV, JSON, RowTemplates

# Rows are encoded into pieces of about this size before compressing: one zlib call per piece
# instead of one per row, and a piece is what goes out on the wire.
CHUNK_BYTES = 256 * 1024
# The file is generated while it streams, so compression paces the download. ISA-L (isal) level
# 1 deflates event files at about 2 GB/s to ~3.5% of their size; zlib's fastest level did about
# 350 MB/s to ~4%, zlib 6 (gzip's default) ~110 MB/s to ~2.3%. The output is a standard gzip
# stream, the same bytes for the same input. bench/exports.py --gzip-levels compares isal's
# levels (0-3).
GZIP_LEVEL = 1

T = TypeVar("T", bytes, str)


def encoded(
    rows: Iterable[RowsItem], fmt: ExportFormat, export_type: ExportType, fields: Sequence[str]
) -> Iterator[bytes]:
    """The uncompressed file in pieces of about ``CHUNK_BYTES``."""
    if fmt is ExportFormat.CSV:
        columns = csv_columns(export_type, fields)
        header = (",".join(map(csv_cell, columns)) + "\n").encode()
        return _framed(_Frame(header, b"\n", b"\n", header), _csv_lines(rows, columns, export_type))
    runs = runs_of(fields or default_fields(export_type), export_type)
    if fmt is ExportFormat.NDJSON:
        return _framed(_Frame(b"", b"\n", b"\n", b""), _json_objects(rows, runs))
    return _framed(_Frame(b"[\n", b",\n", b"\n]\n", b"[\n]\n"), _json_objects(rows, runs))


@dataclass(frozen=True, slots=True)
class _Frame:
    """How rows make a file: ``head``, the rows joined by ``separator``, then ``end``; a file
    without rows is ``empty``."""

    head: bytes
    separator: bytes
    end: bytes
    empty: bytes


# Writes rows' text into a list of pieces (each row's followed by the separator it is given),
# pausing after each played session or run of single rows (_batches).
Writer = Callable[[list[bytes], bytes], Iterator[None]]


def _framed(frame: _Frame, write: Writer) -> Iterator[bytes]:
    """The framed file in pieces of about ``CHUNK_BYTES``: the rows' pieces are joined once,
    per file piece. The last row piece is held back at each cut, so that the file's last
    separator can become its ``end``."""
    out, counted, size, cut = [frame.head], 1, 0, False
    for _ in write(out, frame.separator):
        # A slice's items (a copy of their references) are read faster than islice's.
        size += sum(map(len, out[counted:]))
        counted = len(out)
        if size >= CHUNK_BYTES and counted > 1:
            last = out.pop()
            yield b"".join(out)
            out[:] = [last]
            counted, size, cut = 1, len(last), True
    if len(out) == 1 and not cut:
        yield frame.empty
        return
    out[-1] = out[-1][: len(out[-1]) - len(frame.separator)]
    out.append(frame.end)
    yield b"".join(out)


class _RowParts(Generic[T]):
    """The general encoder: fills a row's runs in place, the shared ones only when the page
    changes (the rows of a page share one values object), the event's own ones every row.
    Rows the templates (templates.py) cannot write come here."""

    def __init__(
        self,
        runs: Sequence[Run],
        encoder: Callable[[Sequence[Run]], Callable[[Values], list[T]]],
        blank: T,
    ) -> None:
        self.parts: list[T] = [blank] * len(runs)
        self._shared = [i for i, run in enumerate(runs) if not run.per_event]
        self._own = [i for i, run in enumerate(runs) if run.per_event]
        self._encode_shared: Callable[[Values], list[T]] = encoder([runs[i] for i in self._shared])
        self._encode_own: Callable[[Values], list[T]] = encoder([runs[i] for i in self._own])
        self._page: Values | None = None

    def fill(self, page: Values, event: EventCells) -> list[T]:
        parts = self.parts
        if page is not self._page:
            self._page = page
            for place, text in zip(self._shared, self._encode_shared(page), strict=True):
                parts[place] = text
        if self._own:  # an individual row is all shared part
            for place, text in zip(self._own, self._encode_own(own_values(event)), strict=True):
                parts[place] = text
        return parts


def _json_objects(rows: Iterable[RowsItem], runs: Sequence[Run]) -> Writer:
    fill, join = _RowParts(runs, json_fragments, b"").fill, b",".join

    def write(out: list[bytes], end: bytes) -> Iterator[None]:
        def general(page: Values, event: EventCells) -> bytes:
            return b"{%b}%b" % (join([p for p in fill(page, event) if p]), end)

        return _batches(rows, RowTemplates.of(runs, JSON, end), general, out)

    return write


def _csv_lines(rows: Iterable[RowsItem], columns: list[str], export_type: ExportType) -> Writer:
    runs = runs_of(columns, export_type)
    fill = _RowParts(runs, _csv_encoder, "").fill
    # csv writes a row of one empty cell as "" (a blank line would read as no row at all).
    lone = '""' if len(columns) == 1 else ""

    def write(out: list[bytes], end: bytes) -> Iterator[None]:
        def general(page: Values, event: EventCells) -> bytes:
            return (",".join(fill(page, event)) or lone).encode() + end

        return _batches(rows, RowTemplates.of(runs, CSV, end), general, out)

    return write


# Single rows are passed on in runs of up to this many (a played session's rows come whole).
_SINGLE_ROWS = 256


def _batches(
    rows: Iterable[RowsItem],
    templates: RowTemplates | None,
    general: Callable[[Values, EventCells], bytes],
    out: list[bytes],
) -> Iterator[None]:
    """Writes the rows' text into ``out`` in order (each row followed by the file's separator),
    pausing after a played session or a run of single rows: the templates' text where they can
    write a row, else ``general``'s."""
    templated = templates.row if templates is not None else _no_template
    singles = 0
    for item in rows:
        if item.__class__ is PlayedRows:
            assert isinstance(item, PlayedRows)  # for mypy; the class test is the cheap one
            if templates is not None:
                templates.played(item, general, out)
                yield None
                continue
            item_rows: Iterable[Row] = item.rows()
        else:
            item_rows = (item,)  # type: ignore[assignment]
        for page, event in item_rows:
            row = templated(page, event)
            out.append(row if row is not None else general(page, event))
            singles += 1
        if singles >= _SINGLE_ROWS:
            singles = 0
            yield None
    yield None


def _no_template(page: Values, event: EventCells) -> None:
    return None


def _csv_encoder(runs: Sequence[Run]) -> Callable[[Values], list[str]]:
    fragments = [csv_fragment(run.names) for run in runs]
    return lambda values: [fragment(values) for fragment in fragments]


def gzipped(chunks: Iterable[bytes], level: int = GZIP_LEVEL) -> Iterator[bytes]:
    """gzip of the concatenated chunks, compressed chunk by chunk."""
    # wbits 31: a gzip header with no name and mtime 0, so the same file gives the same bytes.
    compressor = isal_zlib.compressobj(level, isal_zlib.DEFLATED, 31)
    for chunk in chunks:
        out = compressor.compress(chunk)
        if out:
            yield out
    yield compressor.flush()
