"""FullStory-style rate limiting: a per-second rate plus a burst allowance that recharges.

FullStory publishes no numbers, only the shape: "a per-second rate limiter and a burst limiter that
recharges over time", answering 429 with ``Retry-After`` in whole seconds. That is a token bucket
per (API key, operation group): capacity ``burst``, refilled at ``rate_per_second`` tokens/s.

It is implemented as GCRA (the "virtual scheduling" form of a token bucket) because then a bucket
is one integer: the theoretical arrival time (TAT) at which it would be full again. Times are
integer microseconds so that ``Retry-After`` is exact: after advancing a frozen clock by the
returned number of seconds the next request succeeds, and one second less would not.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from mockserver.core.clock import Clock

MICROS_PER_SECOND = 1_000_000


MIN_RATE = 0.001  # requests per second: one every 1000 s


@dataclass(frozen=True, slots=True)
class RateLimitPolicy:
    """``burst`` requests at once, then ``rate_per_second`` sustained."""

    rate_per_second: float
    burst: int

    def __post_init__(self) -> None:
        # A floor keeps Retry-After (1/rate at most) a sane integer: 1e-300 would make it a
        # 300-digit number no snapshot can hold.
        if not (math.isfinite(self.rate_per_second) and self.rate_per_second >= MIN_RATE):
            raise ValueError(
                f"rate_per_second must be a number >= {MIN_RATE}, not {self.rate_per_second}"
            )
        if isinstance(self.burst, bool) or not isinstance(self.burst, int) or self.burst < 1:
            raise ValueError(f"burst must be an integer >= 1, not {self.burst!r}")

    @property
    def interval_us(self) -> int:
        """Microseconds per token, rounded up so the limiter never admits more than the rate."""
        # Fraction avoids float error turning 1e6/rate = 1e6 into 1000001 (or the reverse).
        return max(1, math.ceil(Fraction(MICROS_PER_SECOND) / Fraction(self.rate_per_second)))

    def to_dict(self) -> dict[str, Any]:
        return {"rate_per_second": self.rate_per_second, "burst": self.burst}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RateLimitPolicy:
        return cls(rate_per_second=float(data["rate_per_second"]), burst=int(data["burst"]))


@dataclass(frozen=True, slots=True)
class RateDecision:
    """The outcome of one check.

    ``limit == 0`` means no limit applied (limiter disabled or no policy for the group); the HTTP
    layer should then send no rate-limit headers. ``retry_after`` is 0 when ``allowed``.
    """

    allowed: bool
    retry_after: int
    remaining: int
    limit: int


UNLIMITED = RateDecision(allowed=True, retry_after=0, remaining=0, limit=0)


@dataclass(frozen=True, slots=True)
class _Compiled:
    """A policy with its integer constants precomputed (nothing is derived per request)."""

    policy: RateLimitPolicy
    interval_us: int
    capacity_us: int  # burst * interval: how far ahead of now a bucket's TAT may run

    @classmethod
    def of(cls, policy: RateLimitPolicy) -> _Compiled:
        interval = policy.interval_us
        return cls(policy=policy, interval_us=interval, capacity_us=interval * policy.burst)


class RateLimiter:
    """Token buckets keyed by (key, group), with policies changeable at runtime.

    Only buckets that are not full are stored: a full bucket is indistinguishable from a missing
    one. Each check sweeps one stored bucket (round robin) and drops it if it has refilled, so
    memory tracks the number of recently active keys, not the number ever seen.
    """

    def __init__(
        self,
        clock: Clock,
        policies: Mapping[str, RateLimitPolicy] | None = None,
        default: RateLimitPolicy | None = None,
        enabled: bool = True,
    ) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._policies = {group: _Compiled.of(p) for group, p in (policies or {}).items()}
        self._default = _Compiled.of(default) if default is not None else None
        self._enabled = enabled
        # (key, group) -> TAT in microseconds; ordered only to give the sweep a cursor.
        self._buckets: OrderedDict[tuple[str, str], int] = OrderedDict()

    # -- settings ---------------------------------------------------------------------------

    @property
    def enabled(self) -> bool:
        return self._enabled

    def set_enabled(self, enabled: bool) -> None:
        with self._lock:
            self._enabled = enabled

    def policies(self) -> dict[str, RateLimitPolicy]:
        with self._lock:
            return {group: c.policy for group, c in self._policies.items()}

    @property
    def default(self) -> RateLimitPolicy | None:
        with self._lock:
            return self._default.policy if self._default is not None else None

    def configure(self, group: str, policy: RateLimitPolicy | None) -> None:
        """Set (or with ``None`` remove) the policy of one group; its buckets start full."""
        with self._lock:
            if policy is None:
                self._policies.pop(group, None)
            else:
                self._policies[group] = _Compiled.of(policy)
            # A TAT is measured in the old policy's units, so it means nothing under the new one.
            self._drop(lambda bucket: bucket[1] == group)

    def set_default(self, policy: RateLimitPolicy | None) -> None:
        """Set the policy of groups without their own; their buckets start full."""
        with self._lock:
            self._default = _Compiled.of(policy) if policy is not None else None
            self._drop(lambda bucket: bucket[1] not in self._policies)

    def reset(self, key: str | None = None) -> None:
        """Refill every bucket (of one key, or all); policies are kept."""
        with self._lock:
            if key is None:
                self._buckets.clear()
            else:
                self._drop(lambda bucket: bucket[0] == key)

    def __len__(self) -> int:
        """Stored (not yet full) buckets; exposed so tests can check that memory stays flat."""
        with self._lock:
            return len(self._buckets)

    # -- the check --------------------------------------------------------------------------

    def check(self, key: str, group: str) -> RateDecision:
        """Admit or refuse one request; a refused request consumes nothing."""
        # Limits off (a local server's default): answered without the lock. A check racing
        # set_enabled is answered as if it came just before the switch, which a locked read
        # could also have done; the locked read below settles the other order.
        if not self._enabled:
            return UNLIMITED
        with self._lock:
            if not self._enabled:
                return UNLIMITED
            compiled = self._policies.get(group, self._default)
            if compiled is None:
                return UNLIMITED
            now = self._now_us()
            self._sweep_one(now)
            bucket = (key, group)
            start = max(self._buckets.get(bucket, now), now)
            tat = start + compiled.interval_us
            if tat - now > compiled.capacity_us:
                # The request fits once start + interval - now <= capacity.
                wait_us = start + compiled.interval_us - compiled.capacity_us - now
                return RateDecision(
                    allowed=False,
                    retry_after=-(-wait_us // MICROS_PER_SECOND),  # ceil, in integers
                    remaining=0,
                    limit=compiled.policy.burst,
                )
            self._buckets[bucket] = tat
            return RateDecision(
                allowed=True,
                retry_after=0,
                remaining=(compiled.capacity_us - (tat - now)) // compiled.interval_us,
                limit=compiled.policy.burst,
            )

    def _now_us(self) -> int:
        # Rounding to whole microseconds absorbs float error in the clock (a 2026 timestamp has
        # a resolution of ~0.24 us), so "advance by N seconds" moves exactly N * 10**6 here.
        return round(self._clock.timestamp() * MICROS_PER_SECOND)

    def _sweep_one(self, now: int) -> None:
        if not self._buckets:
            return
        bucket, tat = next(iter(self._buckets.items()))
        if tat <= now:
            del self._buckets[bucket]
        else:
            self._buckets.move_to_end(bucket)

    def _drop(self, doomed: Callable[[tuple[str, str]], bool]) -> None:
        for bucket in [b for b in self._buckets if doomed(b)]:
            del self._buckets[bucket]

    # -- persistence ------------------------------------------------------------------------

    def snapshot(self) -> dict[str, Any]:
        """JSON-ready state; buckets that have refilled are left out."""
        with self._lock:
            now = self._now_us()
            return {
                "enabled": self._enabled,
                "default": self._default.policy.to_dict() if self._default else None,
                "policies": {g: c.policy.to_dict() for g, c in sorted(self._policies.items())},
                "buckets": [
                    [key, group, tat]
                    for (key, group), tat in sorted(self._buckets.items())
                    if tat > now
                ],
            }

    def restore(self, data: Mapping[str, Any]) -> None:
        policies = {
            g: _Compiled.of(RateLimitPolicy.from_dict(p)) for g, p in data["policies"].items()
        }
        default = data.get("default")
        buckets: OrderedDict[tuple[str, str], int] = OrderedDict()
        for key, group, tat in data.get("buckets", []):
            buckets[(str(key), str(group))] = int(tat)
        with self._lock:
            self._enabled = bool(data["enabled"])
            self._policies = policies
            self._default = _Compiled.of(RateLimitPolicy.from_dict(default)) if default else None
            self._buckets = buckets
