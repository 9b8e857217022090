"""A request's query string as ``{name: [values]}``, exactly as ``urllib.parse.parse_qs`` reads
it (``keep_blank_values=True``, ``&`` between fields).

``parse_qs`` sends every name and value through ``unquote`` and its argument checks, which costs
more than serving a whole cached answer; most names and values have nothing to decode. Here only
those with a ``+`` or a ``%`` are decoded, the same way ``parse_qs`` decodes them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote

# Where an in-process caller that holds the query as values (mockserver.http.direct) puts it,
# already as ``{name: [values]}``: what parsing its urlencoded text gives back (urlencode and
# this parser are inverses, tests/http/test_query.py), without the cost of both (about 7 µs of
# a 170 µs Opal tool call). Its ``query_string`` is then empty.
STRUCTURED_QUERY = "mockserver.query"


def query_of(scope: Mapping[str, Any]) -> dict[str, list[str]]:
    """The request's query: the structured one if the caller gave it, else the parsed text."""
    given: dict[str, list[str]] | None = scope.get(STRUCTURED_QUERY)
    if given is not None:
        return given
    return parse_query(scope.get("query_string", b""))


def parse_query(raw: bytes) -> dict[str, list[str]]:
    """``parse_qs(raw.decode("latin-1"), keep_blank_values=True)``, or ``{}`` for no query."""
    query: dict[str, list[str]] = {}
    if not raw:
        return query
    for field in raw.decode("latin-1").split("&"):
        if not field:
            continue  # "a=1&&b=2": parse_qs skips empty fields
        name, _, value = field.partition("=")  # "flag" alone is a blank value
        name, value = _decoded(name), _decoded(value)
        values = query.get(name)
        if values is None:
            query[name] = [value]
        else:
            values.append(value)
    return query


def _decoded(text: str) -> str:
    if "+" in text:
        text = text.replace("+", " ")
    if "%" in text:
        text = unquote(text, encoding="utf-8", errors="replace")
    return text
