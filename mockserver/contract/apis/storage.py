"""The fake's export-file storage (``/__storage``, where a finished export's signed link points):
the kit's own tenant makes an export through FullStory's API (the steps of
:mod:`mockserver.contract.apis.exports`, with the kit's key, since the storage spec itself has no
credentials), asks for its results, and splits the signed link into the path and ``X-Goog-*``
query parameters the spec names. Links live five minutes, so the link is learnt again right
before the explicit download."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import parse_qsl, unquote, urlsplit

from mockserver.contract.apis.exports import export_steps
from mockserver.contract.entries import ApiEntry, Discover, ExplicitCase

FULLSTORY_KEY = {"Authorization": "Basic {key.secret}"}
SIGNED = ("X-Goog-Algorithm", "X-Goog-Date", "X-Goog-Expires", "X-Goog-SignedHeaders")
# States have no hyphens in their names: X-Goog-Date is link.x_goog_date.
QUERY_STATES = {
    name: f"link.{name.lower().replace('-', '_')}" for name in (*SIGNED, "X-Goog-Signature")
}


def signed_link_parts(location: object) -> Mapping[str, str]:
    """``org`` and ``object`` (the path after the bucket) and each ``X-Goog-*`` query value."""
    url = urlsplit(str(location))
    *_, org, name = url.path.split("/")
    query = dict(parse_qsl(url.query))
    parts = {"org": unquote(org), "object": unquote(name)}
    parts.update(
        {state.removeprefix("link."): query.get(q, "") for q, state in QUERY_STATES.items()}
    )
    return parts


ENTRY = ApiEntry(
    spec="storage",
    scenario="default",
    states={"segment.id": "everyone"},
    discover=(
        *export_steps(headers=FULLSTORY_KEY),
        Discover(
            "link",
            "/search/v1/exports/{export.id}/results",
            "/location",
            headers=FULLSTORY_KEY,
            derive=signed_link_parts,
            refresh=True,
        ),
    ),
    examples={
        "downloadExportFile": {"org": "link.org", "object": "link.object", **QUERY_STATES},
    },
    cases=(
        ExplicitCase(
            "downloadExportFile",
            path_parameters={"org": "{link.org}", "object": "{link.object}"},
            query={name: f"{{{state}}}" for name, state in QUERY_STATES.items()},
        ),
    ),
)
