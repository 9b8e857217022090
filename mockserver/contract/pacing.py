"""429 handled, not accepted: the kit honours ``Retry-After``, slows down, re-sends the same
request, and counts what it met. A request whose every attempt got 429 was never verified; the
suites fail it (see ``contract_tests`` / ``mockserver.contract.suite.kit``)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import TypeVar

import httpx

R = TypeVar("R")
THROTTLED = 429
FALLBACK_WAIT = 1.0  # a 429 with no usable Retry-After: wait a second, then back off
RECOVER_AFTER = 10  # answers in a row without a 429, then the pace doubles again
UNPACED_ABOVE = 64.0  # requests per second past which a run that started unpaced is again


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """``Retry-After`` as seconds: delta-seconds or an HTTP date; None when absent or unreadable."""
    if value is None:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


@dataclass
class PacingStats:
    """What the pacer did in a run: 429s met, requests given up on, and seconds waited."""

    throttled: int = 0  # 429 answers met (each one was waited out or given up on)
    gave_up: int = 0  # requests whose last attempt was still a 429
    waited: float = 0.0  # seconds slept on Retry-After
    refused_after_wait: int = 0  # a 429 again after waiting as long as Retry-After said


@dataclass
class Pacer:
    """Shared by every request of a run (thread-safe). ``rate_per_second`` 0 sends as fast as the
    target answers until it first says 429; after each 429 the pace halves (down to one request
    per ``max_wait``), and after ``RECOVER_AFTER`` answers in a row without one it doubles, back
    to the configured pace (or unpaced): one burst of 429s must not slow a whole run for good."""

    rate_per_second: float = 0.0
    retries: int = 3
    max_wait: float = 60.0
    sleep: Callable[[float], None] = time.sleep
    monotonic: Callable[[], float] = time.monotonic
    stats: PacingStats = field(default_factory=PacingStats)
    _next_slot: float = 0.0
    _calm: int = 0  # answers in a row without a 429
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._configured = self.rate_per_second

    def _pace(self) -> None:
        if self.rate_per_second <= 0:
            return
        with self._lock:
            now = self.monotonic()
            wait = self._next_slot - now
            self._next_slot = max(now, self._next_slot) + 1.0 / self.rate_per_second
        if wait > 0:
            self.sleep(wait)

    def _slow_down(self, retry_after: float) -> None:
        with self._lock:
            if self.rate_per_second <= 0:
                # Never paced before: start at what the target allowed since its last refusal.
                self.rate_per_second = 1.0 / max(retry_after, 1.0)
            else:
                self.rate_per_second = max(self.rate_per_second / 2, 1.0 / self.max_wait)
            self._calm = 0

    def _recover(self) -> None:
        with self._lock:
            if self.rate_per_second <= 0 or self.rate_per_second == self._configured:
                return
            self._calm += 1
            if self._calm < RECOVER_AFTER:
                return
            self._calm = 0
            faster = self.rate_per_second * 2
            if self._configured > 0:
                self.rate_per_second = min(faster, self._configured)
            else:
                self.rate_per_second = 0.0 if faster > UNPACED_ABOVE else faster

    def send(
        self,
        attempt: Callable[[], R],
        status: Callable[[R], int],
        headers: Callable[[R], Mapping[str, str]],
    ) -> R:
        """``attempt()`` until it is not a 429, waiting as the target asks (at most ``retries``
        re-sends, never a wait longer than ``max_wait``)."""
        waited_last = False
        backoff = FALLBACK_WAIT
        for tries_left in range(self.retries, -1, -1):
            self._pace()
            response = attempt()
            if status(response) != THROTTLED:
                self._recover()
                return response
            with self._lock:
                self.stats.throttled += 1
                if waited_last:
                    self.stats.refused_after_wait += 1
            wait = retry_after_seconds(_header(headers(response), "retry-after"))
            if wait is None:
                wait, backoff = backoff, backoff * 2
            if tries_left == 0 or wait > self.max_wait:
                with self._lock:
                    self.stats.gave_up += 1
                return response
            self._slow_down(wait)
            with self._lock:
                self.stats.waited += wait
            self.sleep(wait)
            waited_last = True
        raise AssertionError("unreachable")  # pragma: no cover


def _header(headers: Mapping[str, str], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name:
            return value[0] if isinstance(value, list) else value
    return None


class PacedTransport(httpx.BaseTransport):
    """An httpx transport that sends through a :class:`Pacer` (the properties' clients)."""

    def __init__(
        self,
        inner: httpx.BaseTransport,
        pacer: Pacer,
        on_response: Callable[[httpx.Request, httpx.Response], None] | None = None,
    ) -> None:
        self._inner = inner
        self._pacer = pacer
        self._on_response = on_response

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        def attempt() -> httpx.Response:
            response = self._inner.handle_request(request)
            response.read()
            return response

        response = self._pacer.send(attempt, lambda r: r.status_code, lambda r: r.headers)
        if self._on_response is not None:
            self._on_response(request, response)
        return response

    def close(self) -> None:
        """The inner transport belongs to whoever made it (shared by the run's clients)."""
