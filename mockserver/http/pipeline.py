"""The one request pipeline every API shares:

auth → rate limit → faults → validation → handler → rendering → journal.

Each step raises a typed :class:`~mockserver.http.errors.ApiError`; the error is rendered once,
here, in the owning API's envelope. Handlers are synchronous and run on the event loop, so every
state change through HTTP is serialized.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Awaitable, Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from types import CoroutineType, MappingProxyType
from typing import Any, Generic, NamedTuple, Protocol, TypeVar, cast

import orjson
from starlette.types import Receive, Scope, Send

from mockserver.core.saver import SaveFailed
from mockserver.http.auth import Authenticator, Credentials, Principal
from mockserver.http.envelopes import ErrorEnvelope
from mockserver.http.errors import (
    ApiError,
    InvalidArgument,
    MethodNotAllowed,
    NotFound,
    PayloadTooLarge,
    ServerError,
)
from mockserver.http.inputs_cache import InputsCache, Known
from mockserver.http.negotiation import choose
from mockserver.http.query import STRUCTURED_QUERY, query_of
from mockserver.http.rendering import JSON, Reply, encode
from mockserver.http.server_protocol import REFUSAL
from mockserver.http.spec import Operation
from mockserver.http.transport_faults import drop_connection
from mockserver.http.validation import Inputs, RequestValidator, ResponseValidator

log = logging.getLogger("mockserver")

C = TypeVar("C")


class Call(NamedTuple, Generic[C]):
    """Everything a handler may use: validated inputs, who is calling, and its state.

    A NamedTuple rather than a frozen dataclass, like the request path's other per-request
    records: as immutable, and built in half the time (a frozen dataclass sets each field
    through ``object.__setattr__``)."""

    operation: Operation
    principal: Principal
    inputs: Inputs
    context: C
    origin: str = ""  # scheme://host the client used, for links the fake hands out
    # The representation negotiated for a successful answer (None: the API answers JSON only),
    # so a handler may hand JSON over pre-encoded (``Reply.raw``) when that is what is sent.
    media_type: str | None = None

    @property
    def path(self) -> Mapping[str, Any]:
        return self.inputs.path

    @property
    def query(self) -> Mapping[str, Any]:
        return self.inputs.query

    @property
    def body(self) -> Any:
        return self.inputs.body


# A handler returns its answer, or an awaitable of it when it must wait on I/O (an Opal tool
# calling the FullStory API); plain handlers stay synchronous and serialized on the loop.
Handler = Callable[[Call[Any]], Any]


class RequestInfo(NamedTuple):
    """The facts about a request that guards, faults and the journal look at."""

    method: str
    path: str
    query: Mapping[str, list[str]]
    operation: Operation | None
    principal: Principal | None


class Exchange(NamedTuple):
    """One request and its answer, as the journal records it (a NamedTuple, built with
    :data:`_new` on every request: see there)."""

    request: RequestInfo
    body: bytes | None
    status: int
    response_body: bytes
    fault: str | None = None


@dataclass(frozen=True, slots=True)
class TransportFault:
    """A fault below HTTP: drop the connection (``cut`` is None), or send only ``cut(body)``."""

    cut: Callable[[bytes], bytes] | None = None


@dataclass(frozen=True, slots=True)
class GuardDecision:
    """What the control plane decided for a request: added latency, or an injected error or
    transport fault instead of the answer."""

    latency_ms: int = 0
    error: ApiError | None = None  # an injected, documented error to answer instead
    transport: TransportFault | None = None
    label: str | None = None  # what the journal says was injected


class Guard(Protocol):
    """Rate limits and fault rules: may raise an ApiError, add latency or cut the transport."""

    def check(self, request: RequestInfo) -> GuardDecision | None: ...


class Recorder(Protocol):
    def record(self, exchange: Exchange) -> None: ...


class Durability(Protocol):
    """Where changes are saved (the state file). ``generation`` rises with every change; a
    request that changed something is answered only after :meth:`commit` returns, which raises
    :class:`~mockserver.core.saver.SaveFailed` if the change could not be saved."""

    @property
    def generation(self) -> int: ...

    def mark_dirty(self) -> None: ...

    async def commit(self) -> None: ...


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True, slots=True)
class Rendering:
    """What a representation needs besides the answer: the operation and the request path."""

    operation: Operation
    path: str
    query: Mapping[str, list[str]]


class Representations(Protocol):
    """An API that documents more than JSON (``Accept``): the pipeline negotiates against the
    media types the spec lists for the operation's 2xx answer *before* the handler runs (so a
    write never happens for an answer that cannot be produced) and asks for the bytes after."""

    def not_acceptable(self, accept: str, offered: Sequence[str]) -> ApiError: ...

    def render(self, media_type: str, rendering: Rendering, body: Any) -> bytes: ...


@dataclass(frozen=True)
class ApiMount(Generic[C]):
    """One API served by the app: its spec, its handlers and its conventions."""

    name: str
    prefix: str  # the paths this API owns (its spec paths start with it); "" for the root
    operations: tuple[Operation, ...]
    handlers: Mapping[str, Handler]
    envelope: ErrorEnvelope
    authenticator: Authenticator
    context: Callable[[Principal], C]
    guard: Guard | None = None
    recorder: Recorder | None = None
    representations: Representations | None = None  # None: JSON whatever the Accept header
    max_body_bytes: int = 1_048_576
    validate_responses: bool = False
    durability: Durability | None = None
    # The control plane: every successful call that is not a GET changes state.
    writes_change_state: bool = False
    # What a failed save answers (in this API's envelope); a status its spec documents.
    storage_error: type[ApiError] = ServerError

    @cached_property
    def header_names(self) -> frozenset[bytes]:
        """The request headers this API reads; the rest are never decoded."""
        names = set(self.authenticator.header_names) | _PIPELINE_HEADERS
        if self.representations is not None:
            names.add("accept")
        return frozenset(name.encode("latin-1") for name in names)


class PathDispatcher:
    """The ASGI endpoint for one path template: picks the operation by method (405 with
    ``Allow`` otherwise) and runs the pipeline."""

    def __init__(self, mount: ApiMount[Any], operations: list[Operation]) -> None:
        self.mount = mount
        self.by_method = {
            op.method: _Compiled(op, mount.handlers[op.operation_id], mount.validate_responses)
            for op in operations
        }

    def __call__(self, scope: Scope, receive: Receive, send: Send) -> Awaitable[None]:
        # The pipeline's coroutine itself, not one more coroutine around it (one per request).
        compiled = self.by_method.get(scope["method"])
        return run(self.mount, compiled, scope, receive, send, allowed=self.by_method)


class FallbackDispatcher:
    """The endpoint behind every unknown route: a 404 in the owning API's envelope."""

    def __init__(self, mounts: list[ApiMount[Any]]) -> None:
        self.mounts = sorted(mounts, key=lambda m: len(m.prefix), reverse=True)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await run(self.owner(scope["path"]), None, scope, receive, send, allowed=None)

    def owner(self, path: str) -> ApiMount[Any]:
        return next(m for m in self.mounts if _owns(m.prefix, path))

    def render(self, path: str, error: ApiError) -> bytes:
        """``error`` as the API that owns ``path`` renders it (for answers outside the app)."""
        return encode(self.owner(path).envelope.render(error, path))


