"""Every OpenAPI document in ``openapi/``, discovered generically, and their Schemathesis
schemas."""

from __future__ import annotations

import copy
import os
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from mockserver.contract.entries import MissingState, fill
from mockserver.contract.environment import DEFAULT_EXAMPLES, EXAMPLES_ENV
from mockserver.core.yamlio import load_yaml
from mockserver.resources import data_dir

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# 401/403 are left out on purpose: with a wrong key every answer is 401, and that must fail.
ACCEPTED_STATUSES = ("2xx", "404", "409", "429")
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


PHASES_ENV = "MOCKSERVER_CONTRACT_PHASES"
PHASES = ("examples", "coverage", "fuzzing")  # the stateful phase is test_stateful's own


def phases() -> list[str]:
    """The conformance phases this run uses (``MOCKSERVER_CONTRACT_PHASES``, default all)."""
    named = [p.strip() for p in os.environ.get(PHASES_ENV, ",".join(PHASES)).split(",")]
    unknown = sorted(set(named) - set(PHASES) - {""})
    if unknown:
        raise ValueError(f"{PHASES_ENV}: unknown phase(s) {', '.join(unknown)}")
    return [p for p in PHASES if p in named]


def max_examples() -> int:
    """Fuzzing examples per operation (``MOCKSERVER_CONTRACT_EXAMPLES``, default 25)."""
    return int(os.environ.get(EXAMPLES_ENV, DEFAULT_EXAMPLES))


@dataclass(frozen=True)
class SpecInfo:
    """One packaged spec as the kit uses it: its name, file and parsed document."""

    name: str
    path: Path
    document: dict[str, Any]

    @property
    def vendor_url(self) -> str | None:
        """The real service's base URL, or None for a spec only the fake serves (the admin API
        names 127.0.0.1 as its server)."""
        for server in self.document.get("servers") or []:
            url = str(server.get("url", ""))
            if urlsplit(url).hostname not in LOOPBACK_HOSTS:
                return url.rstrip("/")
        return None

    @property
    def fake_only(self) -> bool:
        return self.vendor_url is None

    def operations(self) -> list[tuple[str, str, dict[str, Any]]]:
        """``(METHOD, path, operation)`` for every operation, in document order."""
        found = []
        for path, item in (self.document.get("paths") or {}).items():
            for method in HTTP_METHODS:
                if method in item:
                    found.append((method.upper(), str(path), item[method]))
        return found

    @property
    def has_links(self) -> bool:
        return any(
            "links" in response
            for _, _, operation in self.operations()
            for response in (operation.get("responses") or {}).values()
            if isinstance(response, dict)
        )

    def security_schemes(self) -> dict[str, dict[str, Any]]:
        schemes: dict[str, dict[str, Any]] = (self.document.get("components") or {}).get(
            "securitySchemes"
        ) or {}
        return schemes


def is_read_only(method: str, operation: dict[str, Any]) -> bool:
    """Safe methods, or an operation the spec marks ``x-read-only: true`` (a POST that only
    reads, like FullStory's generate-context)."""
    return method.upper() in SAFE_METHODS or bool(operation.get("x-read-only"))


def discover_specs(
    folder: Path | None = None, names: Collection[str] | None = None
) -> list[SpecInfo]:
    """Every spec in ``folder`` (the packaged ``openapi/``), or only those ``names`` names (the
    others are not even parsed: a run limited to one API starts faster)."""
    folder = folder or data_dir("openapi")
    specs = []
    for path in sorted(folder.glob("*.yaml")):
        if names is not None and path.stem not in names:
            continue
        document = load_yaml(path.read_text(encoding="utf-8"))
        if isinstance(document, dict) and "openapi" in document:
            specs.append(SpecInfo(path.stem, path, document))
    return specs


