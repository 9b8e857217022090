"""What the contract suites run against, and how each API is bound to it.

Target strings (``--contract-target``, ``MOCKSERVER_CONTRACT_TARGET``, ``mockserver contract
--target``):

* ``inprocess`` (default): a fresh fake per spec, called in process;
* ``uvicorn``: the same, served by uvicorn on a free 127.0.0.1 port;
* either with options: ``inprocess:rate_limit_burst=1,fault=getMe/503`` (any ``Settings`` field
  by name, and ``fault=<operationId>/<status>`` rules), e.g. to prove a drift report;
* ``http://127.0.0.1:8787``: any running server (a fake in Docker, ...). Addresses outside
  127.0.0.1 need the real-API opt-in below, so no test reaches the network by accident;
* ``real``: FullStory itself, only with ``MOCKSERVER_CONTRACT_REAL=1`` and a key.

On every target whose control plane answers (``/__admin``; a URL's admin token comes from
``MOCKSERVER_CONTRACT_ADMIN_TOKEN`` or the config file) the kit creates a tenant and key of its own
per API, with the entry's scenario, and deletes them when the run ends. Elsewhere the config file
(:mod:`mockserver.contract.config`) names the key and the known identities. Writes happen on fakes
this run starts, or where opted in (``MOCKSERVER_CONTRACT_WRITES=1`` or ``[run] writes``).
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urlsplit

import httpx

from mockserver.contract.config import RunConfig
from mockserver.contract.control import ControlPlane
from mockserver.contract.entries import ApiEntry, entry_for
from mockserver.contract.environment import (
    ADMIN_TOKEN_ENV,
    BUDGET_ENV,
    KEY_ENV,
    REAL_KEY_ENV,
    REAL_OPT_IN_ENV,
    WRITES_ENV,
)
from mockserver.contract.pacing import PacedTransport, Pacer
from mockserver.contract.specs import LOOPBACK_HOSTS, SpecInfo, is_read_only
from mockserver.contract.states import refresh_states, resolve_states
from mockserver.settings import ENV_PREFIX, Settings
from mockserver.testing.fake import FakeServer, Mode, start_fake_server

DEFAULT_REAL_BUDGET = 300
CONTRACT_TOKEN = "contract-admin-token"
MAX_RETRY_AFTER = 60  # seconds; a longer wait means "stop", not "sleep"

Kind = Literal["inprocess", "uvicorn", "url", "real"]

# Seconds any request of a run may take (each read, the connect, the write): an export download
# is a whole file generated before its first byte on a small world, seconds on a loaded machine.
REQUEST_TIMEOUT = 30.0


class TargetError(ValueError):
    """A target string that cannot be used (or is not allowed without an opt-in)."""


class BudgetExhausted(RuntimeError):
    """The run already sent as many requests as it may send to this target."""


def _truthy(environ: Mapping[str, str], name: str) -> bool:
    return environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class TargetSpec:
    """A parsed ``--target``: its kind (in process, uvicorn, a URL, or the real API), and
    the fake's settings and faults."""

    kind: Kind
    url: str | None = None
    settings: tuple[tuple[str, str], ...] = ()
    faults: tuple[tuple[str, int], ...] = ()
    text: str = "inprocess"

    @property
    def is_fake(self) -> bool:
        """A fake this run starts itself (fresh state, full control, in-process hooks)."""
        return self.kind in ("inprocess", "uvicorn")

    @classmethod
    def parse(cls, text: str, environ: Mapping[str, str] | None = None) -> TargetSpec:
        environ = os.environ if environ is None else environ
        text = text.strip() or "inprocess"
        if text.startswith(("http://", "https://")):
            host = urlsplit(text).hostname or ""
            if host not in LOOPBACK_HOSTS and not _truthy(environ, REAL_OPT_IN_ENV):
                raise TargetError(
                    f"target {text}: only 127.0.0.1 is reachable without {REAL_OPT_IN_ENV}=1"
                )
            return cls("url", url=text.rstrip("/"), text=text)
        if text == "real":
            if not _truthy(environ, REAL_OPT_IN_ENV):
                raise TargetError(f"target real needs {REAL_OPT_IN_ENV}=1 (an explicit opt-in)")
            return cls("real", text=text)
        kind, _, options = text.partition(":")
        if kind not in ("inprocess", "uvicorn"):
            raise TargetError(f"unknown target {text!r}: use inprocess, uvicorn, a URL or real")
        settings: list[tuple[str, str]] = []
        faults: list[tuple[str, int]] = []
        for option in filter(None, (part.strip() for part in options.split(","))):
            name, eq, value = option.partition("=")
            if not eq:
                raise TargetError(f"target option {option!r} is not NAME=VALUE")
            if name == "fault":
                operation, _, status = value.partition("/")
                if not status.isdigit():
                    raise TargetError(f"fault {value!r} is not <operationId>/<status>")
                faults.append((operation, int(status)))
            else:
                settings.append((name, value))
        spec = cls(kind, settings=tuple(settings), faults=tuple(faults), text=text)  # type: ignore[arg-type]
        spec.fake_settings()  # a typo in a setting fails here, with the setting's name
        return spec

    def fake_settings(self) -> Settings:
        # Rate limits are off unless asked for: a run must not depend on how fast it goes.
        # (Rate-limit behaviour has its own properties, which turn them on for their tenant.)
        # The control plane's spec declares bearer security, so the fakes a run starts set a
        # token (and the kit sends it) to be tested as documented.
        base = {f"{ENV_PREFIX}RATE_LIMITS": "false", f"{ENV_PREFIX}ADMIN_TOKEN": CONTRACT_TOKEN}
        overrides = {f"{ENV_PREFIX}{name.upper()}": value for name, value in self.settings}
        unknown = [n for n, _ in self.settings if n not in Settings.__dataclass_fields__]
        if unknown:
            raise TargetError(f"unknown setting(s) in target: {', '.join(unknown)}")
        return Settings.from_env({**base, **overrides})