def _owns(prefix: str, path: str) -> bool:
    """``/__admin`` owns ``/__admin`` and ``/__admin/x``, not ``/__adminx``."""
    return not prefix or path == prefix or path.startswith(prefix + "/")


class _Compiled:
    """One operation, ready to serve: its handler, validators and 2xx status, built once."""

    __slots__ = (
        "handler",
        "inputs",
        "offered",
        "operation",
        "response_validator",
        "success_status",
        "validator",
    )

    def __init__(self, operation: Operation, handler: Handler, validate_responses: bool) -> None:
        self.operation = operation
        self.handler = handler
        self.validator = RequestValidator(operation)
        self.response_validator = ResponseValidator(operation) if validate_responses else None
        self.success_status = operation.success_status
        self.offered = operation.responses[self.success_status].media_types
        # Inputs validated before, by raw query (an operation with a body validates it anew).
        self.inputs = InputsCache() if operation.body is None else None


class Outcome(NamedTuple):
    """A request's answer as :func:`serve` decides it, before it is sent (or handed over)."""

    status: int
    payload: bytes
    headers: dict[str, str]
    media_type: str
    transport: TransportFault | None  # a fault below HTTP to apply instead of a whole answer
    stream: Iterable[bytes] | None  # a successful reply's body, produced while it is sent


