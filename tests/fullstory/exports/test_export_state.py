"""Operations, runtime segments and links are tenant state: snapshots, reset, faults, limits."""

from __future__ import annotations

import httpx
import pytest

from mockserver.persistence import export_tenant, import_tenant
from mockserver.testing.fake import Fake
from tests.fullstory.exports.conftest import WHOLE_WORLD

pytestmark = pytest.mark.mockserver(users=4, clock="2026-09-01T00:00:00Z", lifecycle="immediate")


def test_snapshot_round_trip_keeps_operations_segments_and_links(fullstory: Fake) -> None:
    fullstory.define_segment("vip", "VIPs", {"user_properties": {"plan": "premium"}})
    operation = fullstory.run_export(WHOLE_WORLD)
    export_id = operation["results"]["searchExportId"]
    with fullstory.client() as client:
        location = client.get(f"/search/v1/exports/{export_id}/results").json()["location"]
    snapshot = export_tenant(fullstory.state, fullstory.tenant_id)
    assert {"fullstory.segments", "fullstory.operations", "fullstory.export_links"} <= set(
        snapshot["stores"]
    )
    fullstory.reset()
    with fullstory.client() as client:
        assert client.get(f"/operations/v1/{operation['id']}").status_code == 404
        assert client.get("/segments/v1/vip").status_code == 404
    import_tenant(fullstory.state, fullstory.tenant_id, snapshot)
    with fullstory.client() as client:
        assert client.get(f"/operations/v1/{operation['id']}").json()["state"] == "COMPLETED"
        assert client.get("/segments/v1/vip").json()["name"] == "VIPs"
    with fullstory.server.client() as anonymous:
        assert anonymous.get(location).status_code == 200  # the secret came back too


def test_reset_invalidates_links(fullstory: Fake) -> None:
    operation = fullstory.run_export(WHOLE_WORLD)
    export_id = operation["results"]["searchExportId"]
    with fullstory.client() as client:
        location = client.get(f"/search/v1/exports/{export_id}/results").json()["location"]
    fullstory.reset()
    with fullstory.server.client() as anonymous:
        assert anonymous.get(location).status_code == 403


@pytest.mark.mockserver(
    faults=[{"match": {"operation_id": "createSegmentExport"},
             "action": {"type": "error", "status": 500}, "times": 1}]
)  # fmt: skip
def test_faults_cover_exports(fullstory_client: httpx.Client) -> None:
    body = {**WHOLE_WORLD, "segmentId": "everyone", "type": "TYPE_EVENT", "format": "FORMAT_CSV"}
    assert fullstory_client.post("/segments/v1/exports", json=body).status_code == 500
    assert fullstory_client.post("/segments/v1/exports", json=body).status_code == 200


@pytest.mark.mockserver(
    clock="frozen", rate_limits={"groups": {"exports": {"rate_per_second": 1, "burst": 1}}}
)
def test_exports_have_their_own_rate_limit_group(fullstory_client: httpx.Client) -> None:
    body = {**WHOLE_WORLD, "segmentId": "everyone", "type": "TYPE_EVENT", "format": "FORMAT_CSV"}
    assert fullstory_client.post("/segments/v1/exports", json=body).status_code == 200
    limited = fullstory_client.post("/segments/v1/exports", json=body)
    assert limited.status_code == 429 and limited.headers["Retry-After"]
    assert fullstory_client.get("/segments/v1").status_code == 200  # another group
