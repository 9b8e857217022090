"""Runtime segments of a tenant (see mockserver.fullstory.segments)."""

from __future__ import annotations

from typing import Any

from mockserver.admin.errors import AdminNotFound
from mockserver.fullstory.segments.model import Segment, parse_definition
from mockserver.fullstory.segments.rules import RuleError
from mockserver.fullstory.segments.store import SegmentError, SegmentStore
from mockserver.http.pipeline import Call
from mockserver.state import ServerState, StateError

Ctx = Call[ServerState]


def _view(store: SegmentStore, segment: Segment) -> dict[str, Any]:
    return {**segment.to_dict(), "source": "fixed" if store.is_fixed(segment.id) else "runtime"}


def _store(call: Ctx) -> SegmentStore:
    return call.context.existing_tenant(call.path["tenant"]).fullstory.segments


def list_segments(call: Ctx) -> dict[str, Any]:
    store = _store(call)
    return {"segments": [_view(store, segment) for segment in store.all()]}


def put_segment(call: Ctx) -> dict[str, Any]:
    tenant = call.context.existing_tenant(call.path["tenant"]).fullstory
    store = tenant.segments
    try:
        segment = parse_definition(
            {**call.body, "id": call.path["segment"]},
            "body",
            default_id=None,
            default_created=tenant.clock.now(),
        )
        store.define(segment)
    except (RuleError, SegmentError) as error:
        raise StateError(str(error)) from None
    return _view(store, segment)


def delete_segment(call: Ctx) -> dict[str, Any]:
    store = _store(call)
    segment_id = call.path["segment"]
    try:
        removed = store.remove(segment_id)
    except SegmentError as error:
        raise StateError(str(error)) from None
    if removed is None:
        raise AdminNotFound(f"segment {segment_id!r} does not exist")
    return _view(store, removed)