def with_provider_states(
    spec: SpecInfo,
    examples_for: Callable[[str], Mapping[str, str]],
    states: Mapping[str, Any],
    *,
    only: bool = False,
    bodies: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A copy of the spec where every parameter that names a provider state (``examples_for``
    maps an operationId to ``{parameter: state}``) carries the state's value as an example, or
    with ``only`` as its only value (where a stateful chain starts). Parameters are inlined per
    operation, since a shared ``$ref`` parameter may name different states in two operations.
    ``bodies`` (``{operationId: template}``) do the same for request bodies."""
    document = copy.deepcopy(spec.document)
    for operation_id, template in (bodies or {}).items():
        _with_body(document, operation_id, template, states, only)
    shared = (document.get("components") or {}).get("parameters") or {}
    for item in (document.get("paths") or {}).values():
        path_level = item.pop("parameters", None) or []
        for method in HTTP_METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            merged: dict[tuple[str, str], dict[str, Any]] = {}
            for raw in [*path_level, *(operation.get("parameters") or [])]:
                parameter = copy.deepcopy(_deref(raw, shared))
                merged[(parameter["name"], parameter["in"])] = parameter
            wanted = examples_for(str(operation.get("operationId", "")))
            for (name, _), parameter in merged.items():
                state = wanted.get(name)
                if state is None or state not in states:
                    continue
                value = states[state]
                if only:
                    parameter["schema"] = {"enum": [value]}
                else:
                    parameter.setdefault("examples", {})[f"provider-{state}"] = {"value": value}
            if merged:
                operation["parameters"] = list(merged.values())
    return document


def _with_body(
    document: dict[str, Any],
    operation_id: str,
    template: Any,
    states: Mapping[str, Any],
    only: bool,
) -> None:
    try:
        body = fill(template, states)
    except MissingState:
        return  # the target lacks a state the body needs: the spec's own schema stays
    for item in (document.get("paths") or {}).values():
        for method in HTTP_METHODS:
            operation = item.get(method)
            if not isinstance(operation, dict) or operation.get("operationId") != operation_id:
                continue
            content = (operation.get("requestBody") or {}).get("content") or {}
            for media in content.values():
                if only:
                    media["schema"] = {"enum": [body]}
                else:
                    media.setdefault("examples", {})["provider-state"] = {"value": body}


def _deref(parameter: dict[str, Any], shared: Mapping[str, Any]) -> dict[str, Any]:
    ref = parameter.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/components/parameters/"):
        found: dict[str, Any] = shared[ref.rsplit("/", 1)[1]]
        return found
    return parameter


def load_schema(
    spec: SpecInfo, examples: int | None = None, document: dict[str, Any] | None = None
) -> Any:
    """A Schemathesis schema with the kit's settings (of ``document``, a variant of the spec, if
    given). A new object each call: configuration is per schema object and shared by its
    ``parametrize`` clones."""
    import schemathesis

    # The document already parsed (from_path would parse the YAML again, slowly).
    schema = schemathesis.openapi.from_dict(
        copy.deepcopy(spec.document) if document is None else document
    )
    schema.config.generation.update(
        max_examples=examples if examples is not None else max_examples(),
        deterministic=True,
        database="none",  # no .hypothesis/ writes; runs are derandomized anyway
    )
    schema.config.checks.positive_data_acceptance.expected_statuses = list(ACCEPTED_STATUSES)
    # Don't mine the app's source for string literals: in process and over HTTP must generate
    # the same data, or runs against two targets would not be comparable.
    schema.config.analysis.constants.enabled = False
    for phase in PHASES:
        schema.config.phases.get_by_name(name=phase).enabled = phase in phases()
    # Links come from the spec only. Inferred ones guess from field names (a legacy session's
    # `sessionId` is half of a `session_id`), and a guessed link is no contract.
    schema.config.phases.stateful.inference.algorithms = []
    # max_response_time has no threshold set; the time a request takes is never asserted.
    schema.config.checks.update(excluded_check_names=["max_response_time"])
    return schema
