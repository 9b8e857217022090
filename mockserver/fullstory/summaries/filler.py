"""The structured ``response``: a value for every property of the ``response_schema``.

Each property is filled from the facts its name (or, failing that, its description) asks for:
``summary`` gets the text, ``sentiment`` the sentiment, ``errors`` the errors, an ``issues`` array
every problem, an ``intent`` enum the intent, a ``confidence`` number the confidence, and so on
(the tables below). Where nothing fits, the value is a well-typed neutral one (``""``, ``0``,
``false``, ``[]``, or an enum's neutral-sounding or first value), never an invented fact. The
result always validates against :func:`~.dialect.to_json_schema` of the schema.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from mockserver.fullstory.summaries.facts import SessionFacts
from mockserver.fullstory.summaries.insights import Insights
from mockserver.fullstory.summaries.text import Mentions

_NEUTRAL_ENUM = ("neutral", "unknown", "none", "other", "n/a", "unspecified", "mixed")


@dataclass(frozen=True, slots=True)
class Material:
    """What a response schema's fields are filled from: the session's facts, the insights
    drawn from them, and the summary text."""

    facts: SessionFacts
    insights: Insights
    summary: str

    @property
    def mentions(self) -> Mentions:
        return Mentions(timestamps=True)

    # -- lists of items: each item is a flat dict, rendered as text or as an object --------

    def errors(self) -> list[dict[str, Any]]:
        return [
            {
                "time": e.time,
                "kind": e.kind,
                "message": e.message,
                "page": e.page,
                "text": self.mentions.error(e),
            }
            for e in self.facts.errors
        ]

    def requests(self) -> list[dict[str, Any]]:
        return [
            {
                "time": r.time,
                "kind": "network error",
                "method": r.method,
                "url": r.url,
                "path": r.path,
                "status": r.status,
                "page": r.page,
                "message": f"HTTP {r.status}",
                "text": self.mentions.request(r),
            }
            for r in self.facts.failed_requests
        ]

    def clicks(self, what: str) -> list[dict[str, Any]]:
        chosen = {
            "rage clicks": self.facts.rage_clicks,
            "a dead click": self.facts.dead_clicks,
            "an error click": self.facts.error_clicks,
        }[what]
        return [
            {
                "time": c.time,
                "kind": what,
                "element": c.text or c.selector,
                "selector": c.selector,
                "page": c.page,
                "count": c.rage or 1,
                "message": what,
                "text": self.mentions.click(c, what),
            }
            for c in chosen
        ]

    def problems(self) -> list[dict[str, Any]]:
        return [
            *self.errors(),
            *self.requests(),
            *self.clicks("rage clicks"),
            *self.clicks("a dead click"),
            *self.clicks("an error click"),
        ]

    def pages(self) -> list[dict[str, Any]]:
        return [
            {
                "time": p.time,
                "url": p.url,
                "path": p.path,
                "title": p.title or p.path,
                "text": p.path,
            }
            for p in self.facts.pages
        ]

    def custom(self) -> list[dict[str, Any]]:
        return [{"time": e.time, "name": e.name, "text": e.name} for e in self.facts.custom_events]

    def texts(self, values: Sequence[str]) -> list[dict[str, Any]]:
        return [{"text": value, "message": value, "name": value} for value in values]


_ARRAYS: tuple[tuple[re.Pattern[str], Callable[[Material], list[dict[str, Any]]]], ...] = (
    (re.compile(r"rage", re.I), lambda m: m.clicks("rage clicks")),
    (re.compile(r"dead", re.I), lambda m: m.clicks("a dead click")),
    (re.compile(r"error.?click", re.I), lambda m: m.clicks("an error click")),
    (re.compile(r"warning", re.I), lambda m: m.texts([w.message for w in m.facts.warnings])),
    (
        re.compile(r"hesitation", re.I),
        lambda m: [*m.clicks("a dead click"), *m.clicks("rage clicks")],
    ),
    (
        re.compile(r"slow|load", re.I),
        lambda m: m.texts([f"{p} took {ms} ms to load" for _, p, ms in m.facts.slow_loads]),
    ),
    (re.compile(r"exception|console|javascript|\bjs", re.I), lambda m: m.errors()),
    (re.compile(r"network|request|\bapi|http", re.I), lambda m: m.requests()),
    (re.compile(r"cmp|consent", re.I), lambda m: m.texts(list(m.facts.cmp_issues))),
    (
        re.compile(r"banner|toast|alert|modal|visual", re.I),
        lambda m: m.texts([t for _, t in m.facts.visual_errors]),
    ),
    (re.compile(r"error", re.I), lambda m: [*m.errors(), *m.requests()]),
    (re.compile(r"issue|problem|blocker|friction|frustration|pain", re.I), lambda m: m.problems()),
    (re.compile(r"signal|evidence|indicator", re.I), lambda m: m.texts(list(m.insights.signals))),
    (
        re.compile(r"recommend|suggest|action|next.?step", re.I),
        lambda m: m.texts(list(m.insights.recommendations)),
    ),
    (re.compile(r"search|quer", re.I), lambda m: m.texts(list(m.facts.searches))),
    (
        re.compile(r"page|url|journey|path|navigation|visited|step|timeline", re.I),
        lambda m: m.pages(),
    ),
    (
        re.compile(r"feature|element|clicked", re.I),
        lambda m: m.texts(list(dict.fromkeys(c.text for c in m.facts.clicks if c.text))),
    ),
    (re.compile(r"event", re.I), lambda m: m.custom()),
)


_Strings = tuple[tuple[re.Pattern[str], Callable[[Material], str]], ...]
_Numbers = tuple[tuple[re.Pattern[str], Callable[[Material, bool], float]], ...]
_Booleans = tuple[tuple[re.Pattern[str], Callable[[Material], bool]], ...]


def _severity(m: Material) -> str:
    f = m.facts
    return "high" if f.errors or f.failed_requests else "medium" if f.has_problems else "low"


def _first_problem(m: Material) -> str:
    return str(m.problems()[0]["text"]) if m.facts.has_problems else ""


_STRINGS: _Strings = (
    (
        re.compile(r"summary|synopsis|overview|narrative|recap|description", re.I),
        lambda m: m.summary,
    ),
    (re.compile(r"sentiment|mood|feeling|tone", re.I), lambda m: m.insights.sentiment),
    (re.compile(r"intent", re.I), lambda m: m.insights.intent),
    (re.compile(r"confidence|certainty", re.I), lambda m: m.insights.confidence_label),
    (re.compile(r"drop", re.I), lambda m: m.insights.drop_off),
    (re.compile(r"stage|funnel", re.I), lambda m: m.insights.stage),
    (re.compile(r"outcome|result|status|resolution|success", re.I), lambda m: m.insights.outcome),
    (re.compile(r"persona|user.?type|segment", re.I), lambda m: m.insights.persona),
    (re.compile(r"goal|objective|purpose", re.I), lambda m: m.insights.goal),
    (re.compile(r"engagement", re.I), lambda m: m.insights.engagement),
    (re.compile(r"navigation", re.I), lambda m: m.insights.navigation),
    (re.compile(r"severity|priority|impact", re.I), _severity),
    (
        re.compile(r"recommend|suggest|action|next", re.I),
        lambda m: m.insights.recommendations[0] if m.insights.recommendations else "",
    ),
    (re.compile(r"error|issue|problem|cause|blocker", re.I), _first_problem),
    (re.compile(r"browser", re.I), lambda m: m.facts.device.get("browser", "")),
    (re.compile(r"\bos\b|operating", re.I), lambda m: m.facts.device.get("operating_system", "")),
    (re.compile(r"device", re.I), lambda m: m.facts.device.get("device", "")),
    (
        re.compile(r"page|url|location", re.I),
        lambda m: m.facts.pages[-1].url if m.facts.pages else "",
    ),
    (re.compile(r"start|begin|first", re.I), lambda m: m.facts.start or ""),
    (re.compile(r"end|last|finish", re.I), lambda m: m.facts.end or ""),
    (re.compile(r"time|date", re.I), lambda m: m.facts.start or ""),
    (re.compile(r"title|headline", re.I), lambda m: m.summary.split(". ")[0].rstrip(".")),
)

_NUMBERS: _Numbers = (
    (
        re.compile(r"confidence|score|probability|likelihood", re.I),
        lambda m, integer: round(m.insights.confidence * 100) if integer else m.insights.confidence,
    ),
    (
        re.compile(r"duration|seconds|length|time.?spent", re.I),
        lambda m, _: m.facts.duration_seconds,
    ),
    (re.compile(r"rage", re.I), lambda m, _: len(m.facts.rage_clicks)),
    (re.compile(r"dead", re.I), lambda m, _: len(m.facts.dead_clicks)),
    (re.compile(r"warning", re.I), lambda m, _: len(m.facts.warnings)),
    (re.compile(r"request|network", re.I), lambda m, _: len(m.facts.failed_requests)),
    (
        re.compile(r"error|exception", re.I),
        lambda m, _: len(m.facts.errors) + len(m.facts.failed_requests),
    ),
    (re.compile(r"issue|problem", re.I), lambda m, _: len(m.problems())),
    (re.compile(r"page", re.I), lambda m, _: len(m.facts.pages)),
    (re.compile(r"click", re.I), lambda m, _: len(m.facts.clicks)),
    (re.compile(r"event", re.I), lambda m, _: m.facts.event_count),
)

_BOOLEANS: _Booleans = (
    (re.compile(r"abandon|drop", re.I), lambda m: m.insights.abandoned),
    (
        re.compile(r"convert|purchas|complet|success|bought|order", re.I),
        lambda m: m.insights.converted,
    ),
    (
        re.compile(r"rage|frustrat", re.I),
        lambda m: bool(m.facts.rage_clicks or m.facts.dead_clicks or m.facts.mouse_thrash),
    ),
    (re.compile(r"cmp|consent", re.I), lambda m: bool(m.facts.cmp_issues)),
    (re.compile(r"error|issue|problem|fail|bug", re.I), lambda m: m.facts.has_problems),
    (re.compile(r"support|help", re.I), lambda m: m.insights.intent == "seeking support"),
)


def fill(schema: Mapping[str, Any], material: Material) -> Any:
    """A value for the whole ``response_schema`` (the root is usually an OBJECT)."""
    return _value(schema, "", material, None)


def _value(
    schema: Mapping[str, Any], name: str, m: Material, item: Mapping[str, Any] | None
) -> Any:
    kind = schema.get("type", "OPENAPI_TYPE_UNSPECIFIED")
    description = str(schema.get("description") or "")
    if kind == "OBJECT":
        props = schema.get("properties") or {}
        return {key: _value(child, key, m, item) for key, child in props.items()}
    if kind == "ARRAY":
        return _array(schema, name, description, m)
    if item is not None:
        found = _from_item(kind, name, item)
        if found is not None:
            return _typed(schema, found)
    if kind == "STRING":
        return _string(schema, name, description, m)
    if kind in ("NUMBER", "INTEGER"):
        value = _first(_NUMBERS, name, description)
        number = value(m, kind == "INTEGER") if value is not None else 0
        return int(number) if kind == "INTEGER" else float(number)
    if kind == "BOOLEAN":
        value_b = _first(_BOOLEANS, name, description)
        return value_b(m) if value_b is not None else False
    return m.summary if kind == "OPENAPI_TYPE_UNSPECIFIED" and _is_summary(name) else ""


def _is_summary(name: str) -> bool:
    return bool(re.search(r"summary|synopsis|overview", name, re.I))


def _first(table: Sequence[tuple[re.Pattern[str], Any]], name: str, description: str) -> Any:
    for text in (name, description):
        if text:
            for pattern, value in table:
                if pattern.search(text):
                    return value
    return None


def _string(schema: Mapping[str, Any], name: str, description: str, m: Material) -> str:
    value = _first(_STRINGS, name, description)
    text = value(m) if value is not None else ""
    enum = schema.get("enum")
    return _enum_choice(enum, text) if enum else text


def _enum_choice(enum: Sequence[str], text: str) -> str:
    lowered = text.lower()
    for candidate in enum:
        if candidate.lower() == lowered:
            return candidate
    for candidate in enum:
        c = candidate.lower().replace("_", " ")
        if lowered and (c in lowered or lowered in c):
            return candidate
    for neutral in _NEUTRAL_ENUM:
        for candidate in enum:
            if candidate.lower() == neutral:
                return candidate
    return enum[0]


def _array(schema: Mapping[str, Any], name: str, description: str, m: Material) -> list[Any]:
    producer = _first(_ARRAYS, name, description)
    items: list[dict[str, Any]] = producer(m) if producer is not None else []
    item_schema: Mapping[str, Any] = schema.get("items") or {}
    kind = item_schema.get("type", "OPENAPI_TYPE_UNSPECIFIED")
    if kind == "OBJECT":
        return [_value(item_schema, name, m, item) for item in items]
    if kind in ("STRING", "OPENAPI_TYPE_UNSPECIFIED"):
        texts = [str(item.get("text", "")) for item in items]
        enum = item_schema.get("enum")
        if enum:
            return list(dict.fromkeys(_enum_choice(enum, t) for t in texts))
        return texts
    if kind in ("NUMBER", "INTEGER"):
        numbers = [item["status"] for item in items if isinstance(item.get("status"), int)]
        return [int(n) if kind == "INTEGER" else float(n) for n in numbers]
    return []


_ITEM_KEYS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"time|when|date|at$", re.I), "time"),
    (re.compile(r"status|code", re.I), "status"),
    (re.compile(r"method|verb", re.I), "method"),
    (re.compile(r"url|endpoint|path|route", re.I), "url"),
    (re.compile(r"page|location|screen", re.I), "page"),
    (re.compile(r"count|times|number", re.I), "count"),
    (re.compile(r"element|target|button|selector", re.I), "element"),
    (re.compile(r"kind|type|category|source", re.I), "kind"),
    (re.compile(r"title", re.I), "title"),
    (re.compile(r"name|event", re.I), "name"),
    (re.compile(r"message|error|detail|text|description|summary", re.I), "message"),
)


def _from_item(kind: str, name: str, item: Mapping[str, Any]) -> Any:
    for pattern, key in _ITEM_KEYS:
        if pattern.search(name) and key in item:
            return item[key]
    if kind == "STRING" and "text" in item:
        return item["text"]
    return None


def _typed(schema: Mapping[str, Any], value: Any) -> Any:
    """``value`` made to fit the property's type (an item field may be a number or text)."""
    kind = schema.get("type")
    if kind == "STRING":
        text = str(value)
        enum = schema.get("enum")
        return _enum_choice(enum, text) if enum else text
    if kind in ("NUMBER", "INTEGER"):
        if isinstance(value, int | float) and not isinstance(value, bool):
            return int(value) if kind == "INTEGER" else float(value)
        return 0 if kind == "INTEGER" else 0.0
    if kind == "BOOLEAN":
        return bool(value)
    return value
