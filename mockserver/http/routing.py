"""Build routes from the spec: one endpoint per path template, static segments before
parameters, and a hard stop when the spec and the handlers disagree."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from starlette.routing import BaseRoute, Route

from mockserver.http.pipeline import ApiMount, FallbackDispatcher, PathDispatcher
from mockserver.http.spec import Operation


class SpecDriftError(Exception):
    """The spec and the registered handlers do not describe the same operations."""


def check_drift(api: str, operations: Iterable[Operation], handlers: Mapping[str, Any]) -> None:
    in_spec = {op.operation_id for op in operations}
    in_code = set(handlers)
    problems = []
    if missing := sorted(in_spec - in_code):
        problems.append(f"operations in the spec with no handler: {', '.join(missing)}")
    if extra := sorted(in_code - in_spec):
        problems.append(f"handlers with no operation in the spec: {', '.join(extra)}")
    if problems:
        raise SpecDriftError(f"{api}: " + "; ".join(problems))


def route_order(path: str) -> tuple[tuple[int, str], ...]:
    """Sort key: at each segment a literal beats a ``{parameter}``, so ``/segments/v1/exports``
    is tried before ``/segments/v1/{id}`` whatever the order of the YAML."""
    return tuple((1 if seg.startswith("{") else 0, seg) for seg in path.strip("/").split("/"))


def build_routes(mounts: list[ApiMount[Any]]) -> list[BaseRoute]:
    routes: list[tuple[tuple[tuple[int, str], ...], Route]] = []
    for mount in mounts:
        check_drift(mount.name, mount.operations, mount.handlers)
        by_path: dict[str, list[Operation]] = defaultdict(list)
        for operation in mount.operations:
            by_path[operation.path].append(operation)
        for path, operations in by_path.items():
            routes.append((route_order(path), Route(path, PathDispatcher(mount, operations))))
    ordered: list[BaseRoute] = [route for _, route in sorted(routes, key=lambda r: r[0])]
    ordered.append(Route("/{rest:path}", FallbackDispatcher(mounts)))
    return ordered
