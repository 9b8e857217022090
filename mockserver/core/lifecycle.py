"""The lifecycle of asynchronous operations (segment exports and friends), after moto's model.

FullStory operations are ``PENDING`` then ``COMPLETED`` or ``FAILED``; there is no RUNNING state.
How fast an operation gets there is a policy, set per tenant and per operation kind:

* ``immediate`` -- finished on the first look.
* ``polls:N`` -- the first N polls answer PENDING, poll N+1 sees it finished. The default is
  ``polls:1`` so every client's polling loop runs at least once.
* ``seconds:S`` -- finished once the injected clock reaches ``created_at + S`` (S may be
  fractional); ``finished_at`` is exactly that moment, whenever it is observed.

Any of them may end in failure: ``polls:2,fail`` or ``polls:2,fail=quota exceeded`` (everything
after ``fail=`` is the ``errorDetails`` text, commas included, so ``fail`` must come last).
"""

from __future__ import annotations

import math
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from mockserver.core.clock import Clock, parse_rfc3339

DEFAULT_FAILURE = "operation failed"


class LifecycleState(StrEnum):
    PENDING = "PENDING"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"


@dataclass(frozen=True, slots=True)
class Immediate:
    """A lifecycle that is finished (or failed, with ``fail_with``) at once."""

    fail_with: str | None = None  # errorDetails of an injected failure; None = succeeds


@dataclass(frozen=True, slots=True)
class AfterPolls:
    """A lifecycle that finishes (or fails) once its status has been read ``polls``
    times."""

    polls: int
    fail_with: str | None = None

    def __post_init__(self) -> None:
        if isinstance(self.polls, bool) or not isinstance(self.polls, int) or self.polls < 0:
            raise ValueError(f"polls must be an integer >= 0, not {self.polls!r}")


@dataclass(frozen=True, slots=True)
class AfterSeconds:
    """A lifecycle that finishes (or fails) ``seconds`` after creation, on the injected
    clock."""

    seconds: float
    fail_with: str | None = None

    def __post_init__(self) -> None:
        if not (isinstance(self.seconds, int | float) and math.isfinite(self.seconds)):
            raise ValueError(f"seconds must be a finite number, not {self.seconds!r}")
        if self.seconds < 0:
            raise ValueError(f"seconds must be >= 0, not {self.seconds}")


LifecyclePolicy = Immediate | AfterPolls | AfterSeconds

DEFAULT_POLICY: LifecyclePolicy = AfterPolls(1)


def parse_policy(text: str) -> LifecyclePolicy:
    """Parse ``immediate``, ``polls:N``, ``seconds:S``, each optionally ``,fail[=details]``."""
    head, comma, option = text.strip().partition(",")
    fail_with: str | None = None
    if comma:
        option = option.strip()
        if option == "fail":
            fail_with = DEFAULT_FAILURE
        elif option.startswith("fail="):
            fail_with = option.removeprefix("fail=") or DEFAULT_FAILURE
        else:
            raise ValueError(f"lifecycle policy {text!r}: the only option is 'fail[=details]'")
    kind, colon, amount = head.strip().partition(":")
    kind = kind.strip().lower()
    try:
        if kind == "immediate" and not colon:
            return Immediate(fail_with=fail_with)
        if kind == "polls" and colon:
            return AfterPolls(int(amount), fail_with=fail_with)
        if kind == "seconds" and colon:
            return AfterSeconds(float(amount), fail_with=fail_with)
    except ValueError as error:
        raise ValueError(f"lifecycle policy {text!r}: {error}") from error
    raise ValueError(
        f"lifecycle policy {text!r} is not one of 'immediate', 'polls:N', 'seconds:S'"
        " (optionally followed by ',fail' or ',fail=details')"
    )


def format_policy(policy: LifecyclePolicy) -> str:
    """Inverse of :func:`parse_policy`."""
    if isinstance(policy, Immediate):
        text = "immediate"
    elif isinstance(policy, AfterPolls):
        text = f"polls:{policy.polls}"
    else:
        seconds = policy.seconds
        text = f"seconds:{int(seconds) if float(seconds).is_integer() else repr(float(seconds))}"
    if policy.fail_with is None:
        return text
    return text + (",fail" if policy.fail_with == DEFAULT_FAILURE else f",fail={policy.fail_with}")


@dataclass(frozen=True, slots=True)
class LifecycleView:
    """An operation's progress as the API reports it at one moment."""

    state: LifecycleState
    estimate_pct_complete: int  # 0..100, rises with progress, 100 once finished
    finished_at: datetime | None
    error_details: str  # "" unless FAILED, as the API reports it


