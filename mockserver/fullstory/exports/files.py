"""Export files: rows encoded as NDJSON, CSV or a JSON array, gzip-compressed, produced chunk by
chunk while the rows are generated (nothing is built in memory or on disk first).

The gzip stream carries no file name and a zero modification time, so the same export gives
the same bytes every time it is downloaded.
"""

from __future__ import annotations

import csv
import io
import zlib
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import orjson

from mockserver.fullstory.exports.columns import (
    ALL_EVENT_VARS,
    ALL_USER_VARS,
    EVENT_COLUMNS,
    INDIVIDUAL_COLUMNS,
)
from mockserver.fullstory.exports.request import ExportFormat, ExportType

CHUNK_BYTES = 64 * 1024
GZIP_LEVEL = 1  # fast: the file is generated while it streams, so compression paces it
# The custom user variables every generated user carries (world/generator.py); CSV needs its
# header before the first row, so ``user_*`` expands to these there.
USER_VARS: tuple[str, ...] = (
    "user_plan_str", "user_signup_date_str", "user_loyalty_tier_str", "user_marketing_opt_in_str",
)  # fmt: skip

Row = dict[str, Any]


def csv_columns(export_type: ExportType, fields: Sequence[str]) -> list[str]:
    """The CSV header: the requested fields, or the default set and the user variables.

    ``evt_*`` adds no CSV column (which custom event properties exist is known only after the
    last row); name the ``evt_<name>_<type>`` fields to get them (README, fidelity table)."""
    base = EVENT_COLUMNS if export_type is ExportType.EVENT else INDIVIDUAL_COLUMNS
    if not fields:
        return [*base, *USER_VARS]
    columns: list[str] = []
    for name in fields:
        expanded = USER_VARS if name == ALL_USER_VARS else () if name == ALL_EVENT_VARS else (name,)
        columns.extend(c for c in expanded if c not in columns)
    return columns


def project(row: Row, fields: Sequence[str]) -> Row:
    """The row with only ``fields`` (in their order); ``user_*`` / ``evt_*`` take every custom
    variable of that kind the row has; a named custom variable the row lacks is null."""
    if not fields:
        return row
    out: Row = {}
    for name in fields:
        if name in (ALL_USER_VARS, ALL_EVENT_VARS):
            prefix = name[:-1]
            out.update((k, v) for k, v in row.items() if k.startswith(prefix))
        else:
            out[name] = row.get(name)
    return out


def encoded(
    rows: Iterable[Row], fmt: ExportFormat, export_type: ExportType, fields: Sequence[str]
) -> Iterator[bytes]:
    """The uncompressed file, a piece per row (plus header and framing)."""
    if fmt is ExportFormat.CSV:
        yield from _csv(rows, csv_columns(export_type, fields))
        return
    dump = orjson.dumps
    if fmt is ExportFormat.NDJSON:
        for row in rows:
            yield dump(project(row, fields)) + b"\n"
        return
    yield b"["
    separator = b"\n"
    for row in rows:
        yield separator + dump(project(row, fields))
        separator = b",\n"
    yield b"\n]\n"


def _csv(rows: Iterable[Row], columns: list[str]) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        # csv writes None as an empty cell; only booleans need FullStory's lower-case spelling.
        writer.writerow([_cell(v) if v.__class__ is bool else v for v in map(row.get, columns)])
        if buffer.tell() >= CHUNK_BYTES:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def _cell(value: bool) -> str:
    return "true" if value else "false"


def gzipped(pieces: Iterable[bytes]) -> Iterator[bytes]:
    """gzip of the concatenated pieces, in chunks of about CHUNK_BYTES of input."""
    compressor = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 31)  # 31: gzip header, mtime 0
    pending: list[bytes] = []
    size = 0
    for piece in pieces:
        pending.append(piece)
        size += len(piece)
        if size >= CHUNK_BYTES:
            out = compressor.compress(b"".join(pending))
            pending.clear()
            size = 0
            if out:
                yield out
    yield compressor.compress(b"".join(pending)) + compressor.flush()
