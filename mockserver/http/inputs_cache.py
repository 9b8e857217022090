"""An operation's validated inputs, kept by the raw query string (and path values) they came
from, for operations that take no body.

Parsing a query and validating it (casting each value, a jsonschema-rs check per parameter, the
cross-parameter rules) is a pure function of the operation and those bytes: no state and no
clock enter it, so its result may be answered again whatever happened in between. A client
asks the same few queries over and over (a dashboard's list, a poll), and on the served path
this work, its code and the validators it runs cost more than on a tight in-process loop (it
falls out of the CPU caches between requests: bench/cpu_per_request.py ``--served``).

Only successes are kept (a bad query raises every time, at the same step of the pipeline as
before), and only inputs whose values are all immutable scalars: the entry is shared by every
request that hits it, so what a handler or a guard is handed is read-only (``MappingProxyType``
over dicts of str/int/float/bool/None; the parsed query's lists are read, never written, by
the guards, the authenticators and the journal, which copies them). Bounded: at most
:data:`MAX_ENTRIES` per operation (emptied when full, so it follows what clients ask now), and
keys of at most :data:`MAX_KEY_CHARS` characters.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from types import MappingProxyType
from typing import Any, NamedTuple

from mockserver.core.lru import bounded
from mockserver.http.validation import Inputs

MAX_ENTRIES = 64
MAX_KEY_CHARS = 512

_SCALARS = frozenset({str, int, float, bool, type(None)})


class Known(NamedTuple):
    """A cached request's parsed query (as the guards and the journal read it) and its
    validated inputs (as the handler reads them)."""

    query: Mapping[str, list[str]]
    inputs: Inputs


class InputsCache:
    """One operation's :class:`Known` inputs by raw query (and path values)."""

    __slots__ = ("_entries",)

    def __init__(self) -> None:
        self._entries: dict[Hashable, Known] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def key(self, raw_query: bytes, path_params: Mapping[str, str]) -> Hashable | None:
        """What an entry for this request is kept under (None: too long to keep)."""
        values = _path_values(len(raw_query), path_params)
        if values is None:
            return None
        return (raw_query, values) if values else raw_query

    def structured_key(
        self, query: Mapping[str, list[str]], path_params: Mapping[str, str]
    ) -> Hashable | None:
        """What an entry for a query given as values (an in-process caller,
        :mod:`mockserver.http.direct_entry`) is kept under: each name with its values, in the
        order the validator reads them (None: too long to keep). A tuple, never equal to a
        raw query's bytes (or its ``(bytes, path values)`` pair): the two kinds of key can
        not answer each other's entries."""
        items = tuple([(name, *values) for name, values in query.items()])
        size = 0
        for item in items:
            for text in item:
                size += len(text)
        values = _path_values(size, path_params)
        if values is None:
            return None
        return (items, values) if values else (items,)

    def get(self, key: Hashable) -> Known | None:
        return self._entries.get(key)

    def remember(self, key: Hashable, query: Mapping[str, list[str]], inputs: Inputs) -> None:
        """Keep ``inputs`` (validated from ``query``) under ``key``, if sharing them is safe."""
        if not (_scalars(inputs.path) and _scalars(inputs.query)) or inputs.body is not None:
            return
        shared = Inputs(MappingProxyType(dict(inputs.path)), MappingProxyType(dict(inputs.query)),
                        None)  # fmt: skip
        bounded(self._entries, MAX_ENTRIES)[key] = Known(
            MappingProxyType({k: list(v) for k, v in query.items()}), shared
        )


def _path_values(size: int, path_params: Mapping[str, str]) -> tuple[tuple[str, str], ...] | None:
    """The path's values for a key whose query part has ``size`` characters (empty: none), or
    None when the whole would be longer than :data:`MAX_KEY_CHARS`."""
    values = tuple(path_params.items()) if path_params else ()
    for name, value in values:
        size += len(name) + len(value)
    return values if size <= MAX_KEY_CHARS else None


def _scalars(values: Mapping[str, Any]) -> bool:
    return all(type(value) in _SCALARS for value in values.values())
