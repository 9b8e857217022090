"""What a property's clients are: the run's timeout on every one of them."""

from __future__ import annotations

from typing import Any, cast

import httpx

from mockserver.contract.context import PropertyContext
from mockserver.contract.targets import REQUEST_TIMEOUT, Binding


class _Counting:
    def count(self) -> None:
        pass


def _binding(seen: list[dict[str, Any]]) -> Binding:
    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(dict(request.extensions["timeout"]))
        return httpx.Response(200)

    stub = type(
        "StubBinding",
        (),
        {
            "base_url": "http://127.0.0.1:9",
            "headers": {},
            "transport": httpx.MockTransport(answer),
            "target": _Counting(),
        },
    )()
    return cast(Binding, stub)


def test_an_unpaced_client_waits_as_long_as_the_run() -> None:
    # An export download (the whole file generated before its first byte) once outlasted
    # httpx's default 5 s read timeout on a loaded machine: an_export_runs_to_its_download.
    seen: list[dict[str, Any]] = []
    binding = _binding(seen)
    with httpx.Client() as plain:
        ctx = PropertyContext(binding, plain)
        with ctx.unpaced(headers={}) as anonymous:
            assert anonymous.get("/__storage/file").status_code == 200
    assert seen == [dict.fromkeys(("connect", "read", "write", "pool"), REQUEST_TIMEOUT)]
