"""The pipeline's guard and recorders, without HTTP."""

from __future__ import annotations

import pytest

from mockserver.app import load_specs
from mockserver.control import UNAUTHENTICATED, ControlGuard, JournalRecorder, injected_error
from mockserver.core.clock import ClockMode
from mockserver.core.faults import (
    DropConnectionAction,
    ErrorAction,
    FaultMatch,
    FaultSpec,
    LatencyAction,
    TruncateBodyAction,
)
from mockserver.core.keys import DEFAULT_KEYS
from mockserver.core.ratelimit import RateLimitPolicy
from mockserver.http.auth import ADMIN_PRINCIPAL, principal_of
from mockserver.http.errors import TooManyRequests
from mockserver.http.pipeline import Exchange, RequestInfo
from mockserver.http.spec import Operation
from mockserver.settings import Settings
from mockserver.state import ServerState

ME: Operation = load_specs()["fullstory"].operation("getMe")
KEY = principal_of(DEFAULT_KEYS[0])


@pytest.fixture
def state() -> ServerState:
    return ServerState(Settings(users=10, clock=ClockMode.FROZEN))


def request(method: str = "GET") -> RequestInfo:
    return RequestInfo(method, "/me", {}, ME, KEY)


def test_rate_limit_raises_429_with_exact_retry_after(state: ServerState) -> None:
    guard = ControlGuard(state)
    state.tenant(KEY.tenant or "").limiter.configure("me", RateLimitPolicy(0.5, 1))
    assert guard.check(request()) is None
    with pytest.raises(TooManyRequests) as refused:
        guard.check(request())
    assert refused.value.retry_after == 2 and refused.value.headers == {"Retry-After": "2"}


def test_no_guard_for_unauthenticated_or_admin(state: ServerState) -> None:
    state.faults.add(FaultSpec(action=DropConnectionAction()))
    guard = ControlGuard(state)
    assert guard.check(RequestInfo("GET", "/me", {}, ME, None)) is None
    assert guard.check(RequestInfo("GET", "/me", {}, ME, ADMIN_PRINCIPAL)) is None


def test_fault_decisions(state: ServerState) -> None:
    guard = ControlGuard(state)
    state.faults.add(FaultSpec(action=LatencyAction(7), times=1))
    state.faults.add(FaultSpec(action=ErrorAction(500), match=FaultMatch(method="POST")))
    state.faults.add(FaultSpec(action=TruncateBodyAction(keep_bytes=2), times=1))
    first = guard.check(request())
    assert first is not None and first.latency_ms == 7 and first.error is None
    assert first.transport is not None and first.transport.cut is not None
    assert first.transport.cut(b"abcdef") == b"ab"
    assert first.label == "fault-1:latency 7ms, fault-3:truncate_body"
    assert state.dirty  # fired rules changed their counters
    posted = guard.check(request("POST"))
    assert posted is not None and posted.error is not None and posted.error.status == 500
    assert guard.check(request()) is None


def test_injected_errors_use_documented_codes() -> None:
    assert injected_error(ErrorAction(404)).code == "resource_not_found"
    throttled = injected_error(ErrorAction(429))
    assert throttled.headers == {"Retry-After": "1"} and throttled.code == "too_many_requests"
    custom = injected_error(ErrorAction(401, code="expired_key", message="expired"))
    assert (custom.status, custom.code, custom.message) == (401, "expired_key", "expired")


def exchange(method: str, status: int) -> Exchange:
    return Exchange(RequestInfo(method, "/x", {}, ME, KEY), b"", status, b"{}")


def test_journal_recorder_only_journals(state: ServerState) -> None:
    # Journal entries alone are no change: they reach the state file with the next save.
    recorder = JournalRecorder(state)
    recorder.record(exchange("GET", 200))
    recorder.record(exchange("POST", 200))
    assert state.journal.count() == 2 and not state.dirty


def test_journal_recorder_records_every_field_and_redacts_credentials(state: ServerState) -> None:
    recorder = JournalRecorder(state)
    query = {"api_key": ["secret", "again"], "uid": ["a"]}
    recorder.record(Exchange(RequestInfo("GET", "/me", query, ME, KEY), b"in", 200, b"{}", "f"))
    recorder.record(Exchange(RequestInfo("GET", "/nowhere", {}, None, None), None, 404, b"x"))
    known, unknown = state.journal.query()
    assert KEY is not None
    assert (known.tenant, known.key_id, known.operation_id) == (KEY.tenant, KEY.key_id, "getMe")
    assert (known.method, known.path, known.status, known.fault) == ("GET", "/me", 200, "f")
    assert known.query == {"api_key": ["[redacted]"] * 2, "uid": ["a"]}
    assert query["api_key"] == ["secret", "again"]  # the request's own query left alone
    assert (known.request_text, known.response_body, known.path_params) == ("in", {}, {})
    assert (unknown.tenant, unknown.key_id, unknown.operation_id) == (UNAUTHENTICATED, None, None)
    assert (unknown.request_text, unknown.response_text, unknown.fault) == ("", "x", None)
    # An API that names the tenant itself (a signed download link) is asked instead.
    named = JournalRecorder(state, tenant_of=lambda request: "elsewhere")
    named.record(exchange("GET", 200))
    assert state.journal.count("elsewhere") == 1
