"""Segment exports and the operations that track them: create, poll, list, cancel, and the
signed link to the finished file."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from mockserver.core.lifecycle import LifecycleState
from mockserver.fullstory.exports.operations import ExportOperation, OperationError
from mockserver.fullstory.exports.request import ExportRequestError, parse_export_request
from mockserver.fullstory.segments.handlers import paged
from mockserver.fullstory.tenant import FullStoryTenant
from mockserver.http.errors import InvalidArgument, NotFound, RequiredField
from mockserver.http.pipeline import Call, Handler
from mockserver.http.rendering import Reply, raw_reply

Ctx = Call[FullStoryTenant]


def nanoseconds(at: datetime) -> str:
    """``2020-10-22T17:06:18.658287819Z``: the results' ``expires`` has nine digits (the clock
    has microseconds, so the last three are zeros)."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f") + "000Z"


def create_segment_export(call: Ctx) -> dict[str, Any]:
    tenant = call.context
    now = tenant.clock.now()
    # "The last 30 days" of a segment count back from the world's own present (its epoch; the
    # clock if that is earlier), so default segments hold the world's sessions (README).
    world_now = min(now, tenant.world.config.epoch)
    try:
        request = parse_export_request(call.body, now, world_now)
    except ExportRequestError as error:
        raise (RequiredField if error.missing else InvalidArgument)(str(error)) from None
    segment = tenant.segments.get(request.segment_id)
    if segment is None:
        raise NotFound(f"segmentId: segment {request.segment_id} does not exist")
    operation = tenant.operations.create(request, segment)
    return {"operationId": operation.id}


def _operation(call: Ctx) -> ExportOperation:
    operation = call.context.operations.get(call.path["id"])
    if operation is None:
        raise NotFound(f"operation {call.path['id']} does not exist")
    return operation


def get_operation(call: Ctx) -> Reply:
    operation = _operation(call)
    return raw_reply(operation.encoded(call.context.operations.poll(operation)))


def list_operations(call: Ctx) -> dict[str, Any]:
    state, kind = call.query.get("state"), call.query.get("type")
    listed = []
    for operation in call.context.operations.newest_first():
        view = operation.view(poll=False)  # a listing is not a poll
        if (state is None or view.state.value == state) and kind in (None, "SEARCH_EXPORT"):
            listed.append(operation.to_api(view))
    chosen, next_token = paged(call, listed, call.query["limit"], {"state": state, "type": kind})
    answer: dict[str, Any] = {"operations": chosen}
    if next_token is not None:
        answer["nextPaginationToken"] = next_token
    return answer


def cancel_operation(call: Ctx) -> dict[str, Any]:
    operation = _operation(call)
    try:
        call.context.operations.cancel(operation)
    except OperationError as error:
        raise InvalidArgument(str(error)) from None
    # INFERRED: the contract does not capture the answer; google.longrunning's Cancel is Empty.
    return {}


def get_search_export_results(call: Ctx) -> dict[str, Any]:
    tenant = call.context
    export_id = call.path["id"]
    operation = tenant.operations.by_export(export_id)
    if operation is None:
        raise NotFound(f"search export {export_id} does not exist")
    view = operation.view(poll=False)
    if view.state is not LifecycleState.COMPLETED:
        raise InvalidArgument(f"search export {export_id} is not complete ({view.state.value})")
    now = tenant.clock.now()
    expires = operation.results_expire(view)
    if expires is not None and now >= expires:
        raise NotFound(f"search export {export_id} expired at {expires.isoformat()}")
    location, link_expires = tenant.links.issue(call.origin, export_id, now)
    return {"location": location, "expires": nanoseconds(link_expires)}


def handlers() -> dict[str, Handler]:
    return {
        "createSegmentExport": create_segment_export,
        "getOperation": get_operation,
        "listOperations": list_operations,
        "cancelOperation": cancel_operation,
        "getSearchExportResults": get_search_export_results,
    }
