"""Fault rules: documented errors, latency and transport faults, optionally probabilistic.

Only data and the decision live here. The HTTP layer checks that an ``ErrorAction``'s status is
documented for the operation, renders the API's own error envelope, sleeps for latency, drops the
connection or truncates the body.

Matching: every field of :class:`FaultMatch` that is set must match (AND); unset fields match
anything. ``path`` is compared to the request path without the query string: exactly, or as a
shell glob (``fnmatch``, case-sensitive) when it contains ``*``, ``?`` or ``[``; ``*`` also matches
``/``, so ``/v2/sessions/*`` covers every session sub-path. ``method`` ignores case.

Combination: each rule has one action. Rules are tried in the order they were added. Every
matching latency rule that fires adds its delay; the first matching *other* rule that fires is the
fault (error, drop or truncate) and later non-latency rules are not evaluated at all, so their
``times`` and random sequences are untouched.

Probability: evaluation ``n`` of rule ``r`` fires when ``unit_interval(seed, fingerprint, n) <
probability``. The fingerprint is the rule's match and action, not its id (which depends on how
many rules came before it), so the same seed and the same request sequence give the same faults
in any process. ``times`` counts firings; a rule is removed when it reaches zero.
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, replace
from fnmatch import fnmatchcase
from types import MappingProxyType
from typing import Any

from mockserver.core.rng import unit_interval

_GLOB_CHARS = re.compile(r"[*?\[]")


@dataclass(frozen=True, slots=True)
class FaultRequest:
    """What a rule can see of a request."""

    method: str
    path: str
    operation_id: str | None = None
    tenant: str | None = None
    key_id: str | None = None


@dataclass(frozen=True, slots=True)
class FaultMatch:
    """Which requests a fault rule applies to; a field left None matches anything."""

    operation_id: str | None = None
    path: str | None = None
    tenant: str | None = None
    key_id: str | None = None
    method: str | None = None

    def matches(self, request: FaultRequest) -> bool:
        return (
            (self.operation_id is None or self.operation_id == request.operation_id)
            and (self.tenant is None or self.tenant == request.tenant)
            and (self.key_id is None or self.key_id == request.key_id)
            and (self.method is None or self.method.upper() == request.method.upper())
            and (self.path is None or _path_matches(self.path, request.path))
        )

    def to_dict(self) -> dict[str, Any]:
        fields = {
            "operation_id": self.operation_id,
            "path": self.path,
            "tenant": self.tenant,
            "key_id": self.key_id,
            "method": self.method,
        }
        return {k: v for k, v in fields.items() if v is not None}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FaultMatch:
        unknown = set(data) - {"operation_id", "path", "tenant", "key_id", "method"}
        if unknown:
            raise ValueError(f"unknown fault match fields: {sorted(unknown)}")
        for name, value in data.items():
            if value is not None and not isinstance(value, str):
                raise ValueError(f"fault match field {name!r} must be a string")
        return cls(**{k: v for k, v in data.items() if v is not None})


def _path_matches(pattern: str, path: str) -> bool:
    if _GLOB_CHARS.search(pattern):
        return fnmatchcase(path, pattern)
    return pattern == path


@dataclass(frozen=True, slots=True)
class ErrorAction:
    """Answer with this status (the HTTP layer renders the API's envelope and checks the status
    is documented). ``code``/``message`` override the envelope's defaults."""

    status: int
    code: str | None = None
    message: str | None = None

    def __post_init__(self) -> None:
        if isinstance(self.status, bool) or not isinstance(self.status, int):
            raise ValueError("error status must be an integer")
        if not 400 <= self.status <= 599:
            raise ValueError(f"error status must be 4xx or 5xx, not {self.status}")


@dataclass(frozen=True, slots=True)
class LatencyAction:
    """Delay the response by ``ms`` milliseconds (added to whatever else happens)."""

    ms: int

    def __post_init__(self) -> None:
        if isinstance(self.ms, bool) or not isinstance(self.ms, int) or self.ms < 0:
            raise ValueError(f"latency must be an integer number of ms >= 0, not {self.ms!r}")


@dataclass(frozen=True, slots=True)
class DropConnectionAction:
    """Close the connection without a response."""


