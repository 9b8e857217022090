"""Every admin 404 carries one code, and a body of the wrong shape says which fields it needs."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
import yaml

ADMIN_SPEC = yaml.safe_load(
    (Path(__file__).resolve().parents[2] / "openapi" / "admin.yaml").read_text()
)
# Well-formed ids of things that do not exist (each matches its parameter's pattern).
MISSING = {
    "tenant": "o-NOPE-na1",
    "segment": "noSuchSegment",
    "key_id": "key_000000000000",
    "fault_id": "fault-999999",
}
# Bodies that pass validation, so the lookup is what fails.
VALID_BODIES = {
    "putLifecycle": {"default": "immediate"},
    "putTenantRateLimits": {"enabled": True},
    "putAdminSegment": {"name": "Nobody"},
}


def routes_with_a_missing_thing() -> list[tuple[str, str, str]]:
    """Every admin operation whose path names a tenant, segment, key or fault, except the two
    PUTs that create the tenant they name (a tenant's config, a snapshot import)."""
    creates = {"putTenant", "putTenantSnapshot"}
    found = []
    for path, item in ADMIN_SPEC["paths"].items():
        if "{" not in path:
            continue
        for method, operation in item.items():
            if (
                method in {"get", "put", "post", "delete"}
                and operation["operationId"] not in creates
            ):
                found.append((method.upper(), path, operation["operationId"]))
    return found


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/__admin/no-such-route"),
        ("GET", "/__admin/tenants/o-NOPE-na1"),
        ("GET", "/__admin/faults/fault-999999"),
        ("DELETE", "/__admin/keys/key_000000000000"),
    ],
)
def test_every_admin_404_has_one_code(admin: httpx.Client, method: str, path: str) -> None:
    response = admin.request(method, path)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "resource_not_found"


@pytest.mark.parametrize(
    ("method", "template", "operation_id"),
    routes_with_a_missing_thing(),
    ids=[route[2] for route in routes_with_a_missing_thing()],
)
def test_every_admin_route_answers_a_missing_thing_with_one_404_code(
    admin: httpx.Client, method: str, template: str, operation_id: str
) -> None:
    path = re.sub(r"\{(\w+)\}", lambda m: MISSING[m.group(1)], template)
    response = admin.request(method, path, json=VALID_BODIES.get(operation_id))
    assert response.status_code == 404, response.text
    assert response.json()["error"]["code"] == "resource_not_found"


def test_a_latency_fault_without_ms_names_the_missing_field(admin: httpx.Client) -> None:
    response = admin.post("/__admin/faults", json={"action": {"type": "latency"}})
    assert response.status_code == 400
    assert response.json()["error"]["message"] == (
        'request body is invalid: action: "ms" is a required property '
        '(expected {"type": "latency", ms})'
    )


def test_an_unknown_fault_type_lists_every_form(admin: httpx.Client) -> None:
    message = admin.post("/__admin/faults", json={"action": {"type": "boom"}}).json()["error"][
        "message"
    ]
    assert message.startswith('request body is invalid: action: {"type":"boom"} matches none')
    for form in ('{"type": "error", status, code?, message?}', '{"type": "latency", ms}'):
        assert form in message


def test_two_forms_of_one_type_are_both_shown(admin: httpx.Client) -> None:
    message = admin.post("/__admin/faults", json={"action": {"type": "truncate_body"}}).json()[
        "error"
    ]["message"]
    assert message.endswith(
        'expected {"type": "truncate_body", keep_fraction} or {"type": "truncate_body", keep_bytes}'
    )


def test_rate_limits_of_the_wrong_shape_name_the_right_fields(admin: httpx.Client) -> None:
    response = admin.put(
        "/__admin/tenants/o-MOCK-na1/rate-limits", json={"me": {"rate_per_second": 1, "burst": 2}}
    )
    assert response.status_code == 400
    assert response.json()["error"]["message"] == (
        "request body is invalid: Additional properties are not allowed ('me' was unexpected); "
        "expected only: enabled, default, groups, refill"
    )


def test_a_pattern_failure_says_in_words_what_was_expected(admin: httpx.Client) -> None:
    response = admin.put("/__admin/clock", json={"time": "yesterday"})
    assert response.status_code == 400
    assert response.json()["error"]["message"].endswith(
        "; expected: RFC 3339 with a time zone, within the years 1970..8999."
    )
    policy = admin.put("/__admin/tenants/o-MOCK-na1/lifecycle", json={"default": "later"})
    assert "expected: `immediate`, `polls:N`" in policy.json()["error"]["message"]
