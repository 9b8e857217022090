"""Load an OpenAPI 3.1 document once and describe its operations as plain data.

Everything per-request (routing, validation, default status) is compiled from these objects at
startup; nothing walks the document while serving.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mockserver.core.yaml_cache import load_yaml_cached
from mockserver.core.yamlio import yaml_error

HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


class SpecError(Exception):
    """The document is unreadable or uses something this server does not implement."""


@dataclass(frozen=True, slots=True)
class Parameter:
    """A parameter of an operation, as the spec declares it."""

    name: str
    location: str  # "query" | "path" | "header"
    required: bool
    schema: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class RequestBody:
    """An operation's request body, as the spec declares it."""

    required: bool
    media_type: str
    schema: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class ResponseSpec:
    """One documented answer of an operation: status, schema, required headers and media
    types."""

    status: int
    schema: Mapping[str, Any] | None
    required_headers: tuple[str, ...]
    # The media types the response's ``content`` lists, in document order (the first is the
    # default); empty for a response without a body. Content negotiation offers these.
    media_types: tuple[str, ...] = ("application/json",)


@dataclass(frozen=True, slots=True)
class Operation:
    """One operation of a spec, resolved (``$ref``s inlined): what routing, validation and
    the pipeline need."""

    api: str
    operation_id: str
    method: str  # upper case
    path: str  # template, e.g. /v2/sessions/{session_id}/events
    parameters: tuple[Parameter, ...]
    body: RequestBody | None
    responses: Mapping[int, ResponseSpec]
    secured: bool
    extensions: Mapping[str, Any] = field(default_factory=dict)

    @property
    def success_status(self) -> int:
        successes = sorted(status for status in self.responses if 200 <= status < 300)
        if len(successes) != 1:
            raise SpecError(f"{self.operation_id} must document exactly one 2xx response")
        return successes[0]

    def documents(self, status: int) -> bool:
        return status in self.responses


@dataclass(frozen=True, slots=True)
class ApiSpec:
    """A parsed spec: the document as written, and its operations."""

    name: str
    document: Mapping[str, Any]  # as written, $refs intact: served at /openapi.json
    operations: tuple[Operation, ...]

    def operation(self, operation_id: str) -> Operation:
        for operation in self.operations:
            if operation.operation_id == operation_id:
                return operation
        raise KeyError(operation_id)


def load_spec(name: str, path: Path) -> ApiSpec:
    return spec_from_document(name, read_document(path))


def read_document(path: Path) -> dict[str, Any]:
    try:
        # libyaml's safe loader when the wheel has it (core/yamlio.py): the pure-Python one
        # takes about a second per document, paid by every app; then a JSON copy of the
        # result (core/yaml_cache.py), ten times faster again.
        document = load_yaml_cached(path.read_text(encoding="utf-8"), path.name)
    except (OSError, yaml_error()) as exc:
        raise SpecError(f"cannot read OpenAPI document {path}: {exc}") from exc
    if not isinstance(document, dict) or not str(document.get("openapi", "")).startswith("3.1"):
        raise SpecError(f"{path} is not an OpenAPI 3.1 document")
    return document


def spec_from_document(name: str, document: dict[str, Any]) -> ApiSpec:
    resolver = _RefResolver(document)
    operations = []
    global_security = document.get("security", [])
    for path_template, path_item in document.get("paths", {}).items():
        shared = path_item.get("parameters", [])
        for method in HTTP_METHODS:
            raw = path_item.get(method)
            if raw is None:
                continue
            operations.append(
                _operation(
                    name,
                    path=path_template,
                    method=method,
                    raw=raw,
                    shared_parameters=shared,
                    global_security=global_security,
                    resolver=resolver,
                )
            )
    return ApiSpec(name=name, document=document, operations=tuple(operations))


def _operation(
    api: str,
    *,
    path: str,
    method: str,
    raw: Mapping[str, Any],
    shared_parameters: list[Any],
    global_security: list[Any],
    resolver: _RefResolver,
) -> Operation:
    operation_id = raw.get("operationId")
    if not operation_id:
        raise SpecError(f"{method.upper()} {path} has no operationId")
    parameters = [resolver.deref(p) for p in [*shared_parameters, *raw.get("parameters", [])]]
    body = None
    if "requestBody" in raw:
        raw_body = resolver.deref(raw["requestBody"])
        content = raw_body.get("content", {})
        if list(content) != ["application/json"]:
            raise SpecError(f"{operation_id}: only application/json request bodies are supported")
        body = RequestBody(
            required=bool(raw_body.get("required", False)),
            media_type="application/json",
            schema=resolver.resolve_all(content["application/json"].get("schema", {})),
        )
    responses = {}
    for status_text, raw_response in raw.get("responses", {}).items():
        response = resolver.deref(raw_response)
        content = response.get("content", {})
        schema = content.get("application/json", {}).get("schema")
        headers = response.get("headers", {})
        responses[int(status_text)] = ResponseSpec(
            status=int(status_text),
            schema=resolver.resolve_all(schema) if schema is not None else None,
            required_headers=tuple(
                name for name, h in headers.items() if resolver.deref(h).get("required")
            ),
            media_types=tuple(content),
        )
    return Operation(
        api=api,
        operation_id=operation_id,
        method=method.upper(),
        path=path,
        parameters=tuple(
            Parameter(
                name=p["name"],
                location=p["in"],
                required=bool(p.get("required", p["in"] == "path")),
                schema=resolver.resolve_all(p.get("schema", {})),
            )
            for p in parameters
        ),
        body=body,
        responses=responses,
        secured=bool(raw.get("security", global_security)),
        extensions={k: v for k, v in raw.items() if k.startswith("x-")},
    )


class _RefResolver:
    """Inlines local ``#/...`` references (the documents are acyclic by design)."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self._document = document
        # Each reference inlined once per depth and the result shared: most operations refer
        # to the same components (error bodies, ids, page tokens), and inlining them again for
        # each was most of a start's spec loading. Shared safely: an Operation's schemas are
        # read-only Mappings.
        self._inlined: dict[tuple[str, int], Any] = {}

    def deref(self, node: Any) -> Any:
        seen = 0
        while isinstance(node, dict) and "$ref" in node:
            node = self._lookup(node["$ref"])
            seen += 1
            if seen > 32:
                raise SpecError("reference chain too long (a cycle?)")
        return node

    def resolve_all(self, node: Any, depth: int = 0) -> Any:
        if depth > 64:
            raise SpecError("schema nesting too deep (a recursive $ref?)")
        if isinstance(node, dict) and "$ref" in node:  # stands for its target alone
            key = (node["$ref"], depth)
            if key not in self._inlined:
                self._inlined[key] = self._inline(self.deref(node), depth)
            return self._inlined[key]
        return self._inline(node, depth)

    def _inline(self, node: Any, depth: int) -> Any:
        if isinstance(node, dict):
            return {k: self.resolve_all(v, depth + 1) for k, v in node.items()}
        if isinstance(node, list):
            return [self.resolve_all(v, depth + 1) for v in node]
        return node

    def _lookup(self, ref: str) -> Any:
        if not ref.startswith("#/"):
            raise SpecError(f"only local references are supported, not {ref!r}")
        node: Any = self._document
        for escaped in ref[2:].split("/"):
            part = escaped.replace("~1", "/").replace("~0", "~")
            if not isinstance(node, dict) or part not in node:
                raise SpecError(f"unresolvable reference {ref!r}")
            node = node[part]
        return node
