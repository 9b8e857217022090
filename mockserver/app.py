"""``create_app(settings)``: one ASGI app that owns its state and serves every API."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from starlette.types import Receive, Scope, Send

from mockserver.admin.document import with_rate_limit_groups
from mockserver.admin.handlers import handlers as admin_handlers
from mockserver.cognigy.auth import CognigyKeyAuthenticator
from mockserver.cognigy.envelope import CognigyEnvelope
from mockserver.cognigy.handlers import handlers as cognigy_handlers
from mockserver.cognigy.representations import CognigyRepresentations
from mockserver.control import ControlGuard, JournalRecorder, StateDurability
from mockserver.fullstory.exports.links import STORAGE_PREFIX
from mockserver.fullstory.exports.storage import SignedUrlAuthenticator, XmlEnvelope, link_tenant
from mockserver.fullstory.exports.storage import handlers as storage_handlers
from mockserver.fullstory.handlers import handlers as fullstory_handlers
from mockserver.http.auth import AdminTokenAuthenticator, BasicKeyAuthenticator
from mockserver.http.envelopes import AdminEnvelope, ErrorEnvelope, FullStoryEnvelope
from mockserver.http.errors import ApiError, MethodNotAllowed, StorageUnavailable
from mockserver.http.lifespan import run_lifespan
from mockserver.http.pipeline import ApiMount
from mockserver.http.rendering import JSON, encode
from mockserver.http.routing import SpecRouter
from mockserver.http.spec import ApiSpec, load_spec, read_document, spec_from_document
from mockserver.http.transport_faults import settle
from mockserver.opal.envelope import OpalEnvelope
from mockserver.opal.mount import opal_mount
from mockserver.persistence import attach_state_file, lifespan
from mockserver.resources import spec_path
from mockserver.settings import Settings
from mockserver.state import ApiCatalog, ServerState

Lifespan = Callable[[Any], contextlib.AbstractAsyncContextManager[None]]


class MockServerApp:
    """The ASGI app: every HTTP request goes straight to the spec router, and the lifespan
    (saving the state file at shutdown) runs around the server's life.

    Not a Starlette application (it was, for the lifespan alone): Starlette's routes answer a
    plain-text 404 for paths they cannot match (a ``%0A`` in a path parameter, say), and the
    pipeline already renders every error. Transport faults are settled last (see
    :mod:`mockserver.http.transport_faults`). ``state.server`` is the :class:`ServerState`.
    """

    def __init__(self, router: SpecRouter, lifespan: Lifespan) -> None:
        self.spec_router = router
        self.lifespan_context = lifespan
        self.state = SimpleNamespace()

    def render_error(self, path: str, error: ApiError) -> bytes:
        """An error body in the envelope of the API that owns ``path`` (for the protocol)."""
        return self.spec_router.fallback.render(path, error)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> Any:
        if scope["type"] == "lifespan":
            await run_lifespan(self.lifespan_context(self), receive, send)
            return None
        if scope["type"] == "websocket":  # no API here has one (uvicorn runs with ws="none")
            await send({"type": "websocket.close", "code": 1000, "reason": ""})
            return None
        scope["app"] = self
        await self.spec_router(scope, receive, send)
        return settle(scope)


class StaticDocument:
    """Serves a pre-encoded JSON document (an OpenAPI spec) on GET; 405 in the API's envelope
    for any other method."""

    def __init__(self, document: Any, envelope: ErrorEnvelope) -> None:
        self.body = encode(document)
        self.envelope = envelope

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        status, body, extra = 200, self.body, []
        if scope["method"] not in {"GET", "HEAD"}:
            error = MethodNotAllowed(scope["method"], ["GET"])
            status, body = error.status, encode(self.envelope.render(error, scope["path"]))
            extra = [(b"allow", b"GET")]
        headers = [
            (b"content-type", JSON.encode()),
            (b"content-length", str(len(body)).encode()),
            *extra,
        ]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send(
            {"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body}
        )


# The APIs tenants call with their keys (the admin API is the server's own).
TENANT_APIS = ("fullstory", "cognigy", "opal")


def load_specs() -> dict[str, ApiSpec]:
    specs = {name: load_spec(name, spec_path(name)) for name in TENANT_APIS}
    # The admin spec names the rate-limit groups the served APIs define (known only now).
    groups = ApiCatalog.of(op for spec in specs.values() for op in spec.operations).groups
    admin = with_rate_limit_groups(read_document(spec_path("admin")), groups)
    specs["admin"] = spec_from_document("admin", admin)
    specs["storage"] = load_spec("storage", spec_path("storage"))  # export file downloads
    return specs


def create_app(settings: Settings | None = None, state: ServerState | None = None) -> MockServerApp:
    settings = settings or Settings()
    state = state or ServerState(settings)
    specs = load_specs()
    # Fault rules and rate-limit groups may name the operations of every tenant-facing API.
    state.catalog = ApiCatalog.of(op for api in TENANT_APIS for op in specs[api].operations)
    if settings.state_file is not None:
        # Raises StateFileError (naming the file) on a corrupt or incompatible file: starting
        # empty instead would overwrite the saved state at the first save.
        attach_state_file(state, settings.state_file)
    common: dict[str, Any] = {
        "max_body_bytes": settings.max_body_bytes,
        "validate_responses": settings.validate_responses,
        # Every API: a request that changed state is answered once the change is saved.
        "durability": StateDurability(state),
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
    cognigy: ApiMount[Any] = ApiMount(
        name="cognigy",
        prefix="/new",  # Cognigy's gateway prefix: every path under it answers in its envelope
        operations=specs["cognigy"].operations,
        handlers=cognigy_handlers(),
        envelope=CognigyEnvelope(settings.seed),
        authenticator=CognigyKeyAuthenticator(state.keys),
        context=lambda principal: state.tenant(principal.tenant or "").cognigy,
        guard=ControlGuard(state),
        recorder=JournalRecorder(state),
        representations=CognigyRepresentations(),
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
        writes_change_state=True,  # every successful admin call but a GET is saved first
        storage_error=StorageUnavailable,
        **common,
    )
    storage: ApiMount[Any] = ApiMount(
        name="storage",
        prefix=STORAGE_PREFIX,
        operations=specs["storage"].operations,
        handlers=storage_handlers(),
        envelope=XmlEnvelope(),
        authenticator=SignedUrlAuthenticator(),
        context=lambda principal: state,
        recorder=JournalRecorder(state, tenant_of=lambda request: link_tenant(state, request)),
        **common,
    )
    # The Opal tools call this very app's FullStory API (unless --opal-fullstory-url is set).
    opal = opal_mount(state, specs["opal"], lambda: app, guard=ControlGuard(state),
                      recorder=JournalRecorder(state), **common)  # fmt: skip
    documents = {
        "/openapi.json": StaticDocument(specs["fullstory"].document, fullstory.envelope),
        "/new/openapi.json": StaticDocument(specs["cognigy"].document, cognigy.envelope),
        "/__admin/openapi.json": StaticDocument(specs["admin"].document, admin.envelope),
        "/opal/openapi.json": StaticDocument(specs["opal"].document, OpalEnvelope()),
    }
    mounts = [fullstory, cognigy, admin, opal, storage]
    app = MockServerApp(SpecRouter(mounts, documents), lifespan=lifespan(state))
    app.state.server = state
    return app
