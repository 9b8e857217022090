"""The ASGI lifespan protocol, run around an async context manager: what an ASGI server (uvicorn)
sends at start and at shutdown, answered as Starlette's router answers it.

The app used to be a Starlette application for this alone (its routing and middleware are
bypassed: every request goes to the spec router), and importing Starlette with its
dependencies cost ~40 ms of every cold start.
"""

from __future__ import annotations

import contextlib
import traceback

from starlette.types import Receive, Send


async def run_lifespan(
    context: contextlib.AbstractAsyncContextManager[None], receive: Receive, send: Send
) -> None:
    """Enter ``context`` at ``lifespan.startup``, leave it at ``lifespan.shutdown``; a failure
    on either side is reported to the server (``*.failed`` with the traceback) and raised."""
    started = False
    await receive()  # lifespan.startup
    try:
        async with context:
            await send({"type": "lifespan.startup.complete"})
            started = True
            await receive()  # lifespan.shutdown
    except BaseException:
        failed = "lifespan.shutdown.failed" if started else "lifespan.startup.failed"
        await send({"type": failed, "message": traceback.format_exc()})
        raise
    await send({"type": "lifespan.shutdown.complete"})
