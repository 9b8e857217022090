"""How long "generating" a summary takes: nothing by default, or a realistic, deterministic
delay per call (switched with ``--summary-latency realistic`` or the admin API).

The delay grows with the events read and is shorter for the lite model, with a jitter derived
from the call's key (same call, same delay). It is spent through :func:`~mockserver.core.pause.
pause`, so with a frozen clock it advances the clock instead of sleeping.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable

from mockserver.core.clock import Clock
from mockserver.core.pause import pause

MODES: tuple[str, ...] = ("off", "realistic")
BASE_SECONDS = 1.5
PER_EVENT_SECONDS = 0.004
MAX_SECONDS = 12.0
LITE_FACTOR = 0.6
JITTER = 0.2  # +/- 20 %


class GenerationLatency:
    """Server-wide: one object, shared by every tenant."""

    def __init__(self, mode: str, clock: Clock) -> None:
        self.clock = clock
        self.mode = mode
        self.set_mode(mode)

    def set_mode(self, mode: str) -> None:
        if mode not in MODES:
            raise ValueError(f"summary latency must be one of {', '.join(MODES)}, not {mode!r}")
        self.mode = mode

    @property
    def enabled(self) -> bool:
        """False when :meth:`seconds` is always 0 (the caller may skip building its key)."""
        return self.mode != "off"

    def seconds(self, key: str, event_count: int, model: str | None) -> float:
        if self.mode == "off":
            return 0.0
        raw = min(MAX_SECONDS, BASE_SECONDS + PER_EVENT_SECONDS * event_count)
        if model == "GEMINI_2_FLASH_LITE":
            raw *= LITE_FACTOR
        digest = hashlib.sha256(key.encode()).digest()
        unit = int.from_bytes(digest[:4], "big") / 0xFFFFFFFF  # 0..1
        return round(raw * (1 - JITTER + 2 * JITTER * unit), 3)

    def waiter(self, seconds: float) -> Callable[[], Awaitable[None]] | None:
        if seconds <= 0:
            return None
        clock = self.clock

        async def wait() -> None:
            await pause(clock, seconds)

        return wait