class Incoming(NamedTuple):
    """What :func:`serve` reads of a request besides its body: already decoded (from an ASGI
    scope, or given as values by an in-process caller, :mod:`mockserver.http.direct_entry`)."""

    method: str
    path: str  # percent-decoded, as the scope's ``path``
    query: Mapping[str, list[str]]
    headers: Mapping[str, str]  # lower-case names; only those the API reads are looked at
    path_params: Mapping[str, str]
    origin: str  # scheme://host the client used


_NO_PARAMS: Mapping[str, str] = MappingProxyType({})


# Where a request's inputs are kept once validated: the operation's cache and the request's key.
_Remember = tuple[InputsCache, Hashable]


def _recalled(cache: InputsCache, key: Hashable | None) -> tuple[Known | None, _Remember | None]:
    """The inputs kept under ``key`` (None: not kept, or no key), and where to keep them once
    validated when they are not (None: kept already, or no key)."""
    if key is None:
        return None, None
    known = cache.get(key)
    return known, (cache, key) if known is None else None


def run(
    mount: ApiMount[Any],
    compiled: _Compiled | None,
    scope: Scope,
    receive: Receive,
    send: Send,
    *,
    allowed: Mapping[str, Any] | None,
) -> Awaitable[None]:
    """The pipeline behind an ASGI request: the scope read, then :func:`_pipeline`, which
    sends the answer. Returns its coroutine rather than awaiting it in one more."""
    headers = _headers(scope, mount.header_names)
    path_params = scope.get("path_params", _NO_PARAMS)
    cache = compiled.inputs if compiled is not None else None
    known: Known | None = None
    remember: _Remember | None = None
    if cache is not None and STRUCTURED_QUERY not in scope:
        known, remember = _recalled(cache, cache.key(scope.get("query_string", b""), path_params))
    if known is not None:
        query: Mapping[str, list[str]] = known.query
    else:
        query = query_of(scope)
    request = (
        scope["method"],
        scope["path"],
        query,
        headers,
        path_params,
        _origin(scope, headers),
    )
    refusal: ApiError | None = scope.get(REFUSAL) if compiled is None else None
    sink = (scope, receive, send)
    # The coroutine answers None when it has a sink (it sends the answer itself).
    return cast(
        "Awaitable[None]",
        _pipeline(mount, compiled, request, receive, sink, refusal, allowed, known, remember),
    )


def serve(
    mount: ApiMount[Any],
    compiled: _Compiled | None,
    request: Incoming,
    body: bytes,
    *,
    allowed: Mapping[str, Any] | None,
) -> Awaitable[Outcome]:
    """Every step but reading a scope and sending: auth, guards, validation, handler,
    rendering, save, delay and journal, for a request already decoded and its whole body.
    ``compiled`` None means no operation serves the request (405 if ``allowed``, else 404).
    The answer is handed back as it would be sent."""
    # A query given as values is looked up by its items, as run() looks up a raw query.
    cache = compiled.inputs if compiled is not None else None
    known: Known | None = None
    remember: _Remember | None = None
    if cache is not None:
        known, remember = _recalled(cache, cache.structured_key(request[2], request[4]))
    # With no sink the coroutine answers the Outcome (it has nowhere to send it).
    return cast(
        "Awaitable[Outcome]",
        _pipeline(mount, compiled, request, body, None, None, allowed, known, remember),
    )


