"""The ASGI lifespan around the app's context manager: what uvicorn sends, answered as
Starlette answered it (complete, or failed with the traceback and the error raised)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, MutableMapping
from typing import Any

import anyio
import pytest

from mockserver.http.lifespan import run_lifespan


def drive(context: contextlib.AbstractAsyncContextManager[None]) -> list[dict[str, Any]]:
    incoming = iter([{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}])
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, str]:
        return next(incoming)

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(dict(message))

    async def run() -> None:
        await run_lifespan(context, receive, send)

    try:
        anyio.run(run)
    except RuntimeError as exc:
        sent.append({"raised": str(exc)})
    return sent


def test_startup_and_shutdown_run_the_context_around_the_server() -> None:
    steps: list[str] = []

    @contextlib.asynccontextmanager
    async def context() -> AsyncIterator[None]:
        steps.append("enter")
        yield
        steps.append("exit")

    sent = drive(context())
    assert [m["type"] for m in sent] == ["lifespan.startup.complete", "lifespan.shutdown.complete"]
    assert steps == ["enter", "exit"]


@pytest.mark.parametrize("when", ["startup", "shutdown"])
def test_a_failure_is_reported_with_its_traceback_and_raised(when: str) -> None:
    @contextlib.asynccontextmanager
    async def context() -> AsyncIterator[None]:
        if when == "startup":
            raise RuntimeError("cannot start")
        yield
        raise RuntimeError("cannot save")

    *reported, raised = drive(context())
    failed = reported[-1]
    assert failed["type"] == f"lifespan.{when}.failed"
    assert "RuntimeError" in failed["message"]
    assert raised == {"raised": "cannot start" if when == "startup" else "cannot save"}
