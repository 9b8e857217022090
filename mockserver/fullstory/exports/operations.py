"""Export operations: ``PENDING`` then ``COMPLETED`` or ``FAILED`` under the tenant's lifecycle
policy (:mod:`mockserver.core.lifecycle`), driven by the injected clock and the client's polls.

Each operation keeps what its file is made from (the request, resolved, and the segment as it
was when the export was created), so the file can be generated again at every download.
"""

from __future__ import annotations

import base64
import hashlib
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from mockserver.core.clock import Clock, format_microseconds, format_rfc3339, parse_rfc3339
from mockserver.core.lifecycle import (
    Lifecycle,
    LifecyclePolicies,
    LifecycleState,
    LifecycleView,
)
from mockserver.core.rng import derive_seed
from mockserver.core.stores import Changed, unchanged
from mockserver.fullstory.exports.request import ExportRequest
from mockserver.fullstory.segments.model import Segment
from mockserver.http.rendering import encode

KIND = "SEARCH_EXPORT"
OPERATION_TYPES = ("DELETE_USER", "SEARCH_EXPORT", "DELETE_SESSION", "DELETE_SEGMENT_SESSIONS",
                   "DELETE_SEGMENT_USERS")  # fmt: skip
MAX_OPERATIONS = 1000  # per tenant; the oldest finished ones make room
EXPORT_LIFETIME = timedelta(days=7)  # results.expires: 7 days after the export finished
CANCELLED = "operation was cancelled"


class OperationError(ValueError):
    """A change an operation cannot make (cancel a finished one)."""


def microseconds(at: datetime) -> str:
    """``2020-09-22T22:40:52.174736Z``: operations show microseconds."""
    return format_microseconds(at)


@dataclass(slots=True)
class ExportOperation:
    """A segment export's operation: its request, the segment as exported, its lifecycle,
    and the cached answer of its last poll."""

    id: str
    search_export_id: str
    request: ExportRequest
    segment: Segment
    lifecycle: Lifecycle
    cancelled_at: datetime | None = None
    # The last encoded answer and the view it shows: a finished operation is polled with the
    # same view over and over (see encoded()).
    _answer: tuple[LifecycleView, bytes] | None = field(default=None, compare=False, repr=False)

    @property
    def created_at(self) -> datetime:
        return self.lifecycle.created_at

    def view(self, *, poll: bool) -> LifecycleView:
        if self.cancelled_at is not None:
            return LifecycleView(LifecycleState.FAILED, 100, self.cancelled_at, CANCELLED)
        return self.lifecycle.poll() if poll else self.lifecycle.peek()

    def results_expire(self, view: LifecycleView) -> datetime | None:
        if view.state is not LifecycleState.COMPLETED or view.finished_at is None:
            return None
        return view.finished_at + EXPORT_LIFETIME

    def to_api(self, view: LifecycleView) -> dict[str, Any]:
        expires = self.results_expire(view)
        results = (
            {"expires": format_rfc3339(expires), "searchExportId": self.search_export_id}
            if expires is not None
            else None
        )
        item: dict[str, Any] = {
            "id": self.id,
            "type": KIND,
            "details": None,
            "results": results,
            "state": view.state.value,
            "errorDetails": view.error_details,
            "createdAt": microseconds(self.created_at),
        }
        if view.finished_at is not None:  # unset while pending (proto3 omits unset fields)
            item["finishedAt"] = microseconds(view.finished_at)
        item["estimatePctComplete"] = view.estimate_pct_complete
        item["step"] = _step(view)
        return item

    def encoded(self, view: LifecycleView) -> bytes:
        """:meth:`to_api` as JSON bytes. The answer is a function of the view alone (the id,
        export id and creation time never change), so the last one is reused while the view
        is equal: every poll of a finished operation, none of a pending one's progress."""
        last = self._answer
        if last is not None and last[0] == view:
            return last[1]
        raw = encode(self.to_api(view))
        self._answer = (view, raw)
        return raw

    def snapshot(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "search_export_id": self.search_export_id,
            "request": self.request.to_dict(),
            "segment": self.segment.to_dict(),
            "lifecycle": self.lifecycle.snapshot(),
            "cancelled_at": self.cancelled_at.isoformat() if self.cancelled_at else None,
        }

    @classmethod
    def restore(cls, data: Mapping[str, Any], clock: Clock) -> ExportOperation:
        cancelled = data.get("cancelled_at")
        return cls(
            id=str(data["id"]),
            search_export_id=str(data["search_export_id"]),
            request=ExportRequest.from_dict(data["request"]),
            segment=Segment.from_dict(data["segment"]),
            lifecycle=Lifecycle.restore(data["lifecycle"], clock),
            cancelled_at=parse_rfc3339(cancelled) if cancelled else None,
        )