# How the request path builds its records (Credentials, RequestInfo, Call): a NamedTuple's own
# __new__ is a Python function taking each field by name, which costs twice tuple.__new__'s
# time (~0.5 us a record on the benchmark machine, several records a request). Every field is
# given, in order (mypy does not check that here: the pipeline tests do).
_new = tuple.__new__

# A Reply's fields after its body, as Reply(body=...) leaves them (its own defaults).
_PLAIN_REPLY = Reply()[1:]

# An Incoming's fields: what the ASGI path builds is a plain tuple (building the NamedTuple on
# every request cost more than the rest of the split between run and _pipeline).
_Request = tuple[str, str, Mapping[str, list[str]], Mapping[str, str], Mapping[str, str], str]


async def _pipeline(  # noqa: PLR0915, PLR0917 - the steps in order; each call costs time here
    mount: ApiMount[Any],
    compiled: _Compiled | None,
    request: _Request,
    body_source: Receive | bytes,
    sink: tuple[Scope, Receive, Send] | None,
    refusal: ApiError | None,
    allowed: Mapping[str, Any] | None,
    known: Known | None = None,
    remember: _Remember | None = None,
) -> Outcome | None:
    """The pipeline's steps, for :func:`run` (``body_source`` its ``receive``; the answer sent
    to ``sink``) and :func:`serve` (the body given; no sink: the answer handed back).
    ``refusal`` says why no operation serves the request when the protocol refused it.
    ``known``: the request's inputs, validated by an earlier request with the same query (see
    :mod:`mockserver.http.inputs_cache`); ``remember``: where to keep them once validated."""
    operation = compiled.operation if compiled is not None else None
    method, path, query, headers, path_params, origin = request
    info: RequestInfo | None = None  # built once the caller is known (or not: see below)
    body: bytes | None = None
    decision: GuardDecision | None = None
    generation = mount.durability.generation if mount.durability is not None else 0
    pause: Callable[[], Awaitable[None]] | None = None  # a successful reply's own delay
    stream: Iterable[bytes] | None = None  # a successful reply's body, produced while sent
    try:
        if compiled is None:
            raise _unserved(refusal, method, path, allowed)
        principal = mount.authenticator.authenticate(
            _new(Credentials, (headers, query)), compiled.operation
        )
        info = _new(RequestInfo, (method, path, query, operation, principal))
        if mount.guard is not None:
            decision = mount.guard.check(info)
            if decision is not None and decision.error is not None:
                raise decision.error
        chosen = _negotiate(mount.representations, headers.get("accept"), compiled.offered)
        if compiled.operation.body is not None:  # a body sent to a GET is ignored, unread
            body = await _body(body_source, headers, mount.max_body_bytes)
            if body.strip():
                _require_json(headers.get("content-type"), body)
        if known is not None:
            inputs = known.inputs
        else:
            inputs = compiled.validator.validate(path_params, query, body)
            if remember is not None:
                remember[0].remember(remember[1], query, inputs)
        context = mount.context(principal)
        call = _new(Call, (compiled.operation, principal, inputs, context, origin, chosen))
        result = compiled.handler(call)
        if type(result) is CoroutineType or (
            not isinstance(result, _SETTLED) and inspect.isawaitable(result)
        ):
            result = await result  # an Opal tool waited on I/O; plain handlers are synchronous
        # Plain data as Reply(body=result) would make it: every field, in order (see _new).
        reply = result if isinstance(result, Reply) else _new(Reply, (result, *_PLAIN_REPLY))
        status, payload, response_headers, media_type = _answer(
            mount, compiled, reply, chosen, info
        )
        # Saved before the answer starts; a stream's body is produced afterwards, so its
        # writes (a download changes nothing today) must happen in the handler, not the stream.
        if _may_commit(mount, generation):
            await _commit(mount, generation, method, status)
        pause, stream = reply.pause, reply.stream
    except ApiError as error:
        status, payload, response_headers, media_type = _render_error(mount, error, path)
        if operation is not None and not operation.documents(status) and status not in _HTTP_ONLY:
            log.warning("%s answered undocumented status %s", operation.operation_id, status)
    except Exception:
        log.exception("unexpected error while serving %s %s", method, path)
        status, payload, response_headers, media_type = _render_error(mount, ServerError(), path)
    if pause is not None or (decision is not None and decision.latency_ms):
        await _delay(decision, pause)
    if mount.recorder is not None:
        label = decision.label if decision is not None else None
        if info is None:  # refused before or by authentication: nobody is known
            info = _new(RequestInfo, (method, path, query, operation, None))
        _record(mount.recorder, _new(Exchange, (info, body, status, payload, label)))
    transport = decision.transport if decision is not None else None
    if sink is None:
        return _new(Outcome, (status, payload, response_headers, media_type, transport, stream))
    scope, receive, send = sink
    if stream is not None and transport is None and status < 400:
        await _send_stream(scope, (receive, send), status, stream, response_headers, media_type)
        return None
    await _send(
        scope,
        send,
        status=status,
        payload=payload,
        headers=response_headers,
        media_type=media_type,
        transport=transport,
    )
    return None


