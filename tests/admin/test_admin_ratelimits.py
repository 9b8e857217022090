"""Rate limits through HTTP with a frozen clock: exact burst, exact Retry-After."""

from __future__ import annotations

import httpx
import pytest
from hypothesis import given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

from mockserver.app import create_app
from mockserver.core.clock import ClockMode
from mockserver.settings import Settings
from mockserver.testing.transport import in_process_client

from .admin_helpers import ClientFor, admin_error, new_tenant, ok


def statuses(client: httpx.Client, n: int) -> list[int]:
    return [client.get("/me").status_code for _ in range(n)]


@pytest.mark.parametrize(("rate", "burst"), [(1, 3), (0.25, 2), (0.1, 1), (2, 5)])
def test_burst_then_exact_retry_after(
    admin: httpx.Client, client_for: ClientFor, rate: float, burst: int
) -> None:
    fs = client_for(new_tenant(admin, "o-A-na1"))
    limits = {"groups": {"me": {"rate_per_second": rate, "burst": burst}}}
    ok(admin.put("/__admin/tenants/o-A-na1/rate-limits", json=limits))
    assert statuses(fs, burst) == [200] * burst
    refused = fs.get("/me")
    assert refused.status_code == 429
    assert refused.json() == {
        "message": "Too many requests. Client has exceeded the rate limit for this endpoint.",
        "code": "too_many_requests",
    }
    retry_after = int(refused.headers["Retry-After"])
    assert retry_after >= 1
    if retry_after > 1:
        ok(admin.post("/__admin/clock/advance", json={"seconds": retry_after - 1}))
        assert fs.get("/me").status_code == 429
        ok(admin.post("/__admin/clock/advance", json={"seconds": 1}))
    else:
        ok(admin.post("/__admin/clock/advance", json={"seconds": retry_after}))
    assert fs.get("/me").status_code == 200


def test_retry_after_minus_one_is_still_refused(admin: httpx.Client, client_for: ClientFor) -> None:
    fs = client_for(new_tenant(admin, "o-A-na1"))
    limits = {"groups": {"me": {"rate_per_second": 0.2, "burst": 1}}}  # one token per 5 s
    ok(admin.put("/__admin/tenants/o-A-na1/rate-limits", json=limits))
    assert statuses(fs, 2) == [200, 429]
    ok(admin.post("/__admin/clock/advance", json={"seconds": 2}))
    refused = fs.get("/me")
    retry_after = int(refused.headers["Retry-After"])
    assert retry_after == 3
    ok(admin.post("/__admin/clock/advance", json={"seconds": retry_after - 1}))
    assert fs.get("/me").status_code == 429
    ok(admin.post("/__admin/clock/advance", json={"seconds": 1}))
    assert fs.get("/me").status_code == 200


def test_groups_and_keys_have_their_own_buckets(admin: httpx.Client, client_for: ClientFor) -> None:
    secret = new_tenant(admin, "o-A-na1")
    other = ok(admin.post("/__admin/keys", json={"tenant": "o-A-na1", "level": "admin"}), 201)
    limits = {"default": {"rate_per_second": 1, "burst": 1}}
    ok(admin.put("/__admin/tenants/o-A-na1/rate-limits", json=limits))
    fs = client_for(secret)
    assert statuses(fs, 2) == [200, 429]
    # another group, same key: its own bucket
    sessions = fs.get("/v2/sessions", params={"uid": "x"})
    assert sessions.status_code == 200
    # another key, same group: its own bucket
    assert client_for(other["secret"]).get("/me").status_code == 200


def test_get_lists_known_groups_and_put_changes_them(admin: httpx.Client) -> None:
    limits = ok(admin.get("/__admin/tenants/o-MOCK-na1/rate-limits"))
    assert limits["enabled"] is True
    assert limits["default"] == {"rate_per_second": 50.0, "burst": 100}
    assert limits["known_groups"] == [
        "cognigy-data", "cognigy-read", "cognigy-schema", "cognigy-write", "context", "events",
        "exports", "me", "opal-ai-analysis", "opal-discovery", "opal-tools", "operations",
        "profiles", "segments", "sessions", "summaries",
    ]  # fmt: skip
    assert limits["groups"] == dict.fromkeys(limits["known_groups"])
    change = {"enabled": False, "groups": {"events": {"rate_per_second": 5, "burst": 10}}}
    changed = ok(admin.put("/__admin/tenants/o-MOCK-na1/rate-limits", json=change))
    assert changed["enabled"] is False
    assert changed["groups"]["events"] == {"rate_per_second": 5.0, "burst": 10}
    back = ok(
        admin.put("/__admin/tenants/o-MOCK-na1/rate-limits", json={"groups": {"events": None}})
    )
    assert back["groups"]["events"] is None and back["enabled"] is False