@dataclass(frozen=True, slots=True)
class TruncateBodyAction:
    """Send the real status and headers but only part of the body (set exactly one field)."""

    keep_fraction: float | None = None
    keep_bytes: int | None = None

    def __post_init__(self) -> None:
        if (self.keep_fraction is None) == (self.keep_bytes is None):
            raise ValueError("truncate_body needs exactly one of keep_fraction, keep_bytes")
        if self.keep_fraction is not None and not (
            math.isfinite(self.keep_fraction) and 0 <= self.keep_fraction < 1
        ):
            raise ValueError("keep_fraction must be in [0, 1)")
        if self.keep_bytes is not None and (
            isinstance(self.keep_bytes, bool)
            or not isinstance(self.keep_bytes, int)
            or self.keep_bytes < 0
        ):
            raise ValueError("keep_bytes must be an integer >= 0")

    def cut(self, body: bytes) -> bytes:
        """The prefix to send; always shorter than a non-empty body, so the cut is visible."""
        if self.keep_bytes is not None:
            keep = self.keep_bytes
        else:
            keep = math.floor(len(body) * (self.keep_fraction or 0.0))
        return body[: min(keep, max(len(body) - 1, 0))]


FaultAction = ErrorAction | LatencyAction | DropConnectionAction | TruncateBodyAction

_ACTION_TYPES: Mapping[type[Any], str] = MappingProxyType(
    {
        ErrorAction: "error",
        LatencyAction: "latency",
        DropConnectionAction: "drop_connection",
        TruncateBodyAction: "truncate_body",
    }
)


def action_to_dict(action: FaultAction) -> dict[str, Any]:
    """``{"type": "error", "status": 503, ...}``; unset optional fields are left out."""
    data: dict[str, Any] = {"type": _ACTION_TYPES[type(action)]}
    if isinstance(action, ErrorAction):
        data["status"] = action.status
        if action.code is not None:
            data["code"] = action.code
        if action.message is not None:
            data["message"] = action.message
    elif isinstance(action, LatencyAction):
        data["ms"] = action.ms
    elif isinstance(action, TruncateBodyAction):
        if action.keep_fraction is not None:
            data["keep_fraction"] = action.keep_fraction
        else:
            data["keep_bytes"] = action.keep_bytes
    return data


def action_from_dict(data: Mapping[str, Any]) -> FaultAction:
    """Inverse of :func:`action_to_dict`; raises ValueError with a readable message."""
    fields = dict(data)
    kind = fields.pop("type", None)
    allowed = {
        "error": {"status", "code", "message"},
        "latency": {"ms"},
        "drop_connection": set(),
        "truncate_body": {"keep_fraction", "keep_bytes"},
    }
    if kind not in allowed:
        raise ValueError(f"fault action type must be one of {sorted(allowed)}, not {kind!r}")
    unknown = set(fields) - allowed[kind]
    if unknown:
        raise ValueError(f"unknown fields for a {kind} action: {sorted(unknown)}")
    try:
        if kind == "error":
            return ErrorAction(**fields)
        if kind == "latency":
            return LatencyAction(**fields)
        if kind == "truncate_body":
            return TruncateBodyAction(**fields)
        return DropConnectionAction()
    except TypeError as error:  # e.g. a missing required field
        raise ValueError(f"bad {kind} action: {error}") from error


@dataclass(frozen=True, slots=True)
class FaultSpec:
    """A rule as a client asks for it; :meth:`FaultBook.add` gives it an id."""

    action: FaultAction
    match: FaultMatch = FaultMatch()
    times: int | None = None  # how many times it may fire; None = until removed
    probability: float | None = None  # chance of firing per matching request; None = always
    seed: int | None = None  # None = the book's seed

    def __post_init__(self) -> None:
        if self.times is not None and (
            isinstance(self.times, bool) or not isinstance(self.times, int) or self.times < 1
        ):
            raise ValueError(f"times must be an integer >= 1, not {self.times!r}")
        if self.probability is not None and not (
            isinstance(self.probability, int | float) and 0 <= self.probability <= 1
        ):
            raise ValueError(f"probability must be in [0, 1], not {self.probability!r}")

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FaultSpec:
        unknown = set(data) - {"action", "match", "times", "probability", "seed"}
        if unknown:
            raise ValueError(f"unknown fault rule fields: {sorted(unknown)}")
        if "action" not in data:
            raise ValueError("a fault rule needs an action")
        seed = data.get("seed")
        probability = data.get("probability")
        return cls(
            action=action_from_dict(data["action"]),
            match=FaultMatch.from_dict(data.get("match") or {}),
            times=data.get("times"),
            probability=float(probability) if probability is not None else None,
            seed=int(seed) if seed is not None else None,
        )