# Answers about HTTP itself, not an operation: no spec lists them (README fidelity table).
_HTTP_ONLY = frozenset({405, 413, 414, 431})


def _unserved(
    refusal: ApiError | None, method: str, path: str, allowed: Mapping[str, Any] | None
) -> ApiError:
    """Why a request reached no handler: the protocol refused it (a too long target or too
    many headers, see :mod:`mockserver.http.server_protocol`), a wrong method, or no route."""
    if refusal is not None:
        return refusal
    if allowed is not None:
        return MethodNotAllowed(method, allowed)
    return NotFound(f"no route for {method} {path}")


# What a handler returns when it did not have to wait: no isawaitable() check (an ABC test).
_SETTLED = (Reply, dict, list, bytes, str, type(None))


def _may_commit(mount: ApiMount[Any], generation: int) -> bool:
    """Whether :func:`_commit` has anything to do (most reads change nothing)."""
    durability = mount.durability
    return durability is not None and (
        mount.writes_change_state or durability.generation != generation
    )


async def _commit(mount: ApiMount[Any], generation: int, method: str, status: int) -> None:
    """Wait until what this request changed is saved: "acknowledged means on disk"."""
    durability = mount.durability
    if durability is None:
        return
    if mount.writes_change_state and method not in SAFE_METHODS and status < 400:
        durability.mark_dirty()
    if durability.generation == generation:
        return  # this request changed nothing (other requests' changes are theirs to wait for)
    try:
        await durability.commit()
    except SaveFailed as error:
        raise mount.storage_error(str(error)) from None


def _answer(
    mount: ApiMount[Any],
    compiled: _Compiled,
    reply: Reply,
    chosen: str | None,
    request: RequestInfo,
) -> tuple[int, bytes, dict[str, str], str]:
    """A handler's reply as status, bytes, headers and media type (checked against the spec
    when response validation is on, then rendered in the negotiated representation)."""
    status = reply.status or compiled.success_status
    if reply.stream is not None:  # sent later, chunk by chunk; never validated or journaled
        return status, b"", dict(reply.headers), reply.media_type
    payload = reply.raw if reply.raw is not None else encode(reply.body)
    if status == 204:  # No Content means no body, not "null"
        payload = b""
    response_headers = dict(reply.headers)
    if compiled.response_validator is not None and reply.media_type == JSON:
        checked = reply.body if reply.raw is None else orjson.loads(reply.raw)
        _check_response(compiled.response_validator, status, checked, response_headers)
    media_type = reply.media_type
    representations = mount.representations
    if (
        chosen not in (None, JSON)
        and representations is not None
        and reply.raw is None
        and status == compiled.success_status
    ):
        rendering = Rendering(compiled.operation, request.path, request.query)
        payload = representations.render(str(chosen), rendering, reply.body)
        media_type = str(chosen)
    return status, payload, response_headers, media_type


