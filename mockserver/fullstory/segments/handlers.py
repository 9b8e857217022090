"""``GET /segments/v1`` and ``GET /segments/v1/{id}``."""

from __future__ import annotations

from typing import Any

from mockserver.core.pagination import BadPageToken, page
from mockserver.fullstory.tenant import FullStoryTenant
from mockserver.fullstory.world.generator import APP_HOST
from mockserver.http.errors import InvalidArgument, NotFound
from mockserver.http.pipeline import Call, Handler
from mockserver.http.rendering import Reply, encode, raw_reply

Ctx = Call[FullStoryTenant]


def page_token(call: Ctx) -> str | None:
    """``paginationToken`` (the contract) or ``pagination_token`` (its prose); not both."""
    camel, snake = call.query.get("paginationToken"), call.query.get("pagination_token")
    if camel is not None and snake is not None and camel != snake:
        raise InvalidArgument("paginationToken and pagination_token disagree; send one of them")
    token = camel if camel is not None else snake
    return token or None


def paged(call: Ctx, items: list[Any], limit: int, params: object) -> tuple[list[Any], str | None]:
    return paged_from(page_token(call), items, limit, params)


def paged_from(
    token: str | None, items: list[Any], limit: int, params: object
) -> tuple[list[Any], str | None]:
    try:
        return page(items, token, limit, params)
    except BadPageToken as error:
        raise InvalidArgument(f"paginationToken {error}") from None


def list_segments(call: Ctx) -> Reply:
    tenant = call.context
    creator = call.query.get("creator")
    wanted = creator.strip().lower() if creator else None
    token, limit = page_token(call), call.query["limit"]
    org_id = tenant.world.config.org_id

    def build() -> bytes:
        segments = [
            s
            for s in tenant.segments.all()
            if wanted is None or (s.creator or "").lower() == wanted
        ]
        # Tokens are a pure function of (offset, creator): a cached page's token stays valid.
        chosen, next_token = paged_from(token, segments, limit, {"creator": wanted})
        answer: dict[str, Any] = {"segments": [s.to_api(APP_HOST, org_id) for s in chosen]}
        if next_token is not None:  # "present only if there are more results"
            answer["nextPaginationToken"] = next_token
        return encode(answer)

    # A refused token raises in build(): errors are never cached.
    return raw_reply(tenant.segments.answer(("list", org_id, wanted, limit, token), build))


def get_segment(call: Ctx) -> Reply:
    tenant = call.context
    segment_id = call.path["id"]
    org_id = tenant.world.config.org_id

    def build() -> bytes:
        segment = tenant.segments.get(segment_id)
        if segment is None:  # raised, so an unknown id is never cached
            raise NotFound(f"segment {segment_id} does not exist")
        return encode(segment.to_api(APP_HOST, org_id))

    return raw_reply(tenant.segments.answer(("get", org_id, segment_id), build))


def handlers() -> dict[str, Handler]:
    return {"listSegments": list_segments, "getSegment": get_segment}