@dataclass
class Binding:
    """One API bound to a target: where requests go, with which credentials, knowing what."""

    spec: SpecInfo
    entry: ApiEntry
    target: Target
    base_url: str
    headers: dict[str, str]
    transport: httpx.BaseTransport
    app: Any = None  # the ASGI app for in-process Schemathesis calls
    server: FakeServer | None = None  # a fake this run started (in-process hooks)
    control: ControlPlane | None = None
    tenant: str | None = None
    states: dict[str, Any] = field(default_factory=dict)
    unavailable: dict[str, str] = field(default_factory=dict)
    unusable: str | None = None  # why the API cannot be tested here at all
    query: dict[str, str] = field(default_factory=dict)  # keys sent as query parameters
    api: httpx.Client | None = None  # the client provider states were learnt with

    def refresh(self, names: set[str]) -> None:
        """Learn again those of ``names`` whose values expire (see ``Discover.refresh``)."""
        if self.api is not None:
            refresh_states(self.entry, names, self.states, self.api, control=self.control)

    @property
    def unreachable(self) -> Mapping[str, str]:
        return {**self.entry.unreachable, **self.target.config.api(self.spec.name).unreachable}

    def transport_kwargs(self, case: Any = None) -> dict[str, Any]:
        headers = self.headers if case is None else self.credentials_for(case)
        if self.app is not None:
            return {"app": self.app, "headers": headers}
        return {"base_url": self.base_url, "headers": headers}

    def credentials_for(self, case: Any) -> dict[str, str]:
        """The real credentials, in place of the placeholders Schemathesis generates for the
        spec's security headers. A negative case that leaves a security header out keeps it out:
        adding it back would turn "no credentials" into a valid request the fake must accept."""
        present = {name.lower() for name in (case.headers or {})}
        if case.query:  # a key in the query string (Cognigy's api_key) is replaced in place
            for name, value in self.query.items():
                if name in case.query:
                    case.query[name] = value
        return {k: v for k, v in self.headers.items() if k.lower() in present}

    def allows(self, method: str, operation: Mapping[str, Any]) -> bool:
        return self.target.writes_allowed or is_read_only(method, dict(operation))

    def call(self, case: Any) -> Any:
        """Send a Schemathesis case through the run's pacer (429: wait, slow down, re-send)."""

        def attempt() -> Any:
            self.target.count()
            return case.call(**self.transport_kwargs(case))

        return self.target.pacer.send(attempt, lambda r: r.status_code, _schemathesis_headers)

    def client(self, authenticated: bool = True, **kwargs: Any) -> httpx.Client:
        """An httpx client on the API (paced and counted like every request of the run)."""

        def counted(request: httpx.Request) -> None:
            self.target.count()

        hooks = kwargs.pop("event_hooks", {})
        hooks.setdefault("request", []).append(counted)
        return httpx.Client(
            base_url=self.base_url,
            headers=self.headers if authenticated else {},
            transport=PacedTransport(self.transport, self.target.pacer),
            event_hooks=hooks,
            timeout=REQUEST_TIMEOUT,
            **kwargs,
        )