class Lifecycle:
    """The progress of one operation. Thread-safe; the only mutable state is the poll count
    and the moment a poll-driven operation finished."""

    def __init__(self, policy: LifecyclePolicy, created_at: datetime, clock: Clock) -> None:
        if created_at.tzinfo is None:
            raise ValueError("created_at must be timezone-aware")
        self._policy = policy
        self._created_at = created_at
        self._clock = clock
        self._lock = threading.Lock()
        self._polls = 0
        # Set when a poll-counting policy finishes, so later views agree on the moment.
        self._finished_at: datetime | None = created_at if isinstance(policy, Immediate) else None

    @property
    def policy(self) -> LifecyclePolicy:
        return self._policy

    @property
    def created_at(self) -> datetime:
        return self._created_at

    @property
    def polls(self) -> int:
        return self._polls

    def poll(self) -> LifecycleView:
        """A client looked (``GET /operations/v1/{id}``): counts toward ``polls:N``."""
        with self._lock:
            self._polls += 1
            return self._view()

    def peek(self) -> LifecycleView:
        """Look without counting a poll (listings, admin, tests)."""
        with self._lock:
            return self._view()

    def _view(self) -> LifecycleView:
        policy = self._policy
        if isinstance(policy, AfterSeconds):
            finished_at = self._created_at + timedelta(seconds=policy.seconds)
            now = self._clock.now()
            if now >= finished_at:
                return _finished(policy, finished_at)
            elapsed = (now - self._created_at).total_seconds()
            # seconds == 0 is pending only if the clock was set back before created_at.
            return _pending(elapsed / policy.seconds if policy.seconds else 0.0)
        if isinstance(policy, AfterPolls) and self._finished_at is None:
            if self._polls <= policy.polls:
                return _pending(self._polls / (policy.polls + 1))
            self._finished_at = self._clock.now()
        assert self._finished_at is not None  # Immediate sets it in __init__
        return _finished(policy, self._finished_at)

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {
                "policy": format_policy(self._policy),
                "created_at": _format_time(self._created_at),
                "polls": self._polls,
                "finished_at": _format_time(self._finished_at) if self._finished_at else None,
            }

    @classmethod
    def restore(cls, data: Mapping[str, Any], clock: Clock) -> Lifecycle:
        lifecycle = cls(parse_policy(data["policy"]), parse_rfc3339(data["created_at"]), clock)
        lifecycle._polls = int(data["polls"])
        finished_at = data.get("finished_at")
        if finished_at is not None:
            lifecycle._finished_at = parse_rfc3339(finished_at)
        return lifecycle


def _pending(fraction: float) -> LifecycleView:
    # Never 100 while pending: a client may treat 100 as done.
    pct = min(99, max(0, math.floor(fraction * 100)))
    return LifecycleView(LifecycleState.PENDING, pct, None, "")


def _finished(policy: LifecyclePolicy, at: datetime) -> LifecycleView:
    if policy.fail_with is not None:
        return LifecycleView(LifecycleState.FAILED, 100, at, policy.fail_with)
    return LifecycleView(LifecycleState.COMPLETED, 100, at, "")


class LifecyclePolicies:
    """One tenant's policies: operation kind (e.g. ``SEARCH_EXPORT``) -> policy, with a default.

    Operations take their policy when created, so changing it affects only new operations.
    """

    def __init__(self, default: LifecyclePolicy = DEFAULT_POLICY) -> None:
        self._lock = threading.Lock()
        self._default = default
        self._by_kind: dict[str, LifecyclePolicy] = {}

    @property
    def default(self) -> LifecyclePolicy:
        return self._default

    def set_default(self, policy: LifecyclePolicy) -> None:
        with self._lock:
            self._default = policy

    def get(self, kind: str) -> LifecyclePolicy:
        with self._lock:
            return self._by_kind.get(kind, self._default)

    def set(self, kind: str, policy: LifecyclePolicy | None) -> None:
        """Set the policy of one kind, or with ``None`` fall back to the default."""
        with self._lock:
            if policy is None:
                self._by_kind.pop(kind, None)
            else:
                self._by_kind[kind] = policy

    def overrides(self) -> dict[str, LifecyclePolicy]:
        with self._lock:
            return dict(self._by_kind)

    def reset(self) -> None:
        with self._lock:
            self._default = DEFAULT_POLICY
            self._by_kind.clear()

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {
                "default": format_policy(self._default),
                "kinds": {kind: format_policy(p) for kind, p in sorted(self._by_kind.items())},
            }

    def restore(self, data: Mapping[str, Any]) -> None:
        default = parse_policy(data["default"])
        by_kind = {str(kind): parse_policy(text) for kind, text in data["kinds"].items()}
        with self._lock:
            self._default = default
            self._by_kind = by_kind


def _format_time(at: datetime) -> str:
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")
