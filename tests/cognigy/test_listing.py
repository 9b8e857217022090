"""GET /new/v2.0/profiles: filter, sort, skip, total and cursor paging that neither skips nor
repeats, forward and back."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.cognigy.conftest import OTHER_PROJECT, PROFILES, PROJECT, Create
from tests.cognigy.test_profiles import error

NAMES = ["max", "Anna", "bob", "Clara", "dave", "Eve", "frank", "Gina", "hal", "Ida", "Max"]


@pytest.fixture
def people(create: Create) -> list[dict[str, Any]]:
    made = [
        create(f"c-{i}", firstname=name, lastname="Team Blue" if i % 3 else "Team Red")
        for i, name in enumerate(NAMES)
    ]
    create("elsewhere", project=OTHER_PROJECT, firstname="Max")
    return made


def _walk(client: httpx.Client, params: dict[str, Any], direction: str = "next") -> list[str]:
    """Every page of a list, following cursors; the ids in list order."""
    seen: list[str] = []
    query = {"projectId": PROJECT, "limit": 4, **params}
    pages = 0
    while True:
        page = client.get(PROFILES, params=query).json()
        ids = [item["_id"] for item in page["items"]]
        seen = seen + ids if direction == "next" else ids + seen
        cursor = page["nextCursor" if direction == "next" else "previousCursor"]
        pages += 1
        if cursor is None:
            return seen
        query = {**query, direction: cursor}
        query.pop("previous" if direction == "next" else "next", None)
        assert pages < 20


@pytest.mark.parametrize("sort", ["profile.firstname:asc", "firstname:desc", "createdAt:desc",
                                  "_id:asc", None])  # fmt: skip
def test_cursor_paging_neither_skips_nor_repeats(
    cognigy: httpx.Client, people: list[dict[str, Any]], sort: str | None
) -> None:
    params = {"sort": sort} if sort else {}
    listed = _walk(cognigy, params)
    assert sorted(listed) == sorted(p["_id"] for p in people)
    everything = cognigy.get(PROFILES, params={"projectId": PROJECT, "limit": 100, **params})
    assert listed == [item["_id"] for item in everything.json()["items"]]
    if sort and "firstname" in sort:
        names = [next(p for p in people if p["_id"] == i)["profile"]["firstname"] for i in listed]
        assert names == sorted(names, key=str.casefold, reverse=sort.endswith("desc"))


def test_previous_cursors_walk_back_over_the_same_pages(
    cognigy: httpx.Client, people: list[dict[str, Any]]
) -> None:
    params: dict[str, Any] = {"projectId": PROJECT, "limit": 4, "sort": "firstname:asc"}
    first = cognigy.get(PROFILES, params=params).json()
    assert first["previousCursor"] is None and first["total"] == len(NAMES)
    second = cognigy.get(PROFILES, params={**params, "next": first["nextCursor"]}).json()
    back = cognigy.get(PROFILES, params={**params, "previous": second["previousCursor"]}).json()
    assert back["items"] == first["items"]
    assert back["previousCursor"] is None and back["nextCursor"] is not None


def test_filter_matches_every_word_case_insensitively(
    cognigy: httpx.Client, people: list[dict[str, Any]]
) -> None:
    def names(filter_text: str) -> list[str]:
        query = {"projectId": PROJECT, "filter": filter_text, "sort": "firstname:asc"}
        page = cognigy.get(PROFILES, params=query).json()
        assert page["total"] == len(page["items"])
        return [item["profile"]["firstname"] for item in page["items"]]

    assert names("MAX") == ["max", "Max"]  # not the other project's; ties in creation order
    assert names("team red") == ["Clara", "frank", "Ida", "max"]
    assert names("red anna") == []
    assert names("c-4") == ["dave"]  # contact ids count
    red = _walk(cognigy, {"filter": "red", "limit": 3})
    assert len(red) == len(set(red)) == 4


def test_skip_and_total(cognigy: httpx.Client, people: list[dict[str, Any]]) -> None:
    params: dict[str, Any] = {"projectId": PROJECT, "sort": "_id:asc", "limit": 3}
    all_ids = sorted(p["_id"] for p in people)
    page = cognigy.get(PROFILES, params={**params, "skip": 9}).json()
    assert [i["_id"] for i in page["items"]] == all_ids[9:]
    assert page["total"] == len(NAMES) and page["nextCursor"] is None
    assert page["previousCursor"] is not None
    assert cognigy.get(PROFILES, params={**params, "skip": 50}).json()["items"] == []


def test_index_items_have_the_documented_fields(
    cognigy: httpx.Client, people: list[dict[str, Any]]
) -> None:
    item = cognigy.get(PROFILES, params={"projectId": PROJECT, "limit": 1}).json()["items"][0]
    assert list(item) == ["_id", "active", "profile", "projectId", "lastChanged", "contactIds"]
    assert item["projectId"] == PROJECT


def test_cursors_belong_to_their_list(cognigy: httpx.Client, people: list[dict[str, Any]]) -> None:
    params: dict[str, Any] = {"projectId": PROJECT, "limit": 2}
    cursor = cognigy.get(PROFILES, params=params).json()["nextCursor"]
    error(cognigy.get(PROFILES, params={**params, "next": cursor, "sort": "createdAt:asc"}),
          400, 1005)  # fmt: skip
    both = {**params, "next": cursor, "previous": cursor}
    error(cognigy.get(PROFILES, params=both), 400, 1005)
    moved = cognigy.get(PROFILES, params={**params, "next": cursor})
    assert moved.status_code == 200


def test_a_listed_profile_shows_every_change_at_once(
    cognigy: httpx.Client, create: Create, people: list[dict[str, Any]]
) -> None:
    """A JSON page joins each profile's item encoded once (until the profile changes); after
    every kind of write it must say what a freshly built page says (the HAL page, built from
    dicts on each request) and what reading the profile says."""
    listing: dict[str, Any] = {"projectId": PROJECT, "limit": 100}

    def check() -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = cognigy.get(PROFILES, params=listing).json()["items"]
        hal = cognigy.get(PROFILES, params=listing, headers={"Accept": "application/hal+json"})
        fresh = [{k: v for k, v in item.items() if k != "_links"} for item in hal.json()["items"]]
        assert items == fresh
        for item in items:
            read = cognigy.get(f"{PROFILES}/{item['_id']}").json()
            assert item == {k: read[k] for k in item if k != "projectId"} | {"projectId": PROJECT}
        return items

    check()
    first, second, third = (p["_id"] for p in people[:3])
    changes = [
        ("PATCH", first, {"profile": {"firstname": "Zoe", "tasks": ["x"]}, "active": False}),
        ("PATCH", first, {"contactIds": ["c-0", "c-0b"]}),
        ("POST", f"{first}/merge", {"contactId": "c-1", "projectId": PROJECT}),
        ("POST", f"{first}/unmerge", {"contactId": "c-0b"}),
        ("POST", f"{first}/contactids/remove", {"contactId": "c-0"}),
        ("POST", f"{third}/data/remove", {}),
        ("DELETE", third, None),
    ]
    for method, path, body in changes:
        response = cognigy.request(method, f"{PROFILES}/{path}", json=body)
        assert response.status_code < 300, response.text
        items = check()
    by_id = {item["_id"]: item for item in items}
    assert by_id[first]["profile"]["firstname"] == "Zoe"
    assert by_id[first]["active"] is False
    assert second not in by_id  # merged into the first
    assert third not in by_id
