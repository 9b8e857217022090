"""Segments: built-ins, seeded and runtime ones; paging; membership agrees with the world."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from mockserver.fullstory.segments.membership import TimeRange, members
from mockserver.fullstory.segments.rules import Rule, RuleError
from mockserver.fullstory.world.scenario import ScenarioError, parse_scenario
from mockserver.testing.fake import Fake

pytestmark = pytest.mark.mockserver(users=20)


def test_built_ins_have_no_created_or_creator(fullstory_client: httpx.Client) -> None:
    segments = fullstory_client.get("/segments/v1", params={"limit": 100}).json()["segments"]
    by_id = {s["id"]: s for s in segments}
    for built_in in ("everyone", "rageClicks", "deadClicks", "errorClicks"):
        assert "created" not in by_id[built_in] and "creator" not in by_id[built_in]
        assert by_id[built_in]["url"].endswith(f"/segments/{built_in}")
    custom = [s for s in segments if s["id"] not in {"everyone", "rageClicks", "deadClicks",
                                                     "errorClicks"}]  # fmt: skip
    assert custom and all("created" in s and "@" in s["creator"] for s in custom)
    single = fullstory_client.get("/segments/v1/everyone").json()
    assert single == by_id["everyone"]


def test_paging_both_token_spellings_and_creator(fullstory_client: httpx.Client) -> None:
    first = fullstory_client.get("/segments/v1", params={"limit": 4}).json()
    token = first["nextPaginationToken"]
    camel = fullstory_client.get("/segments/v1", params={"limit": 4, "paginationToken": token})
    snake = fullstory_client.get("/segments/v1", params={"limit": 4, "pagination_token": token})
    assert camel.json() == snake.json()
    everything = fullstory_client.get("/segments/v1", params={"limit": 100}).json()
    assert "nextPaginationToken" not in everything
    creator = everything["segments"][-1]["creator"]
    mine = fullstory_client.get("/segments/v1", params={"creator": creator}).json()["segments"]
    assert mine and all(s["creator"] == creator for s in mine)
    mixed = fullstory_client.get("/segments/v1", params={"creator": creator,
                                                         "paginationToken": token})  # fmt: skip
    assert mixed.status_code == 400
    assert fullstory_client.get("/segments/v1", params={"paginationToken": "zz"}).status_code == 400
    assert fullstory_client.get("/segments/v1", params={"limit": 101}).status_code == 400
    missing = fullstory_client.get("/segments/v1/nope")
    assert missing.status_code == 404 and missing.json()["code"] == "resource_not_found"


def test_runtime_segments_through_the_admin_api(fullstory: Fake) -> None:
    with fullstory.server.client() as admin:
        url = f"/__admin/tenants/{fullstory.tenant_id}/segments/checkout-clickers"
        body = {"name": "Checkout clickers", "rule": {"event": "click", "page_path": "/checkout"}}
        defined = admin.put(url, json=body)
        assert defined.status_code == 200 and defined.json()["source"] == "runtime"
        bad = admin.put(url, json={"name": "x", "rule": {"event": "teleport"}})
        assert bad.status_code == 400 and "rule.event" in bad.json()["error"]["message"]
        clash = admin.put(f"/__admin/tenants/{fullstory.tenant_id}/segments/everyone",
                          json={"name": "x"})  # fmt: skip
        assert clash.status_code == 400
        with fullstory.client() as client:
            segment = client.get("/segments/v1/checkout-clickers").json()
            assert segment["creator"] == "mockserver@example.com" and "created" in segment
        assert admin.delete(url).status_code == 200
        assert admin.delete(url).status_code == 404


def test_membership_agrees_with_the_events(fullstory: Fake) -> None:
    world = fullstory.tenant.fullstory.world
    rule = Rule(event="rage_click")
    found = list(members(world, rule, TimeRange()))
    assert found
    from mockserver.fullstory.events_model import session_events

    for user in found:
        kinds = {
            e["event_type"]
            for ref in world.sessions_of(user)
            for e in session_events(world.session(ref.session_id))  # type: ignore[arg-type]
        }
        assert kinds & {"rage-click", "click"}
    premium = list(members(world, Rule(user_properties={"plan": "premium"}), TimeRange()))
    assert all(u.properties["plan"] == "premium" for u in premium)
    window = TimeRange(datetime(2030, 1, 1, tzinfo=UTC), None)
    assert list(members(world, Rule(), window)) == []


def test_rules_are_validated() -> None:
    for bad, where in [
        ({"event": "teleport"}, "rule.event"),
        ({"device": "Fridge"}, "rule.device"),
        ({"page_path": "checkout"}, "rule.page_path"),
        ({"colour": "red"}, "rule"),
    ]:
        with pytest.raises(RuleError) as error:
            Rule.from_dict(bad)
        assert error.value.field == where
    assert Rule.from_dict({"event": "rage-click"}).event == "rage_click"


def test_scenario_files_define_segments() -> None:
    scenario = parse_scenario(
        "version: 1\nsegments:\n  - {id: vip, name: VIPs, rule: {country: Canada}}\n"
    )
    assert scenario.segments[0].rule.country == "Canada"
    with pytest.raises(ScenarioError, match=r"segments\[0\].rule.device"):
        parse_scenario("version: 1\nsegments:\n  - {id: a, name: A, rule: {device: Fridge}}\n")
    with pytest.raises(ScenarioError, match="defined twice"):
        parse_scenario("version: 1\nsegments:\n  - {id: a, name: A}\n  - {id: a, name: B}\n")