def _step(view: LifecycleView) -> str:
    # INFERRED wording: the contract says only "an indicator of the current step".
    if view.state is LifecycleState.COMPLETED:
        return "Export complete"
    if view.state is LifecycleState.FAILED:
        return "Export failed"
    return "Searching segment" if view.estimate_pct_complete < 50 else "Writing export file"


class OperationStore:
    """One tenant's operations, newest last. Ids are made from the tenant's seed and a counter:
    the same requests in the same order get the same ids."""

    def __init__(
        self, tenant_id: str, seed: int, clock: Clock, policies: LifecyclePolicies,
        changed: Changed = unchanged,
    ) -> None:  # fmt: skip
        self._tenant_id = tenant_id
        self._seed = seed
        self._clock = clock
        self._policies = policies
        self._changed = changed
        self._lock = threading.Lock()
        self._operations: dict[str, ExportOperation] = {}
        self._by_export: dict[str, str] = {}
        self._counter = 0

    def create(self, request: ExportRequest, segment: Segment) -> ExportOperation:
        with self._lock:
            self._counter += 1
            token = derive_seed(self._seed, "search-export", self._tenant_id, self._counter)
            digest = hashlib.sha256(f"{self._tenant_id}:{token}".encode()).digest()
            operation = ExportOperation(
                id=base64.b64encode(f"{KIND}:{token:016x}".encode()).decode(),
                search_export_id=base64.urlsafe_b64encode(digest).decode().rstrip("="),
                request=request,
                segment=segment,
                lifecycle=Lifecycle(self._policies.get(KIND), self._clock.now(), self._clock),
            )
            self._make_room()
            self._operations[operation.id] = operation
            self._by_export[operation.search_export_id] = operation.id
        self._changed()
        return operation

    def _make_room(self) -> None:
        while len(self._operations) >= MAX_OPERATIONS:
            finished = (
                op for op in self._operations.values()
                if op.view(poll=False).state is not LifecycleState.PENDING
            )  # fmt: skip
            victim = next(finished, None) or next(iter(self._operations.values()))
            del self._operations[victim.id]
            self._by_export.pop(victim.search_export_id, None)

    def get(self, operation_id: str) -> ExportOperation | None:
        with self._lock:
            return self._operations.get(operation_id)

    def poll(self, operation: ExportOperation) -> LifecycleView:
        """A client looked at the operation: counts as a poll (state worth saving)."""
        view = operation.view(poll=True)
        self._changed()
        return view

    def by_export(self, search_export_id: str) -> ExportOperation | None:
        with self._lock:
            operation_id = self._by_export.get(search_export_id)
            return self._operations.get(operation_id) if operation_id else None

    def newest_first(self) -> list[ExportOperation]:
        with self._lock:
            return list(reversed(self._operations.values()))

    def cancel(self, operation: ExportOperation) -> None:
        view = operation.view(poll=False)
        if view.state is not LifecycleState.PENDING:
            raise OperationError(f"operation {operation.id} is already {view.state.value}")
        operation.cancelled_at = self._clock.now()
        self._changed()

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {
                "counter": self._counter,
                "operations": [op.snapshot() for op in self._operations.values()],
            }

    def restore(self, data: Any) -> None:
        if not isinstance(data, Mapping):
            raise TypeError("operations must be an object")
        counter = int(data["counter"])
        operations = [ExportOperation.restore(raw, self._clock) for raw in data["operations"]]
        if len(operations) > MAX_OPERATIONS:
            raise ValueError(f"at most {MAX_OPERATIONS} operations")
        with self._lock:
            self._counter = counter
            self._operations = {op.id: op for op in operations}
            self._by_export = {op.search_export_id: op.id for op in operations}
