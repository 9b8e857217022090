"""Segment answers are kept until the tenant's segments change: every change shows at once
(create, replace, delete, restore, reset, snapshot import), and what is kept is exactly what
would be built again."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from mockserver.fullstory.segments.model import Segment
from mockserver.fullstory.segments.rules import Rule
from mockserver.fullstory.segments.store import SegmentStore
from mockserver.testing.fake import Fake

pytestmark = pytest.mark.mockserver(users=20)

EVERYTHING = {"limit": 100}


def listed_ids(client: httpx.Client, **params: str) -> list[str]:
    answer = client.get("/segments/v1", params={**EVERYTHING, **params})
    assert answer.status_code == 200
    return [segment["id"] for segment in answer.json()["segments"]]


def admin_url(fake: Fake, segment_id: str) -> str:
    return f"/__admin/tenants/{fake.tenant_id}/segments/{segment_id}"


def test_a_created_segment_is_listed_and_found_at_once(fullstory: Fake) -> None:
    with fullstory.client() as client:
        before = listed_ids(client)
        assert client.get("/segments/v1/vip").status_code == 404
        fullstory.define_segment("vip", "VIPs", creator="owner@example.com")
        assert listed_ids(client) == [*before, "vip"]
        assert listed_ids(client, creator="owner@example.com") == ["vip"]
        assert client.get("/segments/v1/vip").json()["name"] == "VIPs"


def test_a_replaced_segment_is_answered_new(fullstory: Fake) -> None:
    with fullstory.client() as client, fullstory.server.client() as admin:
        assert admin.put(admin_url(fullstory, "vip"), json={"name": "Old"}).status_code == 200
        assert client.get("/segments/v1/vip").json()["name"] == "Old"
        old_page = client.get("/segments/v1", params=EVERYTHING).json()["segments"]
        assert old_page[-1]["name"] == "Old"
        assert admin.put(admin_url(fullstory, "vip"), json={"name": "New"}).status_code == 200
        assert client.get("/segments/v1/vip").json()["name"] == "New"
        new_page = client.get("/segments/v1", params=EVERYTHING).json()["segments"]
        assert new_page[-1]["name"] == "New"


def test_a_deleted_segment_is_gone_at_once(fullstory: Fake) -> None:
    fullstory.define_segment("vip", "VIPs")
    with fullstory.client() as client, fullstory.server.client() as admin:
        assert "vip" in listed_ids(client)
        assert client.get("/segments/v1/vip").status_code == 200
        assert admin.delete(admin_url(fullstory, "vip")).status_code == 200
        assert "vip" not in listed_ids(client)
        assert client.get("/segments/v1/vip").status_code == 404


def test_a_change_moves_the_pages_and_their_tokens(fullstory: Fake) -> None:
    with fullstory.client() as client:
        fixed = listed_ids(client)
        first = client.get("/segments/v1", params={"limit": len(fixed)}).json()
        assert "nextPaginationToken" not in first  # the whole list fits
        fullstory.define_segment("vip", "VIPs")
        again = client.get("/segments/v1", params={"limit": len(fixed)}).json()
        token = again["nextPaginationToken"]
        last = client.get("/segments/v1", params={"limit": len(fixed), "paginationToken": token})
        assert [s["id"] for s in last.json()["segments"]] == ["vip"]


def test_reset_forgets_runtime_segments(fullstory: Fake) -> None:
    fullstory.define_segment("vip", "VIPs")
    with fullstory.client() as client:
        assert "vip" in listed_ids(client)
        assert client.get("/segments/v1/vip").status_code == 200
        fullstory.reset()
        assert "vip" not in listed_ids(client)
        assert client.get("/segments/v1/vip").status_code == 404


def test_a_snapshot_import_answers_the_imported_segments(fullstory: Fake) -> None:
    snapshot_url = f"/__admin/tenants/{fullstory.tenant_id}/snapshot"
    with fullstory.client() as client, fullstory.server.client() as admin:
        empty = admin.get(snapshot_url).json()
        fullstory.define_segment("vip", "VIPs")
        with_vip = admin.get(snapshot_url).json()
        assert "vip" in listed_ids(client)
        assert admin.put(snapshot_url, json=empty).status_code == 200
        assert "vip" not in listed_ids(client)
        assert client.get("/segments/v1/vip").status_code == 404
        assert admin.put(snapshot_url, json=with_vip).status_code == 200
        assert "vip" in listed_ids(client)
        assert client.get("/segments/v1/vip").status_code == 200


def test_bad_tokens_and_unknown_ids_are_refused_every_time(fullstory: Fake) -> None:
    with fullstory.client() as client:
        for _ in range(2):
            bad = client.get("/segments/v1", params={"paginationToken": "zz"})
            assert bad.status_code == 400
            assert client.get("/segments/v1/nope").status_code == 404


def segment(segment_id: str, name: str) -> Segment:
    return Segment(segment_id, name, Rule(), "a@example.com", datetime(2026, 1, 1, tzinfo=UTC))


def test_the_store_forgets_its_answers_on_every_change() -> None:
    store = SegmentStore([segment("fixed", "Fixed")])

    def answer() -> bytes:
        return store.answer("ids", lambda: ",".join(s.id for s in store.all()).encode())

    assert answer() == b"fixed"
    store.define(segment("a", "A"))
    assert answer() == b"fixed,a"
    store.define(segment("a", "A again"))  # a replacement under the same id
    store.define(segment("b", "B"))
    assert answer() == b"fixed,a,b"
    store.remove("a")
    assert answer() == b"fixed,b"
    store.remove("never-defined")  # no change, nothing to forget
    assert answer() == b"fixed,b"
    store.restore([segment("c", "C").to_dict()])  # a snapshot or the state file
    assert answer() == b"fixed,c"
    with pytest.raises(ValueError):
        store.restore([segment("fixed", "Clash").to_dict()])  # refused: nothing changes
    assert answer() == b"fixed,c"
