"""The media types Cognigy lists for ``Accept``: JSON (the default), HAL (``_links``), CSV for
the profile list and XML for single resources. Which operation offers which is in the spec (the
2xx response's ``content``); asking for one it does not list is Cognigy's 400 (code 1005)
naming what is produced."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

import orjson

from mockserver.http.errors import ApiError, InvalidArgument
from mockserver.http.formats import flatten, to_csv, to_xml
from mockserver.http.pipeline import Rendering

HAL = "application/hal+json"
CSV = "text/csv"
XML_TYPES = ("application/xml", "text/xml")
PROFILES = "/new/v2.0/profiles"
CSV_LEADING = ("_id", "projectId", "active", "lastChanged", "contactIds")


class CognigyRepresentations:
    def not_acceptable(self, accept: str, offered: Sequence[str]) -> ApiError:
        return InvalidArgument(
            f"cannot answer with {accept!r} here; this resource is produced as {', '.join(offered)}"
        )

    def render(self, media_type: str, rendering: Rendering, body: Any) -> bytes:
        if media_type == HAL:
            return orjson.dumps(_hal(body, rendering))
        if media_type == CSV:
            return to_csv([_csv_row(item) for item in body.get("items", [])], CSV_LEADING)
        if media_type in XML_TYPES:
            return to_xml(body, "response")
        raise ValueError(f"no renderer for {media_type}")  # the spec offers only those above


def _csv_row(item: Mapping[str, Any]) -> dict[str, Any]:
    row = flatten(item)
    row["contactIds"] = ";".join(item.get("contactIds", []))
    return row


def _self(path: str, query: Mapping[str, list[str]]) -> dict[str, str]:
    pairs = [(k, v) for k, values in query.items() if k != "api_key" for v in values]
    return {"href": f"{path}?{urlencode(pairs)}" if pairs else path}


def _hal(body: Any, rendering: Rendering) -> Any:
    if not isinstance(body, Mapping):
        return body
    links: dict[str, Any] = {"self": _self(rendering.path, rendering.query)}
    if "items" in body:  # a list page: every item links to itself, the page to its neighbours
        base = {k: v for k, v in rendering.query.items() if k not in ("next", "previous", "skip")}
        for name, field in (("next", "nextCursor"), ("previous", "previousCursor")):
            cursor = body.get(field)
            if cursor is not None:
                links[name] = _self(rendering.path, {**base, name: [cursor]})
        items = [{**item, "_links": {"self": {"href": f"{PROFILES}/{item['_id']}"}}}
                 for item in body["items"]]  # fmt: skip
        return {**body, "items": items, "_links": links}
    if "_id" in body:
        links["self"] = {"href": f"{PROFILES}/{body['_id']}"}
    return {**body, "_links": links}