def _schemathesis_headers(response: Any) -> dict[str, str]:
    return {k: (v[0] if isinstance(v, list) else v) for k, v in response.headers.items()}


@dataclass
class Target:
    """The target of a run, opened once: started fakes, keys and bindings per API, the
    request count and the pacer."""

    spec: TargetSpec
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    config: RunConfig = field(default_factory=RunConfig)
    requests: int = 0
    apis: frozenset[str] | None = None  # only these specs (None: all)
    specs: list[SpecInfo] | None = None  # the run's specs, once parsed (see plugin.suite_specs)
    _stack: contextlib.ExitStack = field(default_factory=contextlib.ExitStack)
    _bindings: dict[str, Binding] = field(default_factory=dict)
    _lock: threading.RLock = field(default_factory=threading.RLock)
    pacer: Pacer = field(init=False)

    def __post_init__(self) -> None:
        self.pacer = Pacer(
            rate_per_second=self.config.rate_per_second,
            retries=self.config.retries,
            max_wait=self.config.max_retry_after,
        )

    @property
    def label(self) -> str:
        return self.spec.text

    @property
    def is_fake(self) -> bool:
        return self.spec.is_fake

    @property
    def writes_allowed(self) -> bool:
        # Fakes this run started are private: anything goes. Shared targets: opt in.
        if self.config.writes is not None and not self.spec.is_fake:
            return self.config.writes or _truthy(self.environ, WRITES_ENV)
        return self.spec.is_fake or _truthy(self.environ, WRITES_ENV)

    @property
    def budget(self) -> int | None:
        if BUDGET_ENV in self.environ:
            return int(self.environ[BUDGET_ENV]) or None
        if self.config.budget is not None:
            return self.config.budget
        return DEFAULT_REAL_BUDGET if self.spec.kind == "real" else None

    def count(self, n: int = 1) -> None:
        with self._lock:
            if self.budget is not None and self.requests + n > self.budget:
                raise BudgetExhausted(f"request budget of {self.budget} for {self.label} used up")
            self.requests += n

    def bind(self, spec: SpecInfo) -> Binding:
        """The spec on this target (bound once per run). A target this run starts gets a fresh
        fake per spec, so fuzzing one API's control operations cannot disturb another's run."""
        with self._lock:
            binding = self._bindings.get(spec.name)
            if binding is None:
                binding = self._bindings[spec.name] = self._bind(spec, entry_for(spec.name))
            return binding

    def _bind(self, spec: SpecInfo, entry: ApiEntry) -> Binding:
        server: FakeServer | None = None
        app: Any = None
        if self.spec.is_fake:
            mode: Mode = "server" if self.spec.kind == "uvicorn" else "inprocess"
            server = self._stack.enter_context(start_fake_server(self.spec.fake_settings(), mode))
            base, transport = server.base_url, server.transport()
            app = server.app if mode == "inprocess" else None
            token: str | None = CONTRACT_TOKEN
        elif self.spec.kind == "real":
            base, transport, token = spec.vendor_url or "", httpx.HTTPTransport(), None
        else:
            base, transport = self.spec.url or "", httpx.HTTPTransport()
            token = self.environ.get(ADMIN_TOKEN_ENV) or (
                self.environ.get(self.config.admin_token_env or "") or None
            )
        plain = self._stack.enter_context(
            httpx.Client(base_url=base, transport=transport, timeout=REQUEST_TIMEOUT)
        )
        control = ControlPlane(plain, token) if self.spec.kind != "real" else None
        if control is not None and not control.reachable():
            control = None
        binding = Binding(spec, entry, self, base, {}, transport, app, server, control)
        binding.unusable = self._unusable(spec, control)
        if binding.unusable is None:
            self._provide(binding)
        return binding

    def _unusable(self, spec: SpecInfo, control: ControlPlane | None) -> str | None:
        if not spec.fake_only:
            return None
        if control is None:
            return f"{spec.name} is the control plane of a fake; {self.label} has none reachable"
        if not self.writes_allowed:
            return (
                f"{spec.name} changes server-wide state; on a shared server set "
                f"{WRITES_ENV}=1 (or [run] writes) to run it"
            )
        return None

    def _provide(self, binding: Binding) -> None:
        """Credentials and provider states: a tenant and key of the kit's own where the control
        plane answers, the config file's key and identities elsewhere (config values win)."""
        spec, entry, control = binding.spec, binding.entry, binding.control
        api_config = self.config.api(spec.name)
        key = api_config.key(self.environ) or self.environ.get(
            REAL_KEY_ENV if self.spec.kind == "real" else KEY_ENV
        )
        known: dict[str, Any] = {}
        if control is not None and entry.provision:
            made = control.create_tenant(entry.scenario)
            self._stack.callback(control.delete_tenant, made.tenant)
            # Unthrottled, as on the fakes a run starts: a served fake's default limits would
            # make the pacer crawl (one 429 halves the whole run's pace), and the rate-limit
            # properties set the limits they check on this tenant themselves.
            control.set_rate_limits(made.tenant, {"enabled": False})
            binding.tenant, key = made.tenant, made.secret
            # key.secret: for a spec without credentials of its own (the storage mount) whose
            # states come from the API the key opens (see Discover.headers).
            known = {
                **entry.states,
                "tenant.id": made.tenant,
                "key.id": made.key_id,
                "key.secret": made.secret,
            }
            for operation_id, status in self.spec.faults:
                control.add_fault(made.tenant, operation_id, status)
        binding.headers = credentials(spec, key, control.headers if control else {})
        binding.query = query_credentials(spec, key)
        known.update(api_config.states)
        # The client outlives the run's cleanups (entered first, closed last).
        api = binding.api = self._stack.enter_context(binding.client())
        cleanups = self._stack.enter_context(contextlib.ExitStack())
        binding.states, binding.unavailable = resolve_states(
            entry,
            known,
            api,
            control=control,
            writes_allowed=self.writes_allowed,
            cleanups=cleanups,
        )

    def journal_total(self) -> int | None:
        """Requests the fakes this run started recorded in their journals (their ground truth)."""
        from mockserver.core.journal import JournalQuery

        if not self.spec.is_fake:
            return None
        total = 0
        for binding in self._bindings.values():
            if binding.server is not None:
                entries = binding.server.state.journal.query(JournalQuery(limit=1))
                total += entries[-1].seq if entries else 0
        return total

    def close(self) -> None:
        with self._lock:
            self._stack.close()
            self._bindings.clear()


