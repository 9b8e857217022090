"""What a contract run saw, per operation, in a form two runs can be compared by.

Recorded before validation, so a failing run still says what the target answered.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Headers whose presence is part of the contract; values that vary per request are not compared.
WATCHED_HEADERS = ("retry-after", "allow", "www-authenticate", "location")


@dataclass
class OperationObservations:
    statuses: Counter[int] = field(default_factory=Counter)
    content_types: set[str] = field(default_factory=set)
    headers: set[str] = field(default_factory=set)  # "429 retry-after": which status sent which
    error_shapes: set[str] = field(default_factory=set)  # "400 code,message"
    error_codes: set[str] = field(default_factory=set)  # "400 invalid_argument"
    failures: Counter[str] = field(default_factory=Counter)  # "ST202 Schema-valid request rejected"

    def to_dict(self) -> dict[str, Any]:
        return {
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "content_types": sorted(self.content_types),
            "headers": sorted(self.headers),
            "error_shapes": sorted(self.error_shapes),
            "error_codes": sorted(self.error_codes),
            "failures": dict(sorted(self.failures.items())),
        }


class Observations:
    """Thread-safe; keyed ``"<spec> <operationId>"``."""

    def __init__(self, target: str) -> None:
        self.target = target
        self._lock = threading.Lock()
        self._ops: dict[str, OperationObservations] = {}

    def _op(self, key: str) -> OperationObservations:
        return self._ops.setdefault(key, OperationObservations())

    def response(self, api: str, operation_id: str, status: int, headers: Any, body: bytes) -> None:
        content_type = str(headers.get("content-type", "")).split(";")[0].strip()
        with self._lock:
            op = self._op(f"{api} {operation_id}")
            op.statuses[status] += 1
            if content_type:
                op.content_types.add(f"{status} {content_type}")
            for name in WATCHED_HEADERS:
                if headers.get(name) is not None:
                    op.headers.add(f"{status} {name}")
            if status >= 400:
                shape, code = _error_shape(body)
                op.error_shapes.add(f"{status} {shape}")
                if code:
                    op.error_codes.add(f"{status} {code}")

    def failure(self, api: str, operation_id: str, code: str, title: str) -> None:
        with self._lock:
            self._op(f"{api} {operation_id}").failures[f"{code} {title}"] += 1

    def to_dict(self) -> dict[str, Any]:
        with self._lock:
            return {
                "target": self.target,
                "operations": {k: v.to_dict() for k, v in sorted(self._ops.items())},
            }

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_dict(), indent=2) + "\n", encoding="utf-8")


def _error_shape(body: bytes) -> tuple[str, str | None]:
    """``("code,message", "invalid_argument")`` for a JSON object; the kind of body otherwise."""
    try:
        data = json.loads(body)
    except ValueError:
        return ("empty" if not body else "not-json"), None
    if not isinstance(data, dict):
        return type(data).__name__, None
    code = data.get("code")
    if isinstance(data.get("error"), dict):  # the admin envelope nests it
        code = data["error"].get("code")
    return ",".join(sorted(data)), code if isinstance(code, str) else None
