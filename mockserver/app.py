"""``create_app(settings)``: one Starlette app that owns its state and serves every API."""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette
from starlette.routing import BaseRoute, Route
from starlette.types import Receive, Scope, Send

from mockserver.admin.handlers import handlers as admin_handlers
from mockserver.control import ControlGuard, JournalRecorder
from mockserver.fullstory.handlers import handlers as fullstory_handlers
from mockserver.http.auth import AdminTokenAuthenticator, BasicKeyAuthenticator
from mockserver.http.envelopes import AdminEnvelope, FullStoryEnvelope
from mockserver.http.pipeline import ApiMount
from mockserver.http.rendering import JSON, encode
from mockserver.http.routing import build_routes
from mockserver.http.spec import ApiSpec, load_spec
from mockserver.http.transport_faults import settle
from mockserver.resources import spec_path
from mockserver.settings import Settings
from mockserver.state import ServerState


class MockServerApp(Starlette):
    """Starlette, plus transport faults: see :mod:`mockserver.http.transport_faults`."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> Any:
        await super().__call__(scope, receive, send)
        return settle(scope)


class StaticDocument:
    """Serves a pre-encoded JSON document (the OpenAPI specs) on GET."""

    def __init__(self, document: Any) -> None:
        self.body = encode(document)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = [
            (b"content-type", JSON.encode()),
            (b"content-length", str(len(self.body)).encode()),
        ]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": self.body})


def load_specs() -> dict[str, ApiSpec]:
    return {name: load_spec(name, spec_path(name)) for name in ("fullstory", "admin")}


def create_app(settings: Settings | None = None, state: ServerState | None = None) -> MockServerApp:
    settings = settings or Settings()
    state = state or ServerState(settings)
    specs = load_specs()
    common: dict[str, Any] = {
        "max_body_bytes": settings.max_body_bytes,
        "validate_responses": settings.validate_responses,
    }
    fullstory: ApiMount[Any] = ApiMount(
        name="fullstory",
        prefix="",
        operations=specs["fullstory"].operations,
        handlers=fullstory_handlers(),
        envelope=FullStoryEnvelope(),
        authenticator=BasicKeyAuthenticator(state.keys),
        context=lambda principal: state.tenant(principal.tenant or "").fullstory,
        guard=ControlGuard(state),
        recorder=JournalRecorder(state),
        **common,
    )
    admin: ApiMount[Any] = ApiMount(
        name="admin",
        prefix="/__admin",
        operations=specs["admin"].operations,
        handlers=admin_handlers(),
        envelope=AdminEnvelope(),
        authenticator=AdminTokenAuthenticator(settings.admin_token),
        context=lambda principal: state,
        **common,
    )
    documents: list[BaseRoute] = [
        Route("/openapi.json", StaticDocument(specs["fullstory"].document)),
        Route("/__admin/openapi.json", StaticDocument(specs["admin"].document)),
    ]
    app = MockServerApp(routes=[*documents, *build_routes([fullstory, admin])])
    app.router.redirect_slashes = False  # FullStory does not redirect; a stray slash is a 404
    app.state.server = state
    return app
