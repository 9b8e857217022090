"""JSON numbers as the schema means them.

JSON Schema counts ``3.0`` as an integer, so a schema-valid body may carry integral floats where
the state layer wants ``int`` (and rightly refuses floats). Converting them here keeps a
schema-valid request from being rejected for its spelling.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any


def integral(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def with_integers(data: Mapping[str, Any], names: Iterable[str]) -> dict[str, Any]:
    """A copy of ``data`` whose fields ``names`` (where present) are ints if integral."""
    copy = dict(data)
    for name in names:
        if name in copy:
            copy[name] = integral(copy[name])
    return copy
