"""Readable assertions over journal entries, for tests (``fake.assert_called(...)``).

A parameter matches if it equals a query parameter (any of its values, compared as text), a path
parameter, or a top-level field of the JSON request body. Names are compared ignoring case and
underscores, because FullStory accepts both ``segment_id`` and ``segmentId`` in bodies.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from mockserver.core.journal import JournalEntry

MAX_LISTED_CALLS = 25  # the failure message lists the newest calls only, to stay readable


def assert_called(
    entries: Iterable[JournalEntry],
    operation_id: str,
    times: int | None = None,
    **params: Any,
) -> list[JournalEntry]:
    """Assert ``operation_id`` was called (exactly ``times`` times if given) with ``params``.

    Returns the matching entries so a test can look closer. On failure the AssertionError lists
    what was called instead.
    """
    entries = list(entries)
    matching = [e for e in entries if e.operation_id == operation_id and _has_params(e, params)]
    if (times is None and matching) or (times is not None and len(matching) == times):
        return matching
    expected = "at least once" if times is None else f"exactly {_times(times)}"
    wanted = f"{operation_id}({_format_params(params)})" if params else operation_id
    raise AssertionError(
        f"expected {wanted} to be called {expected}, but it was called {_times(len(matching))}.\n"
        + _listing(entries)
    )


def assert_not_called(entries: Iterable[JournalEntry], operation_id: str, **params: Any) -> None:
    assert_called(entries, operation_id, times=0, **params)


def _has_params(entry: JournalEntry, params: dict[str, Any]) -> bool:
    if not params:
        return True
    body = entry.request_body
    fields = {_norm(k): v for k, v in body.items()} if isinstance(body, dict) else {}
    query = {_norm(k): vs for k, vs in entry.query.items()}
    path = {_norm(k): v for k, v in entry.path_params.items()}
    for name, wanted in params.items():
        key = _norm(name)
        if key in fields and fields[key] == wanted:
            continue
        if key in query and _as_text(wanted) in query[key]:
            continue
        if key in path and path[key] == _as_text(wanted):
            continue
        return False
    return True


def _norm(name: str) -> str:
    return name.replace("_", "").lower()


def _as_text(value: Any) -> str:
    # Query strings carry text; make `limit=5` and `active=True` match "5" and "true".
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _times(n: int) -> str:
    return "1 time" if n == 1 else f"{n} times"


def _format_params(params: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in params.items())


def _listing(entries: list[JournalEntry]) -> str:
    if not entries:
        return "No calls were recorded."
    shown = entries[-MAX_LISTED_CALLS:]
    header = f"Calls recorded ({len(entries)}, oldest first"
    header += f", newest {len(shown)} shown):" if len(shown) < len(entries) else "):"
    lines = [header]
    for entry in shown:
        lines.append("  " + entry.describe())
        body = entry.request_body
        if body is not None:
            lines.append(f"      body: {_short(repr(body))}")
    return "\n".join(lines)


def _short(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."