@dataclass(frozen=True, slots=True)
class FaultRule:
    """A fault rule as installed: its id, match and action, firings left, probability and
    seeded random sequence, and its counters."""

    id: str
    match: FaultMatch
    action: FaultAction
    times: int | None  # firings left; None = unlimited
    probability: float | None
    seed: int
    evaluations: int = 0  # matching requests seen: the index into the random sequence
    fired: int = 0

    @property
    def fingerprint(self) -> str:
        """What the rule is, independent of its id: the key of its random sequence."""
        match = sorted((k, str(v)) for k, v in self.match.to_dict().items())
        action = sorted((k, str(v)) for k, v in action_to_dict(self.action).items())
        return repr((match, action))

    @property
    def is_latency(self) -> bool:
        return isinstance(self.action, LatencyAction)

    def describe(self) -> str:
        """A short label for the journal's ``fault`` field, e.g. ``fault-2:error 503``."""
        action = self.action
        if isinstance(action, ErrorAction):
            return f"{self.id}:error {action.status}"
        if isinstance(action, LatencyAction):
            return f"{self.id}:latency {action.ms}ms"
        return f"{self.id}:{_ACTION_TYPES[type(action)]}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "match": self.match.to_dict(),
            "action": action_to_dict(self.action),
            "times": self.times,
            "probability": self.probability,
            "seed": self.seed,
            "evaluations": self.evaluations,
            "fired": self.fired,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FaultRule:
        spec = FaultSpec.from_dict(
            {k: data[k] for k in ("action", "match", "times", "probability", "seed") if k in data}
        )
        return cls(
            id=str(data["id"]),
            match=spec.match,
            action=spec.action,
            times=spec.times,
            probability=spec.probability,
            seed=int(data["seed"]),
            evaluations=int(data.get("evaluations", 0)),
            fired=int(data.get("fired", 0)),
        )


@dataclass(frozen=True, slots=True)
class FaultPick:
    """What to do to one request: total extra latency, and at most one terminal fault."""

    latency_ms: int
    fault: FaultRule | None  # an error, drop or truncate rule; None = answer normally
    fired: tuple[FaultRule, ...]  # every rule that fired (latency ones included), in order

    def describe(self) -> str:
        """For the journal's ``fault`` field."""
        return ", ".join(rule.describe() for rule in self.fired)


class FaultBook:
    """The fault rules of one server, evaluated in insertion order; thread-safe."""

    def __init__(self, seed: int = 0) -> None:
        self._seed = seed
        self._lock = threading.Lock()
        self._rules: dict[str, FaultRule] = {}  # insertion order = evaluation order
        self._next_id = 1  # never reused, so a stale id cannot remove a newer rule

    def add(self, spec: FaultSpec) -> FaultRule:
        with self._lock:
            rule = FaultRule(
                id=f"fault-{self._next_id}",
                match=spec.match,
                action=spec.action,
                times=spec.times,
                probability=spec.probability,
                seed=self._seed if spec.seed is None else spec.seed,
            )
            self._next_id += 1
            self._rules[rule.id] = rule
            return rule

    def list(self) -> list[FaultRule]:
        with self._lock:
            return list(self._rules.values())

    def get(self, rule_id: str) -> FaultRule | None:
        with self._lock:
            return self._rules.get(rule_id)

    def remove(self, rule_id: str) -> bool:
        """Remove one rule; False if there was none with that id."""
        with self._lock:
            return self._rules.pop(rule_id, None) is not None

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._rules)

    @property
    def armed(self) -> bool:
        """Whether any rule is set: when none is, a request need not be described to
        :meth:`pick` at all (read without the lock, like :meth:`pick`'s own fast path)."""
        return bool(self._rules)

    def pick(self, request: FaultRequest) -> FaultPick | None:
        """Decide the faults for one request (None: no rule fired), updating counters."""
        if not self._rules:  # the common case: no locking, no allocation
            return None
        with self._lock:
            latency = 0
            fault: FaultRule | None = None
            fired: list[FaultRule] = []
            for rule in list(self._rules.values()):
                if (fault is not None and not rule.is_latency) or not rule.match.matches(request):
                    continue
                fires = rule.probability is None or (
                    unit_interval(rule.seed, "fault", rule.fingerprint, rule.evaluations)
                    < rule.probability
                )
                times = rule.times
                if fires and times is not None:
                    times -= 1
                updated = replace(
                    rule, evaluations=rule.evaluations + 1, fired=rule.fired + fires, times=times
                )
                if times == 0:
                    del self._rules[rule.id]
                else:
                    self._rules[rule.id] = updated
                if not fires:
                    continue
                fired.append(updated)
                if isinstance(rule.action, LatencyAction):
                    latency += rule.action.ms
                else:
                    fault = updated
            if not fired:
                return None
            return FaultPick(latency_ms=latency, fault=fault, fired=tuple(fired))

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {
                "seed": self._seed,
                "next_id": self._next_id,
                "rules": [rule.to_dict() for rule in self._rules.values()],
            }

    def restore(self, data: Mapping[str, Any]) -> None:
        rules = [FaultRule.from_dict(raw) for raw in data["rules"]]
        with self._lock:
            self._seed = int(data["seed"])
            self._next_id = int(data["next_id"])
            self._rules = {rule.id: rule for rule in rules}
