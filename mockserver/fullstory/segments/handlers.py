"""``GET /segments/v1`` and ``GET /segments/v1/{id}``."""

from __future__ import annotations

from typing import Any

from mockserver.core.pagination import BadPageToken, page
from mockserver.fullstory.tenant import FullStoryTenant
from mockserver.fullstory.world.generator import APP_HOST
from mockserver.http.errors import InvalidArgument, NotFound
from mockserver.http.pipeline import Call, Handler

Ctx = Call[FullStoryTenant]


def page_token(call: Ctx) -> str | None:
    """``paginationToken`` (the contract) or ``pagination_token`` (its prose); not both."""
    camel, snake = call.query.get("paginationToken"), call.query.get("pagination_token")
    if camel is not None and snake is not None and camel != snake:
        raise InvalidArgument("paginationToken and pagination_token disagree; send one of them")
    token = camel if camel is not None else snake
    return token or None


def paged(call: Ctx, items: list[Any], limit: int, params: object) -> tuple[list[Any], str | None]:
    try:
        return page(items, page_token(call), limit, params)
    except BadPageToken as error:
        raise InvalidArgument(f"paginationToken {error}") from None


def list_segments(call: Ctx) -> dict[str, Any]:
    tenant = call.context
    creator = call.query.get("creator")
    wanted = creator.strip().lower() if creator else None
    segments = [
        s for s in tenant.segments.all() if wanted is None or (s.creator or "").lower() == wanted
    ]
    chosen, next_token = paged(call, segments, call.query["limit"], {"creator": wanted})
    org_id = tenant.world.config.org_id
    answer: dict[str, Any] = {"segments": [s.to_api(APP_HOST, org_id) for s in chosen]}
    if next_token is not None:  # "present only if there are more results"
        answer["nextPaginationToken"] = next_token
    return answer


def get_segment(call: Ctx) -> dict[str, Any]:
    tenant = call.context
    segment = tenant.segments.get(call.path["id"])
    if segment is None:
        raise NotFound(f"segment {call.path['id']} does not exist")
    return segment.to_api(APP_HOST, tenant.world.config.org_id)


def handlers() -> dict[str, Handler]:
    return {"listSegments": list_segments, "getSegment": get_segment}
