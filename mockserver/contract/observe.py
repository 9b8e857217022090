"""What a contract run saw: per operation, counts for the coverage report, and per request a
record two runs can be compared by (drift).

Recorded before validation, so a failing run still says what the target answered. A request is
keyed by a fingerprint of what was sent (method, path, query, body, header names; never the
credentials' values), so a drift report compares only requests both runs sent.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Headers whose presence is part of the contract; values that vary per request are not compared.
WATCHED_HEADERS = ("retry-after", "allow", "www-authenticate", "location", "content-type")


def fingerprint(
    method: str, path: str, query: Mapping[str, Any] | None, body: Any, header_names: Iterable[str]
) -> str:
    sent = {
        "method": method.upper(),
        "path": path,
        "query": sorted((str(k), str(v)) for k, v in (query or {}).items()),
        "body": body,
        "headers": sorted({h.lower() for h in header_names}),
    }
    text = json.dumps(sent, sort_keys=True, default=repr)
    return f"{method.upper()} {path} {hashlib.sha256(text.encode()).hexdigest()[:16]}"


def is_documented(status: int, responses: Mapping[str, Any]) -> bool:
    return str(status) in responses or f"{status // 100}XX" in responses or "default" in responses


@dataclass
class CaseRecord:
    """What one generated request got back: status, headers, the body's shape and a digest
    of its values, and any check failures."""

    status: int
    headers: list[str]
    shape: str  # the body's JSON key paths (what a schema difference changes)
    body: str  # digest of the body's values, volatile keys left out
    failures: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "headers": self.headers,
            "shape": self.shape,
            "body": self.body,
            "failures": sorted(set(self.failures)),
        }


@dataclass
class OperationObservations:
    """Everything a run saw of one operation: counts by outcome, failures, and the cases
    kept for comparison."""

    requests: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    documented_errors: int = 0
    undocumented: int = 0
    throttled: int = 0
    failures: Counter[str] = field(default_factory=Counter)  # "ST202 Schema-valid ... rejected"
    skipped: str | None = None  # why the run did not send it (writes not allowed, ...)
    unreachable: str | None = None  # the config says this target cannot answer it 2xx
    cases: dict[str, CaseRecord] = field(default_factory=dict)

    @property
    def successes(self) -> int:
        return sum(n for status, n in self.statuses.items() if 200 <= status < 300)

    def to_dict(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "successes": self.successes,
            "documented_errors": self.documented_errors,
            "undocumented": self.undocumented,
            "throttled": self.throttled,
            "failures": dict(sorted(self.failures.items())),
            "skipped": self.skipped,
            "unreachable": self.unreachable,
            "cases": {k: v.to_dict() for k, v in sorted(self.cases.items())},
        }


class Observations:
    """Thread-safe; keyed ``"<spec> <operationId>"``."""

    def __init__(self, target: str) -> None:
        self.target = target
        self._lock = threading.Lock()
        self._ops: dict[str, OperationObservations] = {}

    def operation(self, api: str, operation_id: str) -> OperationObservations:
        with self._lock:
            return self._ops.setdefault(f"{api} {operation_id}", OperationObservations())

    def response(
        self,
        api: str,
        operation_id: str,
        key: str,
        *,
        status: int,
        headers: Mapping[str, str],
        body: bytes,
        responses: Mapping[str, Any],
        volatile: frozenset[str] = frozenset(),
    ) -> None:
        documented = is_documented(status, responses)
        shape, digest = _body_digests(body, volatile)
        record = CaseRecord(
            status,
            sorted(f"{name}" for name in WATCHED_HEADERS if headers.get(name) is not None),
            shape,
            digest,
        )
        op = self.operation(api, operation_id)
        with self._lock:
            op.requests += 1
            op.statuses[status] += 1
            if status >= 300:
                if documented:
                    op.documented_errors += 1
                else:
                    op.undocumented += 1
            op.cases.setdefault(key, record)

    def throttled(self, api: str, operation_id: str, count: int) -> None:
        op = self.operation(api, operation_id)
        with self._lock:
            op.throttled += count

    def failure(self, api: str, operation_id: str, key: str | None, code: str, title: str) -> None:
        op = self.operation(api, operation_id)
        with self._lock:
            op.failures[f"{code} {title}"] += 1
            if key is not None and key in op.cases:
                op.cases[key].failures.append(code)

    def skip(self, api: str, operation_id: str, why: str) -> None:
        op = self.operation(api, operation_id)
        with self._lock:
            op.skipped = op.skipped or why

    def mark_unreachable(self, api: str, operation_id: str, why: str) -> None:
        op = self.operation(api, operation_id)
        with self._lock:
            op.unreachable = why

    def items(self) -> list[tuple[str, OperationObservations]]:
        with self._lock:
            return sorted(self._ops.items())

    def to_dict(self) -> dict[str, Any]:
        return {"target": self.target, "operations": {k: v.to_dict() for k, v in self.items()}}

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_dict(), indent=1) + "\n", encoding="utf-8")


def _body_digests(body: bytes, volatile: frozenset[str]) -> tuple[str, str]:
    try:
        data = json.loads(body) if body else None
    except ValueError:
        return "not-json", hashlib.sha256(body).hexdigest()[:16]
    paths = sorted(set(_key_paths(data, "")))
    kept = _without(data, volatile)
    values = json.dumps(kept, sort_keys=True)
    return (
        hashlib.sha256("\n".join(paths).encode()).hexdigest()[:16],
        hashlib.sha256(values.encode()).hexdigest()[:16],
    )


def _key_paths(data: Any, prefix: str) -> Iterable[str]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield f"{prefix}/{key}:{type(value).__name__}"
            yield from _key_paths(value, f"{prefix}/{key}")
    elif isinstance(data, list):
        for value in data:
            yield from _key_paths(value, f"{prefix}/*")


def _without(data: Any, volatile: frozenset[str]) -> Any:
    if isinstance(data, dict):
        return {k: _without(v, volatile) for k, v in data.items() if k not in volatile}
    if isinstance(data, list):
        return [_without(v, volatile) for v in data]
    return data
