"""What the contract suites run against.

Target strings (``--contract-target``, ``MOCKSERVER_CONTRACT_TARGET``, ``mockserver contract
--target``):

* ``inprocess`` (default): a fresh fake per spec, called in process;
* ``uvicorn``: the same, served by uvicorn on a free 127.0.0.1 port;
* either with options: ``inprocess:rate_limit_burst=1,fault=getMe/503`` (any ``Settings`` field
  by name, and ``fault=<operationId>/<status>`` rules), e.g. to prove a drift report;
* ``http://127.0.0.1:8787``: any running server (a fake in Docker, ...). Addresses outside
  127.0.0.1 need the real-API opt-in below, so no test reaches the network by accident;
* ``real``: FullStory itself, only with ``FULLSTORY_API_KEY`` set **and**
  ``MOCKSERVER_CONTRACT_REAL=1``. Read-only unless ``MOCKSERVER_CONTRACT_WRITES=1``; honours
  ``Retry-After``; stops after ``MOCKSERVER_CONTRACT_BUDGET`` requests (default 300).
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urlsplit

from mockserver.contract.specs import LOOPBACK_HOSTS, SpecInfo, is_read_only
from mockserver.core.journal import JournalQuery
from mockserver.settings import ENV_PREFIX, Settings
from mockserver.testing.fake import Fake, FakeServer, Mode, start_fake_server

TARGET_ENV = "MOCKSERVER_CONTRACT_TARGET"
REAL_OPT_IN_ENV = "MOCKSERVER_CONTRACT_REAL"
REAL_KEY_ENV = "FULLSTORY_API_KEY"
WRITES_ENV = "MOCKSERVER_CONTRACT_WRITES"
BUDGET_ENV = "MOCKSERVER_CONTRACT_BUDGET"
DEFAULT_REAL_BUDGET = 300
CONTRACT_TOKEN = "contract-admin-token"
MAX_RETRY_AFTER = 60  # seconds; a longer wait against the real API means "stop", not "sleep"

Kind = Literal["inprocess", "uvicorn", "url", "real"]


class TargetError(ValueError):
    """A target string that cannot be used (or is not allowed without an opt-in)."""


class BudgetExhausted(RuntimeError):
    """The run already sent as many requests as it may send to this target."""


def _truthy(environ: Mapping[str, str], name: str) -> bool:
    return environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class TargetSpec:
    kind: Kind
    url: str | None = None
    settings: tuple[tuple[str, str], ...] = ()
    faults: tuple[tuple[str, int], ...] = ()
    text: str = "inprocess"

    @property
    def is_fake(self) -> bool:
        """A fake this run starts itself (fresh state, full control, fake-only tests run)."""
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
            if not (_truthy(environ, REAL_OPT_IN_ENV) and environ.get(REAL_KEY_ENV)):
                raise TargetError(
                    f"target real needs {REAL_KEY_ENV} and {REAL_OPT_IN_ENV}=1 (an explicit opt-in)"
                )
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
        # (Rate-limit behaviour has its own property suite, on a frozen clock.)
        # The control plane is open unless a token is set; its spec declares bearer security,
        # so the fakes a run starts set one (and the kit sends it) to be tested as documented.
        base = {f"{ENV_PREFIX}RATE_LIMITS": "false", f"{ENV_PREFIX}ADMIN_TOKEN": CONTRACT_TOKEN}
        overrides = {f"{ENV_PREFIX}{name.upper()}": value for name, value in self.settings}
        unknown = [n for n, _ in self.settings if n not in Settings.__dataclass_fields__]
        if unknown:
            raise TargetError(f"unknown setting(s) in target: {', '.join(unknown)}")
        return Settings.from_env({**base, **overrides})


@dataclass
class Binding:
    """One spec bound to a target: where requests go, with which credentials."""

    spec: SpecInfo
    target: Target
    base_url: str
    headers: dict[str, str]
    app: Any = None  # the ASGI app for in-process calls
    fake: Fake | None = None  # the run's own tenant on a fake this run started
    query: dict[str, str] = field(default_factory=dict)  # keys sent as query parameters

    @property
    def server(self) -> FakeServer | None:
        return self.fake.server if self.fake is not None else None

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
        """Send a Schemathesis case, honouring Retry-After against a live service."""
        while True:
            self.target.count()
            response = case.call(**self.transport_kwargs(case))
            if not self.target.honours_retry_after or response.status_code != 429:
                return response
            wait = response.headers.get("Retry-After", "1")
            seconds = int(wait) if str(wait).isdigit() else MAX_RETRY_AFTER + 1
            if seconds > MAX_RETRY_AFTER:
                return response  # validated as it is; waiting that long is not a test
            time.sleep(seconds)  # the real API asked us to wait: being polite is the contract


@dataclass
class Target:
    spec: TargetSpec
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    requests: int = 0
    _stack: contextlib.ExitStack = field(default_factory=contextlib.ExitStack)
    _bindings: dict[str, Binding] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def label(self) -> str:
        return self.spec.text

    @property
    def is_fake(self) -> bool:
        return self.spec.is_fake

    @property
    def writes_allowed(self) -> bool:
        # Fakes this run started are private: anything goes. Shared targets: opt in.
        return self.spec.is_fake or _truthy(self.environ, WRITES_ENV)

    @property
    def honours_retry_after(self) -> bool:
        return self.spec.kind == "real"

    @property
    def budget(self) -> int | None:
        if self.spec.kind != "real":
            return None
        return int(self.environ.get(BUDGET_ENV, DEFAULT_REAL_BUDGET))

    def count(self, n: int = 1) -> None:
        with self._lock:
            if self.budget is not None and self.requests + n > self.budget:
                raise BudgetExhausted(f"request budget of {self.budget} for {self.label} used up")
            self.requests += n

    def applies_to(self, spec: SpecInfo) -> str | None:
        """None if the spec can run here, else why not."""
        if self.spec.kind == "real" and spec.vendor_url is None:
            return f"{spec.name} is served by the fake only"
        return None

    def bind(self, spec: SpecInfo) -> Binding:
        """The spec on this target; a target this run starts gets a fresh fake per spec, so
        fuzzing one API's control operations cannot disturb another's run."""
        binding = self._bindings.get(spec.name)
        if binding is None:
            binding = self._bindings[spec.name] = self._bind(spec)
        return binding

    def _bind(self, spec: SpecInfo) -> Binding:
        if self.spec.is_fake:
            mode: Mode = "server" if self.spec.kind == "uvicorn" else "inprocess"
            server = self._stack.enter_context(start_fake_server(self.spec.fake_settings(), mode))
            fake = self._stack.enter_context(Fake(server, f"contract:{spec.name}"))
            for operation_id, status in self.spec.faults:
                fake.add_fault(
                    match={"operation_id": operation_id}, action={"type": "error", "status": status}
                )
            headers = credentials(spec, fake.key.secret, server.settings.admin_token)
            app = server.app if mode == "inprocess" else None
            query = query_credentials(spec, fake.key.secret)
            return Binding(spec, self, server.base_url, headers, app=app, fake=fake, query=query)
        if self.spec.kind == "real":
            base = spec.vendor_url or ""
            key = self.environ[REAL_KEY_ENV]
            return Binding(
                spec, self, base, credentials(spec, key, None), query=query_credentials(spec, key)
            )
        key = self.environ.get("MOCKSERVER_CONTRACT_KEY", "mock-admin-key")
        token = self.environ.get("MOCKSERVER_CONTRACT_ADMIN_TOKEN")
        return Binding(
            spec, self, self.spec.url or "", credentials(spec, key, token),
            query=query_credentials(spec, key),
        )  # fmt: skip

    def journal_total(self) -> int | None:
        """Requests the fakes this run started recorded in their journals (their ground truth)."""
        if not self.spec.is_fake:
            return None
        total = 0
        for binding in self._bindings.values():
            if binding.server is not None:
                entries = binding.server.state.journal.query(JournalQuery(limit=1))
                total += entries[-1].seq if entries else 0
        return total

    def close(self) -> None:
        self._stack.close()
        self._bindings.clear()


def credentials(spec: SpecInfo, key: str, token: str | None) -> dict[str, str]:
    """Headers for every header scheme of the spec, so whichever alternative Schemathesis picks
    carries a real credential; derived from the spec, so a new API needs no code here. A spec
    with an API-key scheme takes the key as its bearer token too (Cognigy); one with only a
    bearer scheme (the control plane) takes the admin token."""
    schemes = list(spec.security_schemes().values())
    key_based = any(scheme.get("type") == "apiKey" for scheme in schemes)
    found: dict[str, str] = {}
    for scheme in schemes:
        kind = scheme.get("type")
        if kind == "http" and str(scheme.get("scheme", "")).lower() == "bearer":
            bearer = key if key_based else token
            if bearer:
                found.setdefault("Authorization", f"Bearer {bearer}")
        elif kind == "apiKey" and scheme.get("in") == "header":
            name = str(scheme["name"])
            # FullStory's key scheme: `Authorization: Basic <raw key>` (not base64 user:pass).
            found[name] = f"Basic {key}" if name.lower() == "authorization" else key
    return found


def query_credentials(spec: SpecInfo, key: str) -> dict[str, str]:
    """Query parameters that carry the key (``api_key`` in Cognigy's spec)."""
    return {
        str(scheme["name"]): key
        for scheme in spec.security_schemes().values()
        if scheme.get("type") == "apiKey" and scheme.get("in") == "query"
    }


@contextlib.contextmanager
def open_target(text: str, environ: Mapping[str, str] | None = None) -> Iterator[Target]:
    environ = dict(os.environ if environ is None else environ)
    target = Target(TargetSpec.parse(text, environ), environ)
    try:
        yield target
    finally:
        target.close()