def credentials(spec: SpecInfo, key: str | None, admin: Mapping[str, str]) -> dict[str, str]:
    """Headers for every header scheme of the spec, so whichever alternative Schemathesis picks
    carries a real credential; derived from the spec, so a new API needs no code here. A spec
    with an API-key scheme takes the key as its bearer token too (Cognigy); one with only a
    bearer scheme (the control plane) takes the admin headers."""
    schemes = list(spec.security_schemes().values())
    key_based = any(scheme.get("type") == "apiKey" for scheme in schemes)
    found: dict[str, str] = {}
    for scheme in schemes:
        kind = scheme.get("type")
        if kind == "http" and str(scheme.get("scheme", "")).lower() == "bearer":
            if not key_based:
                found.update(admin)
            elif key:
                found.setdefault("Authorization", f"Bearer {key}")
        elif kind == "apiKey" and scheme.get("in") == "header" and key:
            name = str(scheme["name"])
            # FullStory's key scheme: `Authorization: Basic <raw key>` (not base64 user:pass).
            found[name] = f"Basic {key}" if name.lower() == "authorization" else key
    return found


def query_credentials(spec: SpecInfo, key: str | None) -> dict[str, str]:
    """Query parameters that carry the key (``api_key`` in Cognigy's spec)."""
    if not key:
        return {}
    return {
        str(scheme["name"]): key
        for scheme in spec.security_schemes().values()
        if scheme.get("type") == "apiKey" and scheme.get("in") == "query"
    }


@contextlib.contextmanager
def open_target(
    text: str, environ: Mapping[str, str] | None = None, config: RunConfig | None = None
) -> Iterator[Target]:
    environ = dict(os.environ if environ is None else environ)
    target = Target(
        TargetSpec.parse(text, environ), environ, config or RunConfig.load(None, environ)
    )
    try:
        yield target
    finally:
        target.close()
