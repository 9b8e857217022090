"""Waiting that follows the injected clock: real time passes only when the clock is real.

With a ``system`` clock :func:`pause` sleeps; with a frozen or manual clock it moves the clock on
by the same amount and returns at once, so a test sees the time pass without ever sleeping.
"""

from __future__ import annotations

import asyncio

from mockserver.core.clock import Clock, ClockMode


async def pause(clock: Clock, seconds: float) -> None:
    if seconds <= 0:
        return
    if clock.mode is ClockMode.SYSTEM:
        await asyncio.sleep(seconds)
    else:
        clock.advance(seconds)
