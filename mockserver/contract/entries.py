"""The declarative half of the contract kit: one small entry per API says what the kit must know
before it fuzzes (provider states), how those identities reach Schemathesis (examples, explicit
cases, stateful starts), and which business-rule properties hold.

An entry lives in ``mockserver/contract/apis/<spec>.py`` as a module-level ``ENTRY`` and is found
by :func:`load_entries`; the kit's machinery (provisioning, pacing, coverage, drift) needs no
change when an API is added. State names are dotted (``user.uid``, ``session.id``); templates
such as ``"/v2/sessions/{session.id}/events"`` are filled from them.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mockserver.contract.context import PropertyContext

PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*\.[A-Za-z0-9_.]+)\}")


class MissingState(LookupError):
    """A template names a provider state the target did not provide."""


def fill(value: Any, states: Mapping[str, Any]) -> Any:
    """``value`` with every ``{state.name}`` replaced; a string that is exactly one placeholder
    keeps the state's own value. Nested lists and dicts are filled too."""
    if isinstance(value, str):
        whole = PLACEHOLDER.fullmatch(value)
        if whole:
            return _state(states, whole.group(1))
        return PLACEHOLDER.sub(lambda m: str(_state(states, m.group(1))), value)
    if isinstance(value, Mapping):
        return {k: fill(v, states) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [fill(v, states) for v in value]
    return value


def _state(states: Mapping[str, Any], name: str) -> Any:
    if name not in states:
        raise MissingState(name)
    return states[name]


def names_in(value: Any) -> set[str]:
    """Every state a template needs."""
    if isinstance(value, str):
        return set(PLACEHOLDER.findall(value))
    if isinstance(value, Mapping):
        return set().union(*(names_in(v) for v in value.values())) if value else set()
    if isinstance(value, list | tuple):
        return set().union(*(names_in(v) for v in value)) if value else set()
    return set()


@dataclass(frozen=True)
class Discover:
    """Learn one provider state from the target itself: send a request (templates filled from the
    states known so far) and read ``pointer`` (a JSON pointer) from its answer. ``writes`` marks a
    request that creates something (only where writes are allowed); ``cleanup`` is the request that
    removes it again at the end of the run (``"DELETE /path/{state}"``).

    ``headers`` (templates) go with the request, for an API whose own spec has no credentials
    (the storage mount) that learns its states from one that has. ``derive`` splits the value
    into further states, ``<state>.<name>`` (a signed link into path and query parts).
    ``refresh``: the value expires (a signed link), so it is learnt again right before each
    explicit case that uses it."""

    state: str
    path: str
    pointer: str
    method: str = "GET"
    params: Mapping[str, Any] = field(default_factory=dict)
    json: Any = None
    admin: bool = False  # sent to the control plane (with the admin token), not the API
    writes: bool = False
    cleanup: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    derive: Callable[[Any], Mapping[str, Any]] | None = None
    refresh: bool = False

    def gives(self, name: str) -> bool:
        """This step learns ``name`` (its own state or one derived from it)."""
        return name == self.state or (self.derive is not None and name.startswith(f"{self.state}."))


@dataclass(frozen=True)
class ExplicitCase:
    """One request the kit always sends, built from provider states (templates), validated with
    every check. Named by ``operation_id``; ``expect`` is the status class it must get."""

    operation_id: str
    path_parameters: Mapping[str, Any] = field(default_factory=dict)
    query: Mapping[str, Any] = field(default_factory=dict)
    body: Any = None
    expect: str = "2xx"

    @property
    def label(self) -> str:
        parts = [f"{k}={v}" for k, v in {**self.path_parameters, **self.query}.items()]
        return f"{self.operation_id}[{','.join(parts)}]" if parts else self.operation_id


# What a property needs beyond the API itself; the suite skips it (and says why) elsewhere.
NEEDS_ADMIN = "admin"  # the control plane of a fake (any URL whose /__admin answers)
NEEDS_HOOKS = "hooks"  # in-process hooks of a fake this run started (its clock)
NEEDS_WRITES = "writes"  # it creates things: fakes, or a target opted in to writes


@dataclass(frozen=True)
class Property:
    """A business rule the spec cannot state, checked over HTTP with Hypothesis."""

    name: str
    check: Callable[[PropertyContext], None]
    needs: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ApiEntry:
    """Everything the kit knows about one API (one spec in ``openapi/``).

    * ``scenario``: the packaged fixture the kit's own tenant is created with on a fake;
    * ``states``: identities that scenario is known to hold (``{"user.uid": "jane-checkout"}``);
      against the real API the config file names them instead;
    * ``discover``: states learnt from the target (a session id from a user's session list);
    * ``examples``: ``{operationId or "*": {parameter: state}}``, added to the spec as the
      parameters' examples (the examples phase) and as the only values of those parameters when
      a stateful chain starts;
    * ``bodies``: ``{operationId: body template}``, a request body made of states, added the same
      way (an example; the only body where a stateful chain starts);
    * ``cases``: explicit requests built from states, checked on every target;
    * ``properties``: business rules, checked with Hypothesis over HTTP;
    * ``last``: operations that disturb the others (a whole-server reset) and so run last;
    * ``volatile``: JSON keys whose values may differ between two equal targets (drift);
    * ``provision``: create a tenant and key for this API on a fake (False: the API needs none);
    * ``server_wide``: its operations change what every tenant of the server sees (the control
      plane's unscoped fault rules, clock, defaults, whole-server reset), so its suites run after
      every other API's: on a shared server (a URL) the others would otherwise meet its faults;
    * ``unreachable``: ``{operationId: why}`` operations no target of this build can answer 2xx
      (the fake does not serve what they need yet); the config file adds per-target ones.
    """

    spec: str
    scenario: str | None = "default"
    states: Mapping[str, Any] = field(default_factory=dict)
    discover: tuple[Discover, ...] = ()
    examples: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    bodies: Mapping[str, Any] = field(default_factory=dict)
    cases: tuple[ExplicitCase, ...] = ()
    properties: tuple[Property, ...] = ()
    last: frozenset[str] = frozenset()
    volatile: frozenset[str] = frozenset()
    provision: bool = True
    server_wide: bool = False
    unreachable: Mapping[str, str] = field(default_factory=dict)

    def examples_for(self, operation_id: str) -> dict[str, str]:
        """``{parameter: state}`` for one operation (its own entries win over ``"*"``)."""
        return {**self.examples.get("*", {}), **self.examples.get(operation_id, {})}


def load_entries() -> dict[str, ApiEntry]:
    """Every ``ENTRY`` in ``mockserver.contract.apis``, by spec name."""
    from mockserver.contract import apis

    entries: dict[str, ApiEntry] = {}
    for info in sorted(pkgutil.iter_modules(apis.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{apis.__name__}.{info.name}")
        entry = getattr(module, "ENTRY", None)
        if isinstance(entry, ApiEntry):
            entries[entry.spec] = entry
    return entries


def entry_for(spec: str) -> ApiEntry:
    """The spec's entry, or an empty one (the spec is still fuzzed, with no provider states)."""
    return load_entries().get(spec) or ApiEntry(spec, scenario=None)