async def _send_stream(  # noqa: PLR0917 - one call site, every argument needed
    scope: Scope,
    channel: tuple[Receive, Send],
    status: int,
    stream: Iterable[bytes],
    headers: Mapping[str, str],
    media_type: str,
) -> None:
    """Send a body chunk by chunk (chunked transfer: its length is unknown until the end).

    Chunks are produced synchronously, like every handler's work; between chunks the event loop
    serves other requests. A failure half way cannot become an error answer any more (the status
    is sent), so the connection is dropped and the client sees a truncated transfer, as it would
    from a failing file server. A client that goes away stops the stream: uvicorn drops what is
    sent after a disconnect without a word, so without the watch an abandoned download of a
    million rows went on generating them all.
    """
    receive, send = channel
    raw_headers = response_headers(media_type, headers, None)
    await send({"type": "http.response.start", "status": status, "headers": raw_headers})
    gone = asyncio.ensure_future(_disconnect(receive))
    try:
        for chunk in stream:
            if gone.done():
                return
            if chunk:
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
                await asyncio.sleep(0)
    except Exception:
        log.exception("stream of %s failed; dropping the connection", scope.get("path"))
        drop_connection(scope)
        return
    finally:
        gone.cancel()
        close = getattr(stream, "close", None)
        if close is not None:
            close()  # a generator's cleanup runs now, not when it is collected
    await send({"type": "http.response.body", "body": b""})


async def _disconnect(receive: Receive) -> None:
    """Returns once the client has gone (the request body, if any, was read before)."""
    while (await receive())["type"] != "http.disconnect":
        pass


def _origin(scope: Scope, headers: Mapping[str, str]) -> str:
    host = headers.get("host")
    if not host:
        server = scope.get("server") or ("127.0.0.1", 80)
        host = f"{server[0]}:{server[1]}"
    return f"{scope.get('scheme', 'http')}://{host}"


async def _delay(
    decision: GuardDecision | None, pause: Callable[[], Awaitable[None]] | None
) -> None:
    """A fault rule's latency (wall-clock), then the reply's own pause (clock-driven)."""
    if decision is not None and decision.latency_ms:
        await asyncio.sleep(decision.latency_ms / 1000)
    if pause is not None:
        await pause()


def _record(recorder: Recorder, exchange: Exchange) -> None:
    try:
        recorder.record(exchange)
    except Exception:  # the answer is decided: a journal or save failure must not eat it
        log.exception("could not record %s %s", exchange.request.method, exchange.request.path)


def _render_error(
    mount: ApiMount[Any], error: ApiError, path: str
) -> tuple[int, bytes, dict[str, str], str]:
    body = mount.envelope.render(error, path)
    if isinstance(body, bytes):  # an envelope that is not JSON (a storage service's XML)
        media_type = str(getattr(mount.envelope, "media_type", "application/octet-stream"))
        return error.status, body, dict(error.headers), media_type
    return error.status, encode(body), dict(error.headers), JSON


def _check_response(
    validator: ResponseValidator, status: int, body: Any, headers: Mapping[str, str]
) -> None:
    problems = validator.problems(status, body, headers)
    if problems:
        # Only on with --validate-responses (tests, dev): the fake must never lie about its spec.
        raise ServerError(
            f"{validator.operation.operation_id} produced a response that breaks its spec: "
            + "; ".join(problems[:5])
        )


