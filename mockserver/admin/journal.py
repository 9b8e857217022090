"""The request journal: query, clear, bounds."""

from __future__ import annotations

from typing import Any

from mockserver.admin.inputs import with_integers
from mockserver.core.clock import parse_rfc3339
from mockserver.core.journal import JournalQuery
from mockserver.http.pipeline import Call
from mockserver.state import ServerState, StateError

Ctx = Call[ServerState]


def _time(text: str | None, name: str) -> Any:
    if text is None:
        return None
    try:
        return parse_rfc3339(text)
    except ValueError as error:
        raise StateError(f"{name}: {error}") from None


def get_journal(call: Ctx) -> dict[str, Any]:
    q, journal = call.query, call.context.journal
    query = JournalQuery(
        tenant=q.get("tenant"),
        operation_id=q.get("operation"),
        method=q.get("method"),
        status=q.get("status"),
        since=_time(q.get("since"), "since"),
        until=_time(q.get("until"), "until"),
        body_contains=q.get("contains"),
        path_prefix=q.get("path_prefix"),
        limit=q["limit"],
    )
    entries = [entry.to_dict() for entry in journal.query(query)]
    return {"entries": entries, "count": len(entries), "capacity": journal.capacity}


def clear_journal(call: Ctx) -> dict[str, Any]:
    journal, tenant = call.context.journal, call.query.get("tenant")
    removed = journal.count(tenant)
    journal.clear(tenant)
    return {"removed": removed}


def get_settings(call: Ctx) -> dict[str, Any]:
    journal = call.context.journal
    return {"capacity": journal.capacity, "text_limit": journal.text_limit}


def put_settings(call: Ctx) -> dict[str, Any]:
    journal, body = call.context.journal, with_integers(call.body, ("capacity", "text_limit"))
    if "capacity" in body:
        journal.set_capacity(body["capacity"])
    if "text_limit" in body:
        journal.set_text_limit(body["text_limit"])
    return get_settings(call)
