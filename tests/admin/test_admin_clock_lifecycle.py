"""Clock and lifecycle policies over the admin API."""

from __future__ import annotations

import httpx
import pytest

from .admin_helpers import admin_error, ok


def test_clock_reads_freezes_sets_and_advances(admin: httpx.Client) -> None:
    clock = ok(admin.get("/__admin/clock"))
    assert clock == {"mode": "frozen", "now": "2026-09-01T00:00:00Z", "timestamp": 1788220800.0}
    after = ok(admin.post("/__admin/clock/advance", json={"seconds": 90.5}))
    assert after["now"] == "2026-09-01T00:01:30.500Z"
    moved = ok(admin.put("/__admin/clock", json={"mode": "manual", "time": "2027-01-01T12:00:00Z"}))
    assert moved["mode"] == "manual" and moved["now"] == "2027-01-01T12:00:00Z"
    system = ok(admin.put("/__admin/clock", json={"mode": "system"}))
    assert system["mode"] == "system"


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"mode": "sideways"},
        {"time": "2027-01-01T12:00:00"},  # no time zone
        {"time": "yesterday"},
    ],
)
def test_bad_clock_changes_are_400(admin: httpx.Client, body: dict[str, str]) -> None:
    admin_error(admin.put("/__admin/clock", json=body), 400)
    assert ok(admin.get("/__admin/clock"))["now"] == "2026-09-01T00:00:00Z"


@pytest.mark.parametrize("seconds", [-1, "ten", None])
def test_advance_only_forward_by_a_number(admin: httpx.Client, seconds: object) -> None:
    admin_error(admin.post("/__admin/clock/advance", json={"seconds": seconds}), 400)


def test_lifecycle_policies_per_tenant(admin: httpx.Client) -> None:
    ok(admin.post("/__admin/tenants", json={"tenant_id": "o-A-na1"}), 201)
    assert ok(admin.get("/__admin/tenants/o-A-na1/lifecycle")) == {
        "default": "polls:1",
        "kinds": {},
    }
    wanted = {
        "default": "immediate",
        "kinds": {"SEARCH_EXPORT": "polls:3", "SUMMARY": "seconds:30,fail=quota exceeded"},
    }
    assert ok(admin.put("/__admin/tenants/o-A-na1/lifecycle", json=wanted)) == wanted
    assert ok(admin.get("/__admin/tenants/o-A-na1/lifecycle")) == wanted
    # the default tenant is untouched
    assert ok(admin.get("/__admin/tenants/o-MOCK-na1/lifecycle"))["default"] == "polls:1"
    # PUT replaces: what is left out goes back to the defaults
    assert ok(admin.put("/__admin/tenants/o-A-na1/lifecycle", json={})) == {
        "default": "polls:1",
        "kinds": {},
    }


@pytest.mark.parametrize(
    "body",
    [
        {"default": "eventually"},
        {"kinds": {"SEARCH_EXPORT": "polls:-1"}},
        {"kinds": {"lower_case": "immediate"}},
        {"default": "immediate", "kinds": {"X": "seconds:1,retry"}},
    ],
)
def test_bad_lifecycle_policies_change_nothing(admin: httpx.Client, body: object) -> None:
    before = ok(admin.get("/__admin/tenants/o-MOCK-na1/lifecycle"))
    admin_error(admin.put("/__admin/tenants/o-MOCK-na1/lifecycle", json=body), 400)
    assert ok(admin.get("/__admin/tenants/o-MOCK-na1/lifecycle")) == before


def test_lifecycle_of_unknown_tenant_is_404(admin: httpx.Client) -> None:
    admin_error(admin.get("/__admin/tenants/o-NOPE-na1/lifecycle"), 404)
    admin_error(admin.put("/__admin/tenants/o-NOPE-na1/lifecycle", json={}), 404)