def _negotiate(
    representations: Representations | None, accept: str | None, offered: Sequence[str]
) -> str | None:
    if representations is None or not offered:
        return None
    chosen = choose(accept, offered)
    if chosen is None:
        raise representations.not_acceptable(accept or "", offered)
    return chosen


def _require_json(content_type: str | None, body: bytes) -> None:
    """A JSON body is read as JSON whatever its Content-Type says (``curl -d`` sends
    ``application/x-www-form-urlencoded``, ``requests(data=...)`` none): FullStory's
    gRPC-gateway falls back to its JSON marshaler for other media types (INFERRED from the
    gateway's defaults). Only a body that is not JSON under a non-JSON type is refused here."""
    media = (content_type or "").split(";", 1)[0].strip().lower()
    if media == "application/json" or (
        media.startswith("application/") and media.endswith("+json")
    ):
        return
    try:
        orjson.loads(body)
    except orjson.JSONDecodeError:
        raise InvalidArgument(
            f"Content-Type must be application/json, not {content_type or 'missing'}, "
            "and the body is not JSON"
        ) from None


_JSON_TYPE = (b"content-type", JSON.encode("latin-1"))


def response_headers(
    media_type: str, headers: Mapping[str, str], length: int | None
) -> list[tuple[bytes, bytes]]:
    """An answer's headers as ASGI sends them: its type, its length (None: a stream, whose
    length is unknown until the end), then the reply's own."""
    raw_headers = [
        _JSON_TYPE if media_type == JSON else (b"content-type", media_type.encode("latin-1"))
    ]
    if length is not None:
        raw_headers.append((b"content-length", str(length).encode("latin-1")))
    if headers:  # most answers add none
        raw_headers += _encoded(headers)
    return raw_headers


def _encoded(headers: Mapping[str, str]) -> list[tuple[bytes, bytes]]:
    """Response headers as ASGI sends them (lower-case names, Latin-1 bytes)."""
    return [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]


# The request headers the pipeline itself reads; an API adds its auth scheme's (and Accept).
_PIPELINE_HEADERS = frozenset({"content-type", "content-length", "host"})


def _headers(scope: Scope, wanted: frozenset[bytes]) -> dict[str, str]:
    found: dict[str, str] = {}
    for name, value in scope.get("headers", ()):
        lowered = name.lower()
        if lowered in wanted:
            found[lowered.decode("latin-1")] = value.decode("latin-1")
    return found


async def _body(source: Receive | bytes, headers: Mapping[str, str], limit: int) -> bytes:
    """The request body: given whole by an in-process caller, or read from ``receive`` (the
    same limit and error either way: a declared length is the length of what is given)."""
    if isinstance(source, bytes):
        if len(source) > limit:
            raise PayloadTooLarge(f"request body exceeds {limit} bytes")
        return source
    return await _read_body(source, headers, limit)


async def _read_body(receive: Receive, headers: Mapping[str, str], limit: int) -> bytes:
    declared = headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"request body exceeds {limit} bytes")
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"request body exceeds {limit} bytes")
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


async def _send(
    scope: Scope,
    send: Send,
    *,
    status: int,
    payload: bytes,
    headers: Mapping[str, str],
    media_type: str,
    transport: TransportFault | None,
) -> None:
    if transport is not None and transport.cut is None:
        drop_connection(scope)
        return
    raw_headers = response_headers(media_type, headers, len(payload))
    await send({"type": "http.response.start", "status": status, "headers": raw_headers})
    if transport is not None and transport.cut is not None:
        # Content-Length promises the whole body; part of it is sent and the response is never
        # completed, as a broken upstream would do. The server then closes the connection.
        partial = transport.cut(payload)
        await send({"type": "http.response.body", "body": partial, "more_body": True})
        drop_connection(scope)
        return
    await send({"type": "http.response.body", "body": payload})
