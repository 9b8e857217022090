"""Segments, segment exports and operations (part of the FullStory entry, whose spec serves them;
the Opal and storage entries reuse the steps): the built-in segment ``everyone``, a finished
export with its results, and pending operations to cancel.

On a fake the kit sets its own tenant's lifecycle policy through the admin API first: an export
made under ``seconds:999999999`` stays PENDING for the whole run (something to cancel), one made
under ``immediate`` is COMPLETED on its first poll (results and a download link at once).
Against the real API an export is a write (only where the config opts in); it finishes in its
own time, so ``export.id`` is then learnt only if the config names it.
"""

from __future__ import annotations

import gzip
from collections.abc import Mapping
from typing import Any

import httpx

from mockserver.contract.context import PropertyContext
from mockserver.contract.entries import Discover, ExplicitCase, fill

EXPORTS = "/segments/v1/exports"
OPERATIONS = "/operations/v1"
NEVER_DONE = "seconds:999999999"  # the longest policy the admin API takes: PENDING all run
EXPORT_BODY: Mapping[str, Any] = {
    "segmentId": "{segment.id}",
    "type": "TYPE_INDIVIDUAL",
    "format": "FORMAT_CSV",
    "timeRange": {"start": "", "end": ""},
}
MAX_WAITS = 60  # polls of a live target's export, POLL_SECONDS apart
POLL_SECONDS = 5.0


def _lifecycle(state: str, policy: str) -> Discover:
    return Discover(
        state,
        "/__admin/tenants/{tenant.id}/lifecycle",
        "/default",
        method="PUT",
        json={"default": policy},
        admin=True,
        writes=True,
    )


def _export(state: str, headers: Mapping[str, str], cancel: bool) -> Discover:
    return Discover(
        state,
        EXPORTS,
        "/operationId",
        method="POST",
        json=dict(EXPORT_BODY),
        writes=True,
        headers=headers,
        # Exports cannot be deleted; one still running is cancelled at the end.
        cleanup=f"POST {OPERATIONS}/{{{state}}}/cancel" if cancel else None,
    )


def export_steps(
    pending: tuple[str, ...] = (), headers: Mapping[str, str] | None = None
) -> tuple[Discover, ...]:
    """``pending`` operations (never finishing on a fake), then ``export.operation``, finished
    at once on a fake, and its ``export.id`` (the operation's ``results.searchExportId``)."""
    headers = headers or {}
    return (
        *((_lifecycle("lifecycle.pending", NEVER_DONE),) if pending else ()),
        *(_export(state, headers, cancel=True) for state in pending),
        _lifecycle("lifecycle.immediate", "immediate"),
        _export("export.operation", headers, cancel=False),
        Discover(
            "export.id",
            f"{OPERATIONS}/{{export.operation}}",
            "/results/searchExportId",
            headers=headers,
        ),
    )


STEPS = export_steps(pending=("pending.operation", "cancel.operation"))
EXAMPLES = {
    "getSegment": {"id": "segment.id"},
    "getOperation": {"id": "export.operation"},
    # The examples phase cancels this one; the explicit case has one of its own.
    "cancelOperation": {"id": "pending.operation"},
    "getSearchExportResults": {"id": "export.id"},
}
BODIES = {"createSegmentExport": EXPORT_BODY}
# When an operation was made and finished, and its signed link (dated, signed): the server's
# clock, so two equal targets differ there (a drift report ignores them).
VOLATILE = frozenset({"createdAt", "finishedAt", "expires", "location"})
CASES = (
    ExplicitCase("listSegments", query={"limit": 5}),
    ExplicitCase("getSegment", path_parameters={"id": "{segment.id}"}),
    ExplicitCase("createSegmentExport", body=EXPORT_BODY),
    ExplicitCase("listOperations", query={"type": "SEARCH_EXPORT"}),
    ExplicitCase("getOperation", path_parameters={"id": "{export.operation}"}),
    ExplicitCase("getSearchExportResults", path_parameters={"id": "{export.id}"}),
    ExplicitCase("cancelOperation", path_parameters={"id": "{cancel.operation}"}),
)


def _ok(response: httpx.Response) -> Any:
    assert response.status_code == 200, f"{response.request.url}: {response.status_code}"
    return response.json()


def an_export_runs_to_its_download(ctx: PropertyContext) -> None:
    """Create an export, poll it to COMPLETED, find it listed, ask for its results and download
    the file from the signed link (no API key: the link is the credential): gzip, not empty.
    On a fake the kit's tenant finishes exports at once (never a wait); a live target is polled
    ``POLL_SECONDS`` apart, at most ``MAX_WAITS`` times."""
    body = fill(dict(EXPORT_BODY), {"segment.id": ctx.state("segment.id")})
    waits = MAX_WAITS
    if ctx.binding.control is not None:
        policy = {"default": "immediate"}
        ctx.control.request("PUT", f"/tenants/{ctx.tenant}/lifecycle", json=policy)
        waits = 0
    operation_id = _ok(ctx.client.post(EXPORTS, json=body))["operationId"]
    operation = _ok(ctx.client.get(f"{OPERATIONS}/{operation_id}"))
    while operation["state"] == "PENDING" and waits > 0:
        waits -= 1
        ctx.sleep(POLL_SECONDS)
        operation = _ok(ctx.client.get(f"{OPERATIONS}/{operation_id}"))
    assert operation["state"] == "COMPLETED", operation
    listed = _ok(ctx.client.get(OPERATIONS, params={"type": "SEARCH_EXPORT", "limit": 100}))
    assert operation_id in [item["id"] for item in listed["operations"]], "export not listed"
    export_id = operation["results"]["searchExportId"]
    results = _ok(ctx.client.get(f"/search/v1/exports/{export_id}/results"))
    with ctx.unpaced(headers={}) as anonymous:
        download = anonymous.get(results["location"])
    assert download.status_code == 200, f"download: {download.status_code} {download.text[:200]}"
    assert gzip.decompress(download.content).strip(), "an empty export file"
