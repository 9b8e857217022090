"""The plugin's ``cognigy`` fixtures, the way users meet them: a test file in a fresh run."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

USER_TESTS = """
import pytest

PROFILES = "/new/v2.0/profiles"


def test_create_read_and_journal(cognigy, cognigy_client):
    body = {"projectId": cognigy.project_id, "contactIds": ["ann@example.com"],
            "profile": {"firstname": "Ann"}}
    made = cognigy_client.post(PROFILES, json=body)
    assert made.status_code == 201
    read = cognigy_client.get(f"{PROFILES}/{made.json()['_id']}")
    assert read.json()["profile"] == {"firstname": "Ann"}
    cognigy.assert_called("createProfile", times=1)


def test_each_test_has_its_own_tenant(cognigy, cognigy_client):
    listed = cognigy_client.get(PROFILES, params={"projectId": cognigy.project_id})
    assert listed.json()["total"] == 0


def test_seeding_and_the_clock(cognigy, cognigy_client):
    cognigy.freeze_clock("2026-01-01T00:00:00Z")
    seeded = cognigy.add_profile("c-1", firstname="Bo")
    assert seeded.created_at == 1767225600
    assert cognigy.calls() == []
    listed = cognigy_client.get(PROFILES, params={"projectId": cognigy.project_id, "filter": "bo"})
    assert [item["_id"] for item in listed.json()["items"]] == [seeded.id]


@pytest.mark.mockserver(faults=[{"match": {"operation_id": "readProfile"},
                                 "action": {"type": "error", "status": 404}}])
def test_faults_answer_in_cognigy_shape(cognigy, cognigy_client):
    seeded = cognigy.add_profile("c-1")
    answer = cognigy_client.get(f"{PROFILES}/{seeded.id}")
    assert answer.status_code == 404 and answer.json()["code"] == 1002
"""


@pytest.mark.parametrize("mode", ["inprocess", "server"])
def test_cognigy_fixtures(pytester: pytest.Pytester, mode: str) -> None:
    pytester.makepyfile(test_user=USER_TESTS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", f"--mockserver-mode={mode}")
    result.assert_outcomes(passed=4)