@pytest.mark.parametrize(
    "body",
    [
        {"groups": {"nonsense": {"rate_per_second": 1, "burst": 1}}},
        {"groups": {"me": {"rate_per_second": 0, "burst": 1}}},
        {"default": {"rate_per_second": 1, "burst": 0}},
        {"enabled": "yes"},
    ],
)
def test_bad_limits_are_400_and_change_nothing(admin: httpx.Client, body: object) -> None:
    before = ok(admin.get("/__admin/tenants/o-MOCK-na1/rate-limits"))
    admin_error(admin.put("/__admin/tenants/o-MOCK-na1/rate-limits", json=body), 400)
    assert ok(admin.get("/__admin/tenants/o-MOCK-na1/rate-limits")) == before


def test_switch_off_per_tenant_and_server_wide(admin: httpx.Client, client_for: ClientFor) -> None:
    fs = client_for(new_tenant(admin, "o-A-na1"))
    tight = {"default": {"rate_per_second": 1, "burst": 1}}
    ok(admin.put("/__admin/tenants/o-A-na1/rate-limits", json=tight))
    assert statuses(fs, 2) == [200, 429]
    ok(admin.put("/__admin/tenants/o-A-na1/rate-limits", json={"enabled": False}))
    assert statuses(fs, 5) == [200] * 5
    ok(admin.put("/__admin/tenants/o-A-na1/rate-limits", json={"enabled": True, "refill": True}))
    assert statuses(fs, 2) == [200, 429]
    # server-wide: applies to existing tenants and to tenants made later
    server = ok(admin.put("/__admin/rate-limits", json={"enabled": False}))
    assert server == {"enabled": False, "default": {"rate_per_second": 50.0, "burst": 100}}
    assert statuses(fs, 3) == [200] * 3
    assert ok(admin.get("/__admin/tenants/o-MOCK-na1/rate-limits"))["enabled"] is False
    ok(admin.put("/__admin/rate-limits", json={"enabled": True, "default": tight["default"]}))
    later = client_for(new_tenant(admin, "o-B-na1"))
    assert statuses(later, 2) == [200, 429]


def test_setting_switches_limits_off() -> None:
    app = create_app(Settings(validate_responses=True, rate_limits=False, rate_limit_burst=1))
    with in_process_client(app, headers={"Authorization": "Basic mock-admin-key"}) as fs:
        assert statuses(fs, 5) == [200] * 5


def test_never_more_than_the_budget() -> None:
    """Property: from any start, at most burst + rate*T requests pass in T seconds, and each
    Retry-After is honest (after it, the next request passes)."""
    settings = Settings(validate_responses=True, clock=ClockMode.FROZEN)
    key = {"Authorization": "Basic mock-admin-key"}  # the admin API ignores it (no token set)
    with in_process_client(create_app(settings), headers=key) as client:

        @hyp_settings(max_examples=30, deadline=None)
        @given(
            rate=st.sampled_from([0.5, 1.0, 2.0, 3.0]),
            burst=st.integers(min_value=1, max_value=4),
            steps=st.lists(st.integers(min_value=0, max_value=3), min_size=1, max_size=10),
        )
        def check(rate: float, burst: int, steps: list[int]) -> None:
            ok(client.post("/__admin/reset"))  # fresh buckets, clock back at its start
            policy = {"rate_per_second": rate, "burst": burst}
            ok(client.put("/__admin/rate-limits", json={"default": policy}))
            elapsed = passed = 0
            for wait in steps:
                ok(client.post("/__admin/clock/advance", json={"seconds": wait}))
                elapsed += wait
                answers = [client.get("/me") for _ in range(burst + 1)]
                passed += sum(r.status_code == 200 for r in answers)
                assert passed <= burst + rate * elapsed
                refused = [r for r in answers if r.status_code == 429]
                if refused:
                    retry_after = int(refused[-1].headers["Retry-After"])
                    ok(client.post("/__admin/clock/advance", json={"seconds": retry_after}))
                    elapsed += retry_after
                    assert client.get("/me").status_code == 200
                    passed += 1
                    assert passed <= burst + rate * elapsed

        check()


def test_the_spec_names_the_rate_limit_groups(admin: httpx.Client) -> None:
    # An unknown group is refused; the served spec must say so (an independent schemathesis run
    # over /__admin/openapi.json then sees only documented behaviour).
    new_tenant(admin, "o-G-na1")
    known = ok(admin.get("/__admin/tenants/o-G-na1/rate-limits"))["known_groups"]
    document = ok(admin.get("/__admin/openapi.json"))
    assert document["components"]["schemas"]["RateLimitGroup"]["enum"] == known
    refused = admin.put(
        "/__admin/tenants/o-G-na1/rate-limits", json={"groups": {"nosuchgroup": None}}
    )
    assert "nosuchgroup" in admin_error(refused, 400)["message"]
