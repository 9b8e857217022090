"""Request and response validation compiled once per operation from the spec.

Query and path values arrive as text; they are cast by their declared schema type first, the
way FullStory's gRPC-gateway front end parses them, then checked with a precompiled
JSON-schema validator (jsonschema-rs). The first problem becomes a documented 400.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Set
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, NamedTuple

import jsonschema_rs
import orjson

from mockserver.http.errors import InvalidArgument, RequiredField
from mockserver.http.explain import explain
from mockserver.http.schema_speed import fast_schema
from mockserver.http.spec import Operation, Parameter, ResponseSpec, SpecError

_INTEGER = re.compile(r"[+-]?[0-9]+")
_NUMBER = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")
# strconv.ParseBool, which gRPC-gateway uses for boolean query parameters
_BOOLEANS = MappingProxyType(
    {
        "1": True,
        "t": True,
        "T": True,
        "TRUE": True,
        "true": True,
        "True": True,
        "0": False,
        "f": False,
        "F": False,
        "FALSE": False,
        "false": False,
        "False": False,
    }
)


def _compile(schema: Mapping[str, Any]) -> Any:
    try:
        key = orjson.dumps(schema, option=orjson.OPT_SORT_KEYS | orjson.OPT_PASSTHROUGH_DATETIME)
    except TypeError:  # not plain JSON data: compiled on its own
        return _compiled_schema(schema)
    return _compiled_json(key)


@functools.lru_cache(maxsize=2048)
def _compiled_json(key: bytes) -> Any:
    """One validator per distinct schema (as sorted-key JSON), shared: the 89 operations'
    parameters and bodies have 56 distinct schemas, so a start compiles 56 rather than 134,
    and the apps tests build one after another compile none. A validator is immutable, and
    the cache is bounded (the schemas come from the packaged specs)."""
    return _compiled_schema(orjson.loads(key))


def _compiled_schema(schema: Mapping[str, Any]) -> Any:
    # Discriminated oneOfs are compiled as an equivalent, faster dispatch (see schema_speed).
    return jsonschema_rs.validator_for(fast_schema(schema), validate_formats=True)


def _first_error(validator: Any, instance: Any, schema: Mapping[str, Any]) -> str | None:
    if validator.is_valid(instance):  # the common case, without building an error iterator
        return None
    for error in validator.iter_errors(instance):
        return explain(schema, error)
    return None


def _cast(text: str, schema: Mapping[str, Any]) -> Any:
    """Cast query/path text by the declared type; leave it as text when it does not parse, so
    the schema check reports the mismatch."""
    kind = schema.get("type")
    if kind == "integer" and _INTEGER.fullmatch(text):
        return int(text)
    if kind == "number" and _NUMBER.fullmatch(text):
        return float(text)
    if kind == "boolean" and text in _BOOLEANS:
        return _BOOLEANS[text]
    return text


class _CompiledParameter:
    """One parameter, ready to read: what the spec says of it, looked up once."""

    __slots__ = ("default", "in_path", "items", "name", "parameter", "required", "validator")

    def __init__(self, parameter: Parameter) -> None:
        self.parameter = parameter
        self.name = parameter.name
        self.required = parameter.required
        self.in_path = parameter.location == "path"
        self.validator: Any = _compile(parameter.schema)
        self.default: Any = parameter.schema.get("default")
        schema = parameter.schema
        self.items: Mapping[str, Any] | None = (
            schema.get("items", {}) if schema.get("type") == "array" else None
        )

    def read(self, values: list[str]) -> Any:
        schema = self.parameter.schema
        if self.items is not None:
            items = self.items
            value: Any = [_cast(v, items) for v in values]
        else:
            value = _cast(values[-1], schema)
        if self.validator.is_valid(value):  # the common case, without _first_error's call
            return value
        problem = _first_error(self.validator, value, schema)
        if problem is not None:
            raise InvalidArgument(f"{self.name} is invalid: {problem}")
        return value


class Inputs(NamedTuple):
    """What a handler receives: validated, typed values (defaults applied)."""

    path: Mapping[str, Any]
    query: Mapping[str, Any]
    body: Any


@dataclass(frozen=True, slots=True)
class QueryRules:
    """Rules across query parameters that JSON Schema cannot state, read from the operation's
    ``x-query-rules``: ``one-of-required`` (at least one of these) and ``exclusive``
    (``{name: [others]}``: ``name`` may not come with any of ``others``)."""

    one_of_required: tuple[str, ...] = ()
    exclusive: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def active(self) -> bool:
        """Whether there is anything to check."""
        return bool(self.one_of_required or self.exclusive)

    @classmethod
    def of(cls, operation: Operation) -> QueryRules:
        raw = operation.extensions.get("x-query-rules") or {}
        known = {p.name for p in operation.parameters if p.location == "query"}
        one_of = tuple(raw.get("one-of-required", ()))
        exclusive = tuple((k, tuple(v)) for k, v in (raw.get("exclusive") or {}).items())
        named = {*one_of, *(k for k, _ in exclusive), *(n for _, vs in exclusive for n in vs)}
        if unknown := sorted(named - known):
            raise SpecError(
                f"{operation.operation_id}: x-query-rules names unknown parameters {unknown}"
            )
        return cls(one_of, exclusive)

    def check(self, query: Set[str]) -> None:
        """``query``: the names of the parameters the client sent (defaults do not count)."""
        if self.one_of_required and not any(n in query for n in self.one_of_required):
            raise RequiredField(f"one of {', '.join(self.one_of_required)} is required")
        for name, others in self.exclusive:
            if name in query and (clash := [o for o in others if o in query]):
                raise InvalidArgument(f"{name} cannot be combined with {', '.join(clash)}")


class RequestValidator:
    def __init__(self, operation: Operation) -> None:
        self.operation = operation
        self._parameters = tuple(_CompiledParameter(p) for p in operation.parameters)
        self._body = _compile(operation.body.schema) if operation.body is not None else None
        self._rules = QueryRules.of(operation)
        self._rules_active = self._rules.active  # looked up once, not per request

    def validate(
        self, path: Mapping[str, str], query: Mapping[str, list[str]], body: bytes | None
    ) -> Inputs:
        path_values: dict[str, Any] = {}
        query_values: dict[str, Any] = {}
        for compiled in self._parameters:
            name = compiled.name
            if compiled.in_path:
                text = path.get(name)
                raw = [text] if text is not None else None
                found = path_values
            else:
                raw = query.get(name)
                found = query_values
            if not raw:
                if compiled.required:
                    raise RequiredField(f"{name} is required")
                if compiled.default is not None:
                    found[name] = compiled.default
                continue
            found[name] = compiled.read(raw)
        if self._rules_active:
            self._rules.check({name for name in query_values if query.get(name)})
        # tuple.__new__: half the time of the NamedTuple's own __new__ (see http/pipeline.py).
        return tuple.__new__(Inputs, (path_values, query_values, self._read_body(body)))

    def _read_body(self, body: bytes | None) -> Any:
        spec = self.operation.body
        if spec is None:
            return None
        if not body or not body.strip():
            if spec.required:
                raise RequiredField("a JSON request body is required")
            return {}
        try:
            document = orjson.loads(body)
        except orjson.JSONDecodeError as exc:
            raise InvalidArgument(f"request body is not valid JSON: {exc}") from exc
        validator: Any = self._body
        if validator.is_valid(document):
            return document
        error = next(iter(validator.iter_errors(document)))
        problem = explain(spec.schema, error)
        if isinstance(error.kind, jsonschema_rs.ValidationErrorKind.Required):
            # A missing field is the documented "required" error (FullStory's required_field,
            # Cognigy's MISSING_ARGUMENT 1000), not a malformed one.
            raise RequiredField(f"request body is missing a field: {problem}")
        raise InvalidArgument(f"request body is invalid: {problem}")


class ResponseValidator:
    """Checks the fake's own answers against the spec (on in tests and dev mode)."""

    def __init__(self, operation: Operation) -> None:
        self.operation = operation
        self._schemas: dict[int, tuple[ResponseSpec, Any]] = {
            status: (spec, _compile(spec.schema) if spec.schema is not None else None)
            for status, spec in operation.responses.items()
        }

    def problems(self, status: int, body: Any, headers: Mapping[str, str]) -> list[str]:
        entry = self._schemas.get(status)
        if entry is None:
            return [f"status {status} is not documented for {self.operation.operation_id}"]
        spec, validator = entry
        found = []
        lowered = {k.lower() for k in headers}
        found += [f"missing header {h}" for h in spec.required_headers if h.lower() not in lowered]
        if validator is not None and not validator.is_valid(body):
            found += [
                f"/{'/'.join(str(p) for p in e.instance_path)}: {e.message}"
                for e in validator.iter_errors(body)
            ]
        return found
