"""Which columns an export file has, in which order, compiled once per export into *runs*:
stretches of consecutive columns that are all shared by a page's events or all the event's own
(``columns.EVENT_LEVEL_COLUMNS`` and ``evt_*``). Encoders (files.py) write a shared run once per
page and only the event's own runs per row.

JSON rows hold the requested ``fields`` in their order (the default set, then every custom
variable, without them); ``user_*`` / ``evt_*`` take every custom variable of that kind the row
has, a named custom variable the row lacks is null, and a key written once is not written again.
CSV columns are fixed by the header (``csv_columns``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from mockserver.fullstory.exports.columns import (
    ALL_EVENT_VARS,
    ALL_USER_VARS,
    EVENT_COLUMNS,
    EVENT_LEVEL_COLUMNS,
    INDIVIDUAL_COLUMNS,
)
from mockserver.fullstory.exports.request import ExportType

# The custom user variables every generated user carries (world/generator.py); CSV needs its
# header before the first row, so ``user_*`` expands to these there.
USER_VARS: tuple[str, ...] = (
    "user_plan_str", "user_signup_date_str", "user_loyalty_tier_str", "user_marketing_opt_in_str",
)  # fmt: skip
_WILDCARDS = {ALL_USER_VARS: "user_", ALL_EVENT_VARS: "evt_"}
# What makes csv quote a cell; a carriage return too (RFC 4180), which Python's csv leaves bare.
_CSV_SPECIAL = (",", '"', "\n", "\r")

Values = Mapping[str, Any]
# An event row's own part (session_rows.py), as a tuple rather than a dict (it is made once per
# row): the ``EventStart`` text, the values of the other ``EVENT_LEVEL_COLUMNS`` in order (the
# *key*: events repeat a few hundred distinct keys, so encoders cache what a key encodes to),
# and the event's ``evt_`` custom variables (empty for all but custom events).
EventCells = tuple[Any, tuple[Any, ...], Values]
_NO_VARIABLES: Values = {}


class PageValues(dict[str, Any]):
    """A page's shared columns (session_rows.py): its session's, which are also ``session``
    (one object for every page of the session, so encoders can write them once per session),
    and the page's own ``PAGE_COLUMNS``."""

    __slots__ = ("session",)

    def __init__(self, session: Values, page: Values) -> None:
        super().__init__(session)
        self.update(page)
        self.session = session


def own_values(cells: EventCells) -> dict[str, Any]:
    """An event row's own part as columns: ``EVENT_LEVEL_COLUMNS`` in order, then ``evt_*``."""
    start, key, variables = cells
    values = dict(zip(EVENT_LEVEL_COLUMNS, (start, *key), strict=True))
    values.update(variables)
    return values


def own_cells(values: Values) -> EventCells:
    """The inverse of :func:`own_values` (a missing column is None)."""
    return (
        values.get("EventStart"),
        tuple(values.get(name) for name in EVENT_LEVEL_COLUMNS[1:]),
        {k: v for k, v in values.items() if k.startswith("evt_")} or _NO_VARIABLES,
    )


def default_fields(export_type: ExportType) -> tuple[str, ...]:
    if export_type is ExportType.EVENT:
        return (*EVENT_COLUMNS, ALL_USER_VARS, ALL_EVENT_VARS)
    return (*INDIVIDUAL_COLUMNS, ALL_USER_VARS)


def csv_columns(export_type: ExportType, fields: Sequence[str]) -> list[str]:
    """The CSV header: the requested fields, or the default set and the user variables.

    ``evt_*`` adds no CSV column (which custom event properties exist is known only after the
    last row); name the ``evt_<name>_<type>`` fields to get them (README, fidelity table)."""
    columns: list[str] = []
    for name in fields or default_fields(export_type):
        expanded = USER_VARS if name == ALL_USER_VARS else () if name == ALL_EVENT_VARS else (name,)
        columns.extend(c for c in expanded if c not in columns)
    return columns


