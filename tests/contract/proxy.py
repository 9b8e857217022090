"""A loopback proxy between the contract kit and a fake that plants one deviation at a time, to
prove the kit notices each (tests/contract/test_sensitivity.py)."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from starlette.types import Receive, Scope, Send


@dataclass
class Exchange:
    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes
    status: int = 0
    response_headers: dict[str, str] = field(default_factory=dict)
    content: bytes = b""

    def json(self) -> Any:
        return json.loads(self.content)

    def set_json(self, data: Any) -> None:
        self.content = json.dumps(data).encode()


# A deviation may change the request before it is forwarded, and the answer after.
Deviation = Callable[[Exchange, httpx.AsyncClient, str], Awaitable[None]]


class Proxy:
    """A raw ASGI app forwarding everything to ``upstream``; ``before`` and ``after`` hooks of the
    current deviation (None: forward unchanged)."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.before: Callable[[Exchange], None] | None = None
        self.after: Deviation | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        exchange = Exchange(
            scope["method"],
            scope["raw_path"].decode() if scope.get("raw_path") else scope["path"],
            scope["query_string"].decode(),
            {k.decode(): v.decode() for k, v in scope["headers"] if k.lower() != b"host"},
            body,
        )
        if self.before is not None:
            self.before(exchange)
        async with httpx.AsyncClient(base_url=self.upstream) as client:
            url = exchange.path + (f"?{exchange.query}" if exchange.query else "")
            answer = await client.request(
                exchange.method, url, headers=exchange.headers, content=exchange.body
            )
            exchange.status = answer.status_code
            exchange.response_headers = {
                k: v
                for k, v in answer.headers.items()
                if k.lower() not in ("content-length", "transfer-encoding", "content-encoding")
            }
            exchange.content = answer.content
            if self.after is not None:
                await self.after(exchange, client, self.upstream)
        headers = [(k.encode(), v.encode()) for k, v in exchange.response_headers.items()]
        headers.append((b"content-length", str(len(exchange.content)).encode()))
        await send({"type": "http.response.start", "status": exchange.status, "headers": headers})
        await send({"type": "http.response.body", "body": exchange.content})
