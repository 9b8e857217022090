"""What happened in a session, read from events in FullStory's Events model.

This is the only module that knows the Events-model shapes (``event_type``, ``event_properties``,
nested ``target{...}``, ``request_status``, ...; see shared/reference/events-model.md), so a
change of shape is fixed here. Everything downstream works on :class:`SessionFacts`.

Rage, dead and error clicks are attributes of ``click`` events; FullStory has not published the
raw property names, so :data:`RAGE_KEYS`, :data:`DEAD_KEYS` and :data:`ERROR_KEYS` list the
spellings accepted (a true boolean, a positive count or a non-empty kind all count); a rage
click's ``click_count`` is the number of clicks in its burst.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from mockserver.core.clock import parse_rfc3339

RAGE_KEYS: tuple[str, ...] = ("rage_click", "is_rage_click", "rage_click_count", "rage_count")
DEAD_KEYS: tuple[str, ...] = ("dead_click", "is_dead_click", "dead_click_count", "dead_count")
ERROR_KEYS: tuple[str, ...] = ("error_click", "is_error_click", "error_click_kind", "error_kind")
SLOW_LOAD_MS = 3000
NO_MESSAGE = "(no message)"  # a blank error is still an error worth naming
_VISUAL_ERROR_WORDS = ("error", "alert", "toast", "banner", "warning", "failed")
_CMP_WORDS = ("consent", "cookie", "cmp", "onetrust", "didomi", "gdpr", "privacy")


@dataclass(frozen=True, slots=True)
class PageVisit:
    """A page a session visited, when."""

    time: str
    url: str
    path: str
    title: str | None


@dataclass(frozen=True, slots=True)
class ErrorFact:
    """An exception or console error of a session, when and on which page."""

    time: str
    kind: str  # "exception" | "console error"
    message: str
    page: str


@dataclass(frozen=True, slots=True)
class FailedRequest:
    """A network request of a session that failed, with its status, when and from which
    page."""

    time: str
    method: str
    url: str
    path: str
    status: int
    page: str


@dataclass(frozen=True, slots=True)
class ClickFact:
    """A click of a session, with its rage, dead and error flags."""

    time: str
    text: str
    selector: str
    page: str
    rage: int = 0  # the burst's click count when known, 1 when only flagged, else 0
    dead: bool = False
    error: bool = False


@dataclass(frozen=True, slots=True)
class CustomEvent:
    """A custom event a session sent, with its properties."""

    time: str
    name: str
    properties: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class SessionFacts:
    """What a summary may say of a session, read from its events: times, pages, clicks,
    inputs, errors and failed requests."""

    session_id: str
    start: str | None = None
    end: str | None = None
    duration_seconds: float = 0.0
    pages: tuple[PageVisit, ...] = ()
    clicks: tuple[ClickFact, ...] = ()
    inputs: tuple[str, ...] = ()  # the labels of changed fields, in order
    custom_events: tuple[CustomEvent, ...] = ()
    errors: tuple[ErrorFact, ...] = ()
    warnings: tuple[ErrorFact, ...] = ()
    failed_requests: tuple[FailedRequest, ...] = ()
    slow_loads: tuple[tuple[str, str, int], ...] = ()  # (time, page, load_time_millis)
    visual_errors: tuple[tuple[str, str], ...] = ()  # (time, text) of error banners/toasts seen
    consent_events: tuple[tuple[str, str], ...] = ()  # (time, what)
    mouse_thrash: tuple[str, ...] = ()  # times
    searches: tuple[str, ...] = ()  # search terms typed or sent
    event_count: int = 0
    device: Mapping[str, str] = field(default_factory=dict)

    @property
    def rage_clicks(self) -> tuple[ClickFact, ...]:
        return tuple(c for c in self.clicks if c.rage)

    @property
    def dead_clicks(self) -> tuple[ClickFact, ...]:
        return tuple(c for c in self.clicks if c.dead)

    @property
    def error_clicks(self) -> tuple[ClickFact, ...]:
        return tuple(c for c in self.clicks if c.error)

    @property
    def custom_names(self) -> tuple[str, ...]:
        return tuple(e.name for e in self.custom_events)

    @property
    def has_problems(self) -> bool:
        return bool(
            self.errors
            or self.failed_requests
            or self.rage_clicks
            or self.dead_clicks
            or self.error_clicks
            or self.visual_errors
        )

    @property
    def cmp_issues(self) -> tuple[str, ...]:
        """Errors, failed requests and consent events that concern consent management."""
        found = [f"{e.kind} {e.message!r}" for e in self.errors if _mentions_cmp(e.message)]
        found += [
            f"{r.method} {r.path} failed with HTTP {r.status}"
            for r in self.failed_requests
            if _mentions_cmp(r.url)
        ]
        found += [what for _, what in self.consent_events if "error" in what.lower()]
        return tuple(found)


def _mentions_cmp(text: str) -> bool:
    lowered = text.lower()
    return any(word in lowered for word in _CMP_WORDS)


def event_time(event: Mapping[str, Any]) -> datetime:
    return parse_rfc3339(str(event["event_time"]))


class _Reader:
    """Walks the events once, in time order, collecting facts."""

    def __init__(self, session_id: str) -> None:
        self.session_id = session_id
        self.pages: list[PageVisit] = []
        self.clicks: list[ClickFact] = []
        self.inputs: list[str] = []
        self.custom: list[CustomEvent] = []
        self.errors: list[ErrorFact] = []
        self.warnings: list[ErrorFact] = []
        self.failed: list[FailedRequest] = []
        self.slow: list[tuple[str, str, int]] = []
        self.visual: list[tuple[str, str]] = []
        self.consent: list[tuple[str, str]] = []
        self.thrash: list[str] = []
        self.searches: list[str] = []
        self._view: tuple[str, str] | None = None
        self._title: str | None = None

    def read(self, event: Mapping[str, Any]) -> None:
        time = str(event.get("event_time", ""))
        props = _mapping(event.get("event_properties"))
        source = _mapping(event.get("source_properties"))
        url = _mapping(source.get("url"))
        kind = str(event.get("event_type", ""))
        self._track_page(event, time, url, kind, props)
        page = self.pages[-1].path if self.pages else str(url.get("path", ""))
        handler = getattr(self, f"_on_{kind}", None)
        if handler is not None:
            handler(time, props, page, url)

    def _track_page(
        self,
        event: Mapping[str, Any],
        time: str,
        url: Mapping[str, Any],
        kind: str,
        props: Mapping[str, Any],
    ) -> None:
        if kind == "page_properties" and props.get("page_name"):
            self._title = str(props["page_name"])
            if self.pages and self.pages[-1].title is None:
                last = self.pages[-1]
                self.pages[-1] = PageVisit(last.time, last.url, last.path, self._title)
        full = str(url.get("full_url", ""))
        if not full:
            return
        # A page view is a new view (script load) or, within a view, a new URL (SPA route).
        view = (str(event.get("view_id", "")), full)
        if self._view is None or view != self._view:
            previous = self.pages[-1].url if self.pages else None
            self._view = view
            if full != previous or kind == "navigate":
                self.pages.append(PageVisit(time, full, str(url.get("path") or "/"), None))

    def _on_click(self, time: str, props: Mapping[str, Any], page: str, _: Any) -> None:
        target = _mapping(props.get("target"))
        rage = _count(props, RAGE_KEYS)
        burst = props.get("click_count")  # a rage click is one event; click_count its clicks
        if rage and isinstance(burst, int) and not isinstance(burst, bool) and burst > rage:
            rage = burst
        self.clicks.append(
            ClickFact(
                time=time,
                text=str(target.get("text") or "").strip(),
                selector=str(target.get("raw_selector") or ""),
                page=page,
                rage=rage,
                dead=bool(_count(props, DEAD_KEYS)),
                error=bool(_count(props, ERROR_KEYS)),
            )
        )

    def _on_change(self, time: str, props: Mapping[str, Any], page: str, _: Any) -> None:
        target = _mapping(props.get("target"))
        label = str(target.get("text") or target.get("raw_selector") or "a field").strip()
        self.inputs.append(label)
        if "search" in (label + str(target.get("raw_selector", ""))).lower():
            value = props.get("value")
            if isinstance(value, str) and value.strip():
                self.searches.append(value.strip())

    def _on_request(self, time: str, props: Mapping[str, Any], page: str, _: Any) -> None:
        status = props.get("request_status")
        if not isinstance(status, int) or isinstance(status, bool):
            return
        if status >= 400 or status == 0:
            request_url = _mapping(props.get("request_url"))
            full = str(request_url.get("full_url") or "")
            path = str(request_url.get("path") or full or "/")
            method = str(props.get("request_method") or "GET").upper()
            self.failed.append(FailedRequest(time, method, full or path, path, status, page))

    def _on_console_message(self, time: str, props: Mapping[str, Any], page: str, _: Any) -> None:
        level = str(props.get("level") or "").lower()
        message = str(props.get("message") or "").strip() or NO_MESSAGE
        if level == "error":
            self.errors.append(ErrorFact(time, "console error", message, page))
        elif level in ("warn", "warning"):
            self.warnings.append(ErrorFact(time, "console warning", message, page))

    def _on_exception(self, time: str, props: Mapping[str, Any], page: str, _: Any) -> None:
        message = str(props.get("message") or "").strip() or NO_MESSAGE
        self.errors.append(ErrorFact(time, "exception", message, page))

    def _on_custom(self, time: str, props: Mapping[str, Any], page: str, _: Any) -> None:
        name = str(props.get("event_name") or "").strip()
        if name:
            rest = {k: v for k, v in props.items() if k != "event_name"}
            self.custom.append(CustomEvent(time, name, rest))
            term = rest.get("query") or rest.get("search_term") or rest.get("term")
            if "search" in name.lower() and isinstance(term, str) and term.strip():
                self.searches.append(term.strip())

    def _on_load(self, time: str, props: Mapping[str, Any], page: str, _: Any) -> None:
        millis = _number(props.get("load_time_millis"))
        if millis >= SLOW_LOAD_MS:
            self.slow.append((time, page, int(millis)))

    def _on_element_seen(self, time: str, props: Mapping[str, Any], page: str, _: Any) -> None:
        target = _mapping(props.get("target"))
        text = str(target.get("text") or "").strip()
        selector = str(target.get("raw_selector") or "").lower()
        if text and any(word in selector for word in _VISUAL_ERROR_WORDS):
            self.visual.append((time, text))

    def _on_consent(self, time: str, props: Mapping[str, Any], page: str, _: Any) -> None:
        what = ", ".join(f"{k}={v}" for k, v in sorted(props.items()) if isinstance(v, str | bool))
        self.consent.append((time, what or "consent changed"))

    def _on_mouse_thrash(self, time: str, props: Mapping[str, Any], page: str, _: Any) -> None:
        self.thrash.append(time)


def extract_facts(session_id: str, events: Sequence[Mapping[str, Any]]) -> SessionFacts:
    """The facts of ``events`` (Events-model dicts, time ordered)."""
    reader = _Reader(session_id)
    for event in events:
        reader.read(event)
    start = str(events[0]["event_time"]) if events else None
    end = str(events[-1]["event_time"]) if events else None
    duration = (event_time(events[-1]) - event_time(events[0])).total_seconds() if events else 0.0
    return SessionFacts(
        session_id=session_id,
        start=start,
        end=end,
        duration_seconds=duration,
        pages=tuple(reader.pages),
        clicks=tuple(reader.clicks),
        inputs=tuple(reader.inputs),
        custom_events=tuple(reader.custom),
        errors=tuple(reader.errors),
        warnings=tuple(reader.warnings),
        failed_requests=tuple(reader.failed),
        slow_loads=tuple(reader.slow),
        visual_errors=tuple(reader.visual),
        consent_events=tuple(reader.consent),
        mouse_thrash=tuple(reader.thrash),
        searches=tuple(reader.searches),
        event_count=len(events),
        device=_device(events),
    )


def _device(events: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    if not events:
        return {}
    agent = _mapping(_mapping(events[0].get("source_properties")).get("user_agent"))
    keys = ("device", "operating_system", "browser")
    return {key: str(agent[key]) for key in keys if agent.get(key)}


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _number(value: Any) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0


def _count(props: Mapping[str, Any], keys: Sequence[str]) -> int:
    """How strongly ``props`` flags the attribute: a count, 1 for true / a kind, else 0."""
    for key in keys:
        value = props.get(key)
        if isinstance(value, bool):
            if value:
                return 1
        elif isinstance(value, int | float) and value > 0:
            return int(value)
        elif isinstance(value, str) and value.strip():
            return 1
    return 0