def is_per_event(name: str, export_type: ExportType) -> bool:
    """Whether column (or wildcard) ``name`` changes from one event row to the next."""
    if export_type is ExportType.INDIVIDUAL:
        return False  # an individual row is all shared part
    return name in EVENT_LEVEL_COLUMNS or name.startswith("evt_")


@dataclass(frozen=True, slots=True)
class Run:
    """Consecutive export columns that either all change from one event row to the next
    (``per_event``) or all stay the same."""

    per_event: bool
    names: tuple[str, ...]


def runs_of(names: Sequence[str], export_type: ExportType) -> tuple[Run, ...]:
    runs: list[Run] = []
    for name in names:
        per_event = is_per_event(name, export_type)
        if runs and runs[-1].per_event == per_event:
            runs[-1] = Run(per_event, (*runs[-1].names, name))
        else:
            runs.append(Run(per_event, (name,)))
    return tuple(runs)


# -- JSON -----------------------------------------------------------------------------------------


def json_fragments(runs: Sequence[Run]) -> Callable[[Values], list[bytes]]:
    """A function from a row part's values to the JSON members (``"k":v,...``, no braces) of
    each of ``runs``, in order; ``b""`` for a run with nothing to write."""
    pickers = [_json_picker(run.names) for run in runs]
    dedupe = needs_dedupe([name for run in runs for name in run.names])
    dump = orjson.dumps
    if not dedupe:
        return lambda values: [dump(pick(values))[1:-1] for pick in pickers]

    def fragments(values: Values) -> list[bytes]:
        written: set[str] = set()
        out = []
        for pick in pickers:
            members = {k: v for k, v in pick(values).items() if k not in written}
            written.update(members)
            out.append(dump(members)[1:-1])
        return out

    return fragments


def _json_picker(names: Sequence[str]) -> Callable[[Values], dict[str, Any]]:
    if not any(name in _WILDCARDS for name in names):
        keys = tuple(names)
        return lambda values: {key: values.get(key) for key in keys}

    def pick(values: Values) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name in names:
            prefix = _WILDCARDS.get(name)
            if prefix is None:
                out.setdefault(name, values.get(name))
            else:
                # A comprehension's dict, not a generator of pairs: a session's columns once per
                # session, a custom event's evt_* columns once per row.
                out.update({k: v for k, v in values.items() if k.startswith(prefix)})
        return out

    return pick


def needs_dedupe(names: Sequence[str]) -> bool:
    """A custom variable may be written twice only when its wildcard and its name both are."""
    return any(
        wildcard in names and any(n.startswith(prefix) and n != wildcard for n in names)
        for wildcard, prefix in _WILDCARDS.items()
    )


# -- CSV ------------------------------------------------------------------------------------------


def csv_fragment(names: Sequence[str]) -> Callable[[Values], str]:
    """A function from a row part's values to its cells of ``names``, comma-separated."""
    keys = tuple(names)
    if len(keys) == 1:
        (key,) = keys
        return lambda values: csv_cell(values.get(key))
    return lambda values: ",".join([csv_cell(values.get(key)) for key in keys])


def csv_cell(value: Any) -> str:
    """One cell as Python's csv writes it (minimal quoting; None empty), with FullStory's
    lower-case booleans."""
    if value is None:
        return ""
    if value.__class__ is bool:
        return "true" if value else "false"
    text = value if value.__class__ is str else str(value)
    for special in _CSV_SPECIAL:
        if special in text:
            return '"' + text.replace('"', '""') + '"'
    return text


def json_members(names: Sequence[str]) -> Callable[[Values], bytes]:
    """The JSON members of ``names`` in a row part (one run's worth, no dedupe)."""
    dump = orjson.dumps
    if len(names) == 1 and names[0] not in _WILDCARDS:
        # One named column (a page's PageId, PageStart or PageUrl, written once per page): its
        # key, encoded once, and its value, without a dict built and dumped around it.
        key, prefix = names[0], dump({names[0]: None})[1:-5]  # '"name":'
        return lambda values: prefix + dump(values.get(key))
    pick = _json_picker(names)
    return lambda values: dump(pick(values))[1:-1]
