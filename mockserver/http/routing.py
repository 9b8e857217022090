"""Route requests by the spec: one endpoint per path template, static paths by dictionary,
templated paths by precompiled regex with literal segments before parameters, and a hard stop
when the spec and the registered handlers disagree."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Awaitable, Iterable, Mapping
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from mockserver.http.pipeline import ApiMount, FallbackDispatcher, PathDispatcher
from mockserver.http.server_protocol import REFUSAL
from mockserver.http.spec import Operation

_PARAMETER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


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


def _template_regex(path: str) -> re.Pattern[str]:
    # A parameter is one whole segment: it never spans a "/" (a session id's ":" arrives
    # decoded, which is fine; an encoded "/" would not, as at FullStory).
    pattern = "".join(
        f"(?P<{part}>[^/]+)" if i % 2 else re.escape(part)
        for i, part in enumerate(_PARAMETER.split(path))
    )
    return re.compile(pattern)


def _first_segment(path: str) -> str:
    first = path[1:].split("/", 1)[0]
    return "" if first.startswith("{") else first


def _group(path: str) -> tuple[str, int]:
    """Which templates may match ``path``: those with its first segment and as many segments
    (a parameter is one whole segment, so a template matches only paths of its own length)."""
    return _first_segment(path), path.count("/")


class SpecRouter:
    """The ASGI app behind every spec route. O(1) for static paths, a short ordered regex scan
    for templated ones, and the owning API's 404 for everything else."""

    def __init__(
        self, mounts: list[ApiMount[Any]], documents: Mapping[str, ASGIApp] | None = None
    ) -> None:
        self.mounts = mounts
        self.static: dict[str, ASGIApp] = dict(documents or {})
        templated: list[tuple[str, PathDispatcher]] = []
        for mount in mounts:
            check_drift(mount.name, mount.operations, mount.handlers)
            by_path: dict[str, list[Operation]] = defaultdict(list)
            for operation in mount.operations:
                by_path[operation.path].append(operation)
            for path, operations in by_path.items():
                dispatcher = PathDispatcher(mount, operations)
                if _PARAMETER.search(path):
                    templated.append((path, dispatcher))
                else:
                    self.static[path] = dispatcher
        # Templated routes grouped by their first segment (always a literal in our specs, else
        # "") and length, so a request is matched only against the handful that may match it.
        # A group's regexes are compiled at its first request (``templated`` fills then): the
        # 27 of the specs cost ~6 ms of every start, and a start serves one or two groups.
        grouped: dict[tuple[str, int], list[tuple[str, PathDispatcher]]] = defaultdict(list)
        for path, dispatcher in sorted(templated, key=lambda item: route_order(item[0])):
            grouped[_group(path)].append((path, dispatcher))
        for (first, length), routes in grouped.items():
            if first:  # a template starting with a parameter is tried for every path its length
                routes.extend(grouped.get(("", length), []))
        self.uncompiled: Mapping[tuple[str, int], list[tuple[str, PathDispatcher]]] = dict(grouped)
        self.templated: dict[tuple[str, int], list[tuple[re.Pattern[str], PathDispatcher]]] = {}
        self.fallback = FallbackDispatcher(mounts)

    def _routes(self, first: str, length: int) -> list[tuple[re.Pattern[str], PathDispatcher]]:
        """The group's routes, compiled now if this is its first request; else those of the
        templates that start with a parameter; else none. ``templated`` only ever holds the
        spec's groups (bounded whatever paths arrive); compiling twice in a race is harmless."""
        for key in ((first, length), ("", length)):
            routes = self.templated.get(key)
            if routes is None and key in self.uncompiled:
                routes = [(_template_regex(path), d) for path, d in self.uncompiled[key]]
                self.templated[key] = routes
            if routes:
                return routes
        return []

    def __call__(self, scope: Scope, receive: Receive, send: Send) -> Awaitable[None]:
        # Returns the endpoint's coroutine rather than awaiting it in one more (per request).
        path: str = scope["path"]
        if REFUSAL in scope:  # the protocol refused it: answered in the owning API's envelope
            return self.fallback(scope, receive, send)
        dispatcher = self.static.get(path)
        if dispatcher is None:
            first, length = _group(path)
            candidates = self.templated.get((first, length)) or self._routes(first, length)
            for regex, candidate in candidates:
                match = regex.fullmatch(path)
                if match is not None:
                    scope["path_params"] = match.groupdict()
                    return candidate(scope, receive, send)
            return self.fallback(scope, receive, send)
        scope["path_params"] = {}
        return dispatcher(scope, receive, send)
