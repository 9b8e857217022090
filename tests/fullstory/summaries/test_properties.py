"""Hypothesis properties of the summarizer.

* Any valid upper-case ``response_schema`` → the ``response`` validates against it.
* For any session, every error, failed request and rage click a summary mentions exists in the
  session's events; the technical and support summaries mention every one that exists.
"""

from __future__ import annotations

import re
from typing import Any

import jsonschema_rs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mockserver.fullstory.summaries.builtin import BUILTIN_PROFILES
from mockserver.fullstory.summaries.dialect import check_schema, to_json_schema
from mockserver.fullstory.summaries.facts import NO_MESSAGE
from mockserver.fullstory.summaries.options import LlmOptions
from mockserver.fullstory.summaries.summarize import summarize
from tests.fullstory.summaries.events import click, event, navigate, request

# Names that steer the filler, mixed with arbitrary ones.
MEANINGFUL = [
    "summary", "sentiment", "issues", "errors", "rage_clicks", "dead_clicks", "network_failures",
    "console_errors", "pages", "intent", "confidence", "converted", "has_errors", "timestamp",
    "status", "message", "url", "count", "stage", "outcome", "signals", "recommendations",
    "duration", "cmp", "device", "events", "title", "kind",
]  # fmt: skip
names = st.one_of(st.sampled_from(MEANINGFUL), st.text(min_size=1, max_size=12))
scalar_types = st.sampled_from(
    ["STRING", "NUMBER", "INTEGER", "BOOLEAN", "OPENAPI_TYPE_UNSPECIFIED"]
)


