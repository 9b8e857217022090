"""Cognigy contact profiles: a project, profiles the kit creates in it (where writes are allowed,
deleted at the end), and the stateful rule the spec cannot state: a profile created is read back
as written, an update is a merge patch, a merge folds the other profile (its contact ids and the
data this one lacks) in and removes it, and a deleted profile is gone."""

from __future__ import annotations

from typing import Any

import httpx

from mockserver.contract.context import PropertyContext
from mockserver.contract.entries import NEEDS_WRITES, ApiEntry, Discover, ExplicitCase, Property

PROFILES = "/new/v2.0/profiles"
# Any MongoId names a project (Cognigy's projects are not part of this API); against the real
# API the config file names one of the account's projects instead.
PROJECT = "5ce7c2d833ea1e04d7e6c432"
CONTACT = "mockserver-contract-kit@example.com"


def _status(response: httpx.Response, expected: int, what: str) -> Any:
    assert response.status_code == expected, f"{what}: {response.status_code} {response.text}"
    return response.json() if response.content else None


def create_read_update_merge_delete(ctx: PropertyContext) -> None:
    client, project = ctx.client, ctx.state("project.id")
    main_contact, other_contact = "kit-flow-a@example.com", "kit-flow-b@example.com"
    created = _status(
        client.post(
            PROFILES,
            json={
                "projectId": project,
                "contactIds": [main_contact],
                "profile": {"firstname": "Ada", "lastname": "Kit"},
            },
        ),
        201,
        "create",
    )
    pid = created["_id"]
    other: str | None = None
    try:
        read = _status(client.get(f"{PROFILES}/{pid}"), 200, "read back")
        assert read["profile"]["firstname"] == "Ada" and read["contactIds"] == [main_contact]
        patch = {"profile": {"lastname": None, "email": "ada@example.com"}}
        _status(client.patch(f"{PROFILES}/{pid}", json=patch), 204, "update")
        read = _status(client.get(f"{PROFILES}/{pid}"), 200, "read the update")
        assert "lastname" not in read["profile"], "a null in a merge patch must remove the field"
        assert read["profile"]["email"] == "ada@example.com", "an update was acknowledged, lost"
        second = {
            "projectId": project,
            "contactIds": [other_contact],
            "profile": {"firstname": "Other", "gender": "female"},
        }
        other = _status(client.post(PROFILES, json=second), 201, "create a second")["_id"]
        merge = {"contactId": other_contact, "projectId": project}
        merged = _status(client.post(f"{PROFILES}/{pid}/merge", json=merge), 200, "merge")
        assert set(merged["contactIds"]) == {main_contact, other_contact}, merged["contactIds"]
        assert merged["profile"]["firstname"] == "Ada", "the merge target's values must win"
        assert client.get(f"{PROFILES}/{other}").status_code == 404, "merged, still there"
        other = None
        _status(client.delete(f"{PROFILES}/{pid}"), 204, "delete")
        assert client.get(f"{PROFILES}/{pid}").status_code == 404, "deleted, still there"
    finally:
        for leftover in (pid, other):
            if leftover:
                client.delete(f"{PROFILES}/{leftover}")


def _profile(state: str, contacts: list[str]) -> Discover:
    return Discover(
        state,
        PROFILES,
        "/_id",
        method="POST",
        json={"projectId": "{project.id}", "contactIds": contacts, "profile": {"firstname": "Kit"}},
        writes=True,
        cleanup=f"DELETE {PROFILES}/{{{state}}}",
    )


ENTRY = ApiEntry(
    spec="cognigy",
    scenario="default",
    states={"project.id": PROJECT},
    discover=(
        # One profile to read, update and merge into; a spare the fuzzing's deleteProfile
        # removes; two that only the explicit cases name (the fuzzing's updates replace the
        # contact ids of the profiles it knows, so unmerge and remove get their own).
        _profile("profile.id", [CONTACT]),
        _profile("spare_profile.id", ["mockserver-contract-spare@example.com"]),
        _profile("unmerge_profile.id", ["kit-unmerge-a@example.com", "kit-unmerge-b@example.com"]),
        _profile("remove_profile.id", ["kit-remove-a@example.com", "kit-remove-b@example.com"]),
    ),
    examples={
        "*": {"profileId": "profile.id", "projectId": "project.id"},
        "deleteProfile": {"profileId": "spare_profile.id"},
    },
    cases=(
        ExplicitCase("indexProfiles", query={"projectId": "{project.id}", "limit": 5}),
        ExplicitCase("readProfile", path_parameters={"profileId": "{profile.id}"}),
        ExplicitCase(
            "updateProfile",
            path_parameters={"profileId": "{profile.id}"},
            body={"profile": {"lastname": "Kit"}, "active": True},
        ),
        ExplicitCase(
            "mergeProfiles",
            path_parameters={"profileId": "{profile.id}"},
            body={"contactId": "kit-merged@example.com", "projectId": "{project.id}"},
        ),
        ExplicitCase(
            "unmergeProfiles",
            path_parameters={"profileId": "{unmerge_profile.id}"},
            body={"contactId": "kit-unmerge-b@example.com"},
        ),
        ExplicitCase(
            "removeContactIdFromProfile",
            path_parameters={"profileId": "{remove_profile.id}"},
            body={"contactId": "kit-remove-b@example.com"},
        ),
        ExplicitCase("exportProfileData", path_parameters={"profileId": "{profile.id}"}),
        ExplicitCase("removeProfileData", path_parameters={"profileId": "{profile.id}"}),
        ExplicitCase("getProfileSchema", path_parameters={"projectId": "{project.id}"}),
        ExplicitCase(
            "setProfileSchema",
            path_parameters={"projectId": "{project.id}"},
            body={"details": [{"field": "Loyalty", "internal": "loyalty", "type": "string"}]},
        ),
    ),
    properties=(
        Property(
            "create_read_update_merge_delete",
            create_read_update_merge_delete,
            frozenset({NEEDS_WRITES}),
        ),
    ),
    volatile=frozenset({"_id", "createdAt", "lastChanged", "lastChangedBy", "createdBy"}),
)
