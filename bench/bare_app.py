"""The throughput ceiling: a bare Starlette app that answers with fixed, pre-encoded bytes.

``bench/run.py`` fetches the fake's real answers first, writes them to files, and starts this app
under the same uvicorn (same loop and HTTP implementation, access log off, no server header) so
the only difference between the two measured servers is the work the fake does per request:
no auth, no validation, no journal, no world lookups, no JSON encoding here.

Run: python bench/bare_app.py --port 9000 --sessions-body s.json --events-body e.json
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


def build_app(sessions_body: bytes, events_body: bytes, media_type: str) -> Starlette:
    """Two routes with the fake's paths; each returns the same bytes every time."""

    # Closures, not globals: each app owns its bodies, and nothing module-level can change.
    async def list_sessions(request: Request) -> Response:
        return Response(sessions_body, media_type=media_type)

    async def session_events(request: Request) -> Response:
        return Response(events_body, media_type=media_type)

    return Starlette(
        routes=[
            Route("/sessions/v2", list_sessions),
            Route("/v2/sessions/{session_id}/events", session_events),
        ]
    )


def build_routes_app(answers: Sequence[dict[str, Any]]) -> Starlette:
    """One route per recorded answer (``method``, ``path``, ``status``, ``media_type``, ``body``
    bytes): the suite (``bench/suite.py``) records the fake's answers on every measured endpoint
    of every API and serves them back here, byte for byte."""

    def endpoint(body: bytes, status: int, media_type: str) -> Any:
        async def answer(request: Request) -> Response:
            return Response(body, status_code=status, media_type=media_type)

        return answer

    return Starlette(
        routes=[
            Route(
                a["path"],
                endpoint(a["body"], a["status"], a["media_type"]),
                methods=[a["method"]],
            )
            for a in answers
        ]
    )


def read_routes(manifest: Path) -> list[dict[str, Any]]:
    """The manifest is JSON: a list of answers whose ``body_file`` names the bytes to serve."""
    answers: list[dict[str, Any]] = json.loads(manifest.read_text())
    return [{**a, "body": Path(a["body_file"]).read_bytes()} for a in answers]


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--sessions-body", type=Path)
    parser.add_argument("--events-body", type=Path)
    parser.add_argument("--media-type", default="application/json")
    parser.add_argument("--routes", type=Path, help="JSON manifest of answers (bench/suite.py)")
    args = parser.parse_args(argv)
    if args.routes is None and (args.sessions_body is None or args.events_body is None):
        parser.error("give --routes, or both --sessions-body and --events-body")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    import uvicorn

    args = parse_args(argv)
    if args.routes is not None:
        app = build_routes_app(read_routes(args.routes))
    else:
        sessions, events = args.sessions_body.read_bytes(), args.events_body.read_bytes()
        app = build_app(sessions, events, args.media_type)
    # The same uvicorn.run options as `mockserver serve` (mockserver/cli.py), so that both
    # servers get the same event loop (uvloop if present) and parser (httptools if present).
    uvicorn.run(app, host=args.host, port=args.port, access_log=False, server_header=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
