"""The pipeline's guards and recorders: rate limits and fault rules before the handler, the
request journal and state-file saves after it. They read the server's state; none of them knows
any API's handlers."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType

from mockserver.core.faults import (
    DropConnectionAction,
    ErrorAction,
    FaultRequest,
    TruncateBodyAction,
)
from mockserver.http.errors import ERRORS_BY_STATUS, ApiError, InjectedError, TooManyRequests
from mockserver.http.pipeline import Exchange, GuardDecision, RequestInfo, TransportFault
from mockserver.state import ServerState, rate_limit_group

__all__ = ["ControlGuard", "JournalRecorder", "StateDurability", "injected_error"]

UNAUTHENTICATED = "(unauthenticated)"
# Query parameters that carry a key (Cognigy's ``api_key``, an export link's signature):
# journaled as REDACTED, never the secret (keys sent in headers are not journaled at all).
CREDENTIAL_QUERY = frozenset({"api_key", "X-Goog-Signature"})
REDACTED = "[redacted]"
NO_PATH_PARAMS: Mapping[str, str] = MappingProxyType({})


def injected_error(action: ErrorAction) -> ApiError:
    """A fault rule's error, with the status's documented code and message unless overridden."""
    if action.status == 429:
        # An injected 429 must still carry the documented (required) Retry-After header.
        return InjectedError(
            429,
            action.code or TooManyRequests.code,
            action.message or TooManyRequests.default_message,
            headers={"Retry-After": "1"},
        )
    template = ERRORS_BY_STATUS.get(action.status)
    code = action.code or (template.code if template else "server_error")
    message = action.message or (template.default_message if template else "injected error")
    return InjectedError(action.status, code, message)


class ControlGuard:
    """Rate limit first (a refused request consumes no fault rule), then the fault rules."""

    def __init__(self, state: ServerState) -> None:
        self.state = state
        # Each operation's rate-limit group, read from its spec once (operations are fixed).
        self.groups: dict[str, str] = {}
        # Bound once (the state's fault book is made with it and never replaced): this runs
        # before every request with a key.
        self._tenant = state.tenant
        self._faults = state.faults

    def check(self, request: RequestInfo) -> GuardDecision | None:
        method, path, _, operation, principal = request
        if operation is None or principal is None:
            return None
        tenant_id = principal.tenant
        if tenant_id is None:
            return None
        operation_id = operation.operation_id
        group = self.groups.get(operation_id)
        if group is None:
            group = self.groups[operation_id] = rate_limit_group(operation)
        decision = self._tenant(tenant_id).limiter.check(principal.key_id, group)
        if not decision.allowed:
            raise TooManyRequests(decision.retry_after)
        faults = self._faults
        if not faults.armed:
            return None
        pick = faults.pick(FaultRequest(method, path, operation_id, tenant_id, principal.key_id))
        if pick is None:
            return None
        # A rule's counters changed (and `times` may have removed it): worth persisting, but
        # nobody waits for it (a rule firing on every GET must not make each one wait).
        self.state.save_soon()
        action = pick.fault.action if pick.fault is not None else None
        error = injected_error(action) if isinstance(action, ErrorAction) else None
        transport = None
        if isinstance(action, DropConnectionAction):
            transport = TransportFault(cut=None)
        elif isinstance(action, TruncateBodyAction):
            transport = TransportFault(cut=action.cut)
        return GuardDecision(pick.latency_ms, error, transport, pick.describe())


class JournalRecorder:
    """Journals every FullStory exchange. Journal entries alone are no change: they reach the
    state file with the next save."""

    def __init__(
        self, state: ServerState, tenant_of: Callable[[RequestInfo], str | None] | None = None
    ) -> None:
        self.state = state
        # Whose journal an exchange goes to: the key's tenant, unless the API says otherwise
        # (a signed download link names its tenant in the path). None: the key's tenant, read
        # in record() without a call.
        self.tenant_of = tenant_of
        # The state's journal is made with it and never replaced: its method bound once.
        self._add = state.journal.add_fields

    def record(self, exchange: Exchange) -> None:
        # The fields straight into the journal, in JournalRecord's order (see
        # Journal.add_fields): no record built and unpacked, this runs for every request; the
        # HTTP layer has no path parameters to add (the journal reads them from nowhere else).
        request, body, status, response_body, fault = exchange
        method, path, query, operation, principal = request
        if self.tenant_of is None:
            tenant = principal.tenant if principal is not None else None
        else:
            tenant = self.tenant_of(request)
        if query and not CREDENTIAL_QUERY.isdisjoint(query):
            query = _redacted(query)
        self._add(
            tenant or UNAUTHENTICATED,
            principal.key_id if principal is not None else None,
            operation.operation_id if operation is not None else None,
            method,
            path,
            status,
            query,
            NO_PATH_PARAMS,
            body or b"",
            response_body,
            fault,
        )


def _redacted(query: Mapping[str, list[str]]) -> Mapping[str, list[str]]:
    """``query`` with the values of credential parameters (see CREDENTIAL_QUERY) replaced."""
    return {k: [REDACTED] * len(v) if k in CREDENTIAL_QUERY else v for k, v in query.items()}


class StateDurability:
    """The pipeline's view of the state file: the server's change count, and a save to wait
    for (nothing to wait for without ``--state-file``)."""

    def __init__(self, state: ServerState) -> None:
        self.state = state

    @property
    def generation(self) -> int:
        return self.state.generation

    def mark_dirty(self) -> None:
        self.state.mark_dirty()

    async def commit(self) -> None:
        saver = self.state.saver
        if saver is not None:
            await saver.commit()