@st.composite
def scalar_schema(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(scalar_types)
    schema: dict[str, Any] = {}
    if kind != "OPENAPI_TYPE_UNSPECIFIED" or draw(st.booleans()):
        schema["type"] = kind
    if kind == "STRING" and draw(st.booleans()):
        schema["enum"] = draw(st.lists(st.text(max_size=10), min_size=1, max_size=4, unique=True))
    if draw(st.booleans()):
        schema["description"] = draw(st.sampled_from([*MEANINGFUL, "anything", ""]))
    if draw(st.booleans()):
        schema["nullable"] = draw(st.booleans())
    return schema


def extend(children: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
    arrays = st.builds(lambda items: {"type": "ARRAY", "items": items}, children)
    bare_arrays = st.just({"type": "ARRAY"})
    return st.one_of(arrays, bare_arrays, object_schema(children))


def object_schema(children: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
    @st.composite
    def build(draw: st.DrawFn) -> dict[str, Any]:
        properties: dict[str, Any] = draw(st.dictionaries(names, children, max_size=6))
        schema: dict[str, Any] = {"type": "OBJECT", "properties": properties}
        wants_required: bool = draw(st.booleans())
        if properties and wants_required:
            schema["required"] = draw(st.lists(st.sampled_from(sorted(properties)), unique=True))
        return schema

    return build()


schemas = object_schema(st.recursive(scalar_schema(), extend, max_leaves=12))

# -- sessions in the Events model -----------------------------------------------------------

PATHS = ["/", "/products/a", "/products/b", "/cart", "/checkout", "/contact", "/search"]
safe_text = st.text(
    st.characters(codec="ascii", exclude_categories=["Cc"]), min_size=1, max_size=30
)


CLICK_FLAGS: list[dict[str, Any]] = [
    {},
    {"rage_click_count": 4},
    {"dead_click": True},
    {"error_kind": "js"},
]


@st.composite
def sessions(draw: st.DrawFn) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    seconds, path, view = 0.0, "/", 1
    for _ in range(draw(st.integers(0, 25))):
        seconds += draw(st.floats(0.1, 30.0))
        kind = draw(st.sampled_from(["navigate", "click", "request", "console", "exception",
                                     "custom", "change"]))  # fmt: skip
        if kind == "navigate":
            path, view = draw(st.sampled_from(PATHS)), view + 1
            events.append(navigate(seconds, path, str(view)))
        elif kind == "click":
            flags: dict[str, Any] = draw(st.sampled_from(CLICK_FLAGS))
            events.append(click(seconds, path, str(view), draw(safe_text), **flags))
        elif kind == "request":
            status = draw(st.sampled_from([200, 201, 204, 0, 400, 401, 404, 500, 503]))
            method = draw(st.sampled_from(["GET", "POST", "PUT", "DELETE"]))
            url_path = draw(st.sampled_from(["/api/cart", "/api/payments", "/api/search"]))
            events.append(request(seconds, path, str(view), method=method, url_path=url_path,
                                  status=status))  # fmt: skip
        elif kind == "console":
            level = draw(st.sampled_from(["error", "warn", "info", "log"]))
            events.append(event("console_message", seconds, path, str(view), level=level,
                                message=draw(safe_text)))  # fmt: skip
        elif kind == "exception":
            events.append(event("exception", seconds, path, str(view), message=draw(safe_text)))
        elif kind == "custom":
            name = draw(st.sampled_from(["Added to Cart", "Order Completed", "Products Searched"]))
            events.append(event("custom", seconds, path, str(view), event_name=name))
        else:
            events.append(event("change", seconds, path, str(view), target={"text": "Email"}))
    return events


def truth(events: list[dict[str, Any]]) -> dict[str, set[Any]]:
    """What the events hold, computed here from the raw shapes (not by the summarizer)."""
    found: dict[str, set[Any]] = {"errors": set(), "requests": set(), "rage": set()}
    for e in events:
        props, kind = e["event_properties"], e["event_type"]
        if kind == "exception" or (kind == "console_message" and props["level"] == "error"):
            label = "exception" if kind == "exception" else "console error"
            message = props["message"].strip() or NO_MESSAGE
            found["errors"].add((label, message.replace('"', "'")))
        elif kind == "request" and (props["request_status"] >= 400 or props["request_status"] == 0):
            found["requests"].add(
                (props["request_method"], props["request_url"]["path"], props["request_status"])
            )
        elif kind == "click" and props.get("rage_click_count"):
            target = props["target"]  # an element is named by its text, else its selector
            found["rage"].add((target["text"].strip() or target["raw_selector"]).replace('"', "'"))
    return found


ERROR = re.compile(r'(exception|console error) "([^"]*)"', re.I)
REQUEST = re.compile(r"\b(GET|POST|PUT|DELETE) (\S+) fail(?:ed|ing) with HTTP (\d+)")
RAGE = re.compile(r'rage clicks on "([^"]*)"')


def mentioned(text: str) -> dict[str, set[Any]]:
    return {
        "errors": {(kind.lower(), message) for kind, message in ERROR.findall(text)},
        "requests": {(m, p, int(s)) for m, p, s in REQUEST.findall(text)},
        "rage": set(RAGE.findall(text)),
    }


def strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


def all_text(answer: dict[str, Any]) -> str:
    return "\n".join([answer["summary"], *strings(answer.get("response"))])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schema=schemas, events=sessions())
def test_any_valid_schema_gets_a_response_that_validates(
    schema: dict[str, Any], events: list[dict[str, Any]]
) -> None:
    check_schema(schema)
    answer = summarize("s", events, LlmOptions.from_body({"response_schema": schema}))
    validator = jsonschema_rs.validator_for(to_json_schema(schema))
    assert validator.is_valid(answer["response"]), answer["response"]


@settings(max_examples=30, deadline=None)
@given(events=sessions(), temperature=st.sampled_from([None, 0.0, 0.4, 0.9]))
def test_what_summaries_mention_exists_and_technical_and_support_miss_nothing(
    events: list[dict[str, Any]], temperature: float | None
) -> None:
    real = truth(events)
    for profile in BUILTIN_PROFILES:
        llm = {**profile.body()["llm"], "temperature": temperature}
        answer = summarize("s", events, LlmOptions.from_body(llm))
        said = mentioned(all_text(answer))
        for kind in ("errors", "requests", "rage"):
            assert said[kind] <= real[kind], (profile.id, kind, said[kind] - real[kind])
        if profile.id in ("technical", "support"):
            text = mentioned(answer["summary"])
            for kind in ("errors", "requests", "rage"):
                assert text[kind] == real[kind], (profile.id, kind, real[kind] - text[kind])
