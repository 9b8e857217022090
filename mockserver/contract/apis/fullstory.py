"""FullStory sessions, events and summaries: a user (uid and e-mail) with sessions, one of their
sessions, summary profiles the kit creates (where writes are allowed), segments, exports and
operations (:mod:`mockserver.contract.apis.exports`), and the rules the spec cannot state (union
of uid and e-mail, ``limit`` is a prefix of the whole list, most recent first, no repeats,
repeated reads agree, Retry-After honesty, an export runs to its download)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mockserver.contract.apis import exports
from mockserver.contract.apis.summaries import (
    a_response_validates_against_its_response_schema,
    profile_listing_neither_skips_nor_repeats,
)
from mockserver.contract.context import PropertyContext
from mockserver.contract.entries import (
    NEEDS_ADMIN,
    NEEDS_HOOKS,
    NEEDS_WRITES,
    ApiEntry,
    Discover,
    ExplicitCase,
    Property,
)

LISTS = (("/v2/sessions", "results", "created_time"), ("/sessions/v2", "sessions", "createdTime"))


def _ok(response: httpx.Response) -> Any:
    assert response.status_code == 200, f"{response.request.url}: {response.status_code}"
    return response.json()


def _ids(body: dict[str, Any], key: str) -> list[str]:
    items = body[key]
    if key == "sessions":
        return [f"{item['userId']}:{item['sessionId']}" for item in items]
    return [item["id"] for item in items]


def uid_and_email_give_the_union(ctx: PropertyContext) -> None:
    users = ctx.users()

    @ctx.settings
    @given(st.sampled_from(users), st.sampled_from(users))
    def check(a: tuple[str, str], b: tuple[str, str]) -> None:
        get = ctx.client.get
        by_uid = _ids(_ok(get("/v2/sessions", params={"uid": a[0], "limit": 100})), "results")
        by_email = _ids(_ok(get("/v2/sessions", params={"email": b[1], "limit": 100})), "results")
        both = _ids(
            _ok(get("/v2/sessions", params={"uid": a[0], "email": b[1], "limit": 100})), "results"
        )
        assert len(both) == len(set(both)), "a session listed twice"
        assert set(both) == set(by_uid) | set(by_email) or len(both) == 100, "not the union"

    check()


def limit_is_a_prefix_most_recent_first(ctx: PropertyContext) -> None:
    users = ctx.users()

    @ctx.settings
    @given(st.sampled_from(users), st.sampled_from(LISTS), st.integers(1, 20), st.booleans())
    def check(
        user: tuple[str, str], listing: tuple[str, str, str], limit: int, by_email: bool
    ) -> None:
        path, key, time_field = listing
        params: dict[str, Any] = {"email": user[1]} if by_email else {"uid": user[0]}
        everything = _ok(ctx.client.get(path, params={**params, "limit": 100}))[key]
        items = _ok(ctx.client.get(path, params={**params, "limit": limit}))[key]
        assert len(items) == min(limit, len(everything)), "limit not honoured"
        assert items == everything[: len(items)], "not a prefix of the full, ordered list"
        times = [item[time_field] for item in everything]
        keys = [int(t) for t in times] if time_field == "createdTime" else times
        assert keys == sorted(keys, reverse=True), "not most recent first"

    check()


def no_session_listed_twice(ctx: PropertyContext) -> None:
    for uid, email in ctx.users():
        for path, key, _ in LISTS:
            for params in ({"uid": uid}, {"email": email}, {"uid": uid, "email": email}):
                ids = _ids(_ok(ctx.client.get(path, params={**params, "limit": 100})), key)
                assert len(ids) == len(set(ids)), f"{path} {params}: a session listed twice"


def repeated_reads_agree(ctx: PropertyContext) -> None:
    uid = ctx.state("user.uid")
    session = ctx.state("session.id")
    reads: list[tuple[str, str, dict[str, str | int]]] = [
        ("GET", "/v2/sessions", {"uid": uid, "limit": 10}),
        ("GET", "/sessions/v2", {"uid": uid, "limit": 10}),
        ("GET", f"/v2/sessions/{session}/events", {}),
        ("GET", "/me", {}),
    ]
    for method, path, params in reads:
        first = ctx.client.request(method, path, params=params)
        second = ctx.client.request(method, path, params=params)
        assert first.status_code == second.status_code == 200, f"{path}: {second.status_code}"
        assert first.json() == second.json(), f"{path}: two reads disagree"


def same_world_same_answers(ctx: PropertyContext) -> None:
    """A tenant reset rebuilds the world from its seed: the same requests get the same bytes."""
    uid, session = ctx.state("user.uid"), ctx.state("session.id")
    paths = [("/v2/sessions", {"uid": uid}), (f"/v2/sessions/{session}/events", {}), ("/me", {})]
    before = [_ok(ctx.client.get(path, params=params)) for path, params in paths]
    ctx.control.reset_tenant(ctx.tenant)
    assert [_ok(ctx.client.get(path, params=params)) for path, params in paths] == before


def retry_after_is_honest(ctx: PropertyContext) -> None:
    """On the kit's tenant with a one-request bucket: the second request is refused with a
    Retry-After, and waiting that long is enough (real seconds: kept to one short wait)."""
    clock = ctx.control.request("GET", "/clock").json()
    if clock.get("mode") != "system":
        pytest.skip(f"the target's clock is {clock.get('mode')}: Retry-After cannot elapse")
    previous = ctx.control.request("GET", f"/tenants/{ctx.tenant}/rate-limits").json()
    ctx.control.set_rate_limits(
        ctx.tenant,
        {"enabled": True, "default": {"rate_per_second": 2, "burst": 1}, "refill": True},
    )
    try:
        with ctx.unpaced() as raw:
            assert raw.get("/me").status_code == 200
            refused = raw.get("/me")
            assert refused.status_code == 429, refused.status_code
            wait = int(refused.headers["Retry-After"])
            assert wait == 1, f"Retry-After {wait} for a bucket that refills in 0.5 s"
            ctx.sleep(wait)
            assert raw.get("/me").status_code == 200, "refused after waiting Retry-After"
    finally:
        restore = {k: previous[k] for k in ("enabled", "default", "groups")}
        ctx.control.set_rate_limits(ctx.tenant, {**restore, "refill": True})


def rate_limits_are_exact(ctx: PropertyContext) -> None:
    """Frozen clock: never more than ``burst`` accepted; Retry-After is exact (waiting one
    second less is still refused, waiting that long is enough)."""
    clock = ctx.server.state.clock
    tenant = ctx.tenant
    clock.freeze(clock.now())

    @ctx.settings
    @given(st.integers(1, 5), st.sampled_from([0.25, 0.5, 1.0, 2.0, 10.0]), st.integers(1, 12))
    def check(burst: int, rate: float, attempts: int) -> None:
        ctx.control.set_rate_limits(
            tenant,
            {"enabled": True, "default": {"rate_per_second": rate, "burst": burst}, "refill": True},
        )
        with ctx.unpaced() as raw:
            statuses = [raw.get("/me").status_code for _ in range(attempts)]
            assert statuses.count(200) == min(burst, attempts)
            assert set(statuses) <= {200, 429}
            if attempts <= burst:
                return
            refused = raw.get("/me")
            assert refused.status_code == 429
            retry_after = int(refused.headers["Retry-After"])
            assert retry_after >= 1
            if retry_after > 1:
                clock.advance(retry_after - 1)
                assert raw.get("/me").status_code == 429, "Retry-After was longer than needed"
                clock.advance(1)
            else:
                clock.advance(retry_after)
            assert raw.get("/me").status_code == 200, "Retry-After was too short"

    try:
        check()
    finally:
        ctx.control.set_rate_limits(tenant, {"enabled": False, "refill": True})
        ctx.server.state.reset_clock()


ENTRY = ApiEntry(
    spec="fullstory",
    scenario="default",
    states={
        "user.uid": "jane-checkout",
        "user.email": "jane.checkout@example.com",
        "other.uid": "sam-support",
        "other.email": "sam.support@example.com",
        "segment.id": "everyone",  # built in, in every org
    },
    discover=(
        Discover("session.id", "/v2/sessions", "/results/0/id", params={"uid": "{user.uid}"}),
        # Summary profiles: one to read and update, a spare to delete (v2 and beta forms).
        *(
            Discover(
                state,
                path,
                "/id",
                method="POST",
                json=body,
                writes=True,
                cleanup=f"DELETE {path}/{{{state}}}",
            )
            for state, path, body in (
                ("profile.id", "/v2/visit_profile", {"name": "mockserver contract kit"}),
                ("spare_profile.id", "/v2/visit_profile", {"name": "mockserver contract spare"}),
                ("beta_profile.id", "/v2beta/visit_profile", {"id": "mockserver-contract-beta"}),
                ("spare_beta.id", "/v2beta/visit_profile", {"id": "mockserver-contract-spare"}),
            )
        ),
        *exports.STEPS,
    ),
    examples={
        "*": {
            "uid": "user.uid",
            "email": "user.email",
            "session_id": "session.id",
            "config_profile": "profile.id",
            "config_profile_id": "profile.id",
        },
        "getVisitProfile": {"id": "profile.id"},
        "updateVisitProfile": {"id": "profile.id"},
        "deleteVisitProfile": {"id": "spare_profile.id"},
        "getBetaVisitProfile": {"id": "beta_profile.id"},
        "deleteBetaVisitProfile": {"id": "spare_beta.id"},
        **exports.EXAMPLES,
    },
    bodies=exports.BODIES,
    volatile=exports.VOLATILE,
    cases=(
        ExplicitCase("listSessions", query={"uid": "{user.uid}", "limit": 5}),
        ExplicitCase("listSessions", query={"email": "{other.email}"}),
        ExplicitCase("listSessionsV2", query={"uid": "{user.uid}", "limit": 5}),
        ExplicitCase("listSessionsV2", query={"email": "{user.email}", "uid": "{other.uid}"}),
        ExplicitCase("getSessionEvents", path_parameters={"session_id": "{session.id}"}),
        ExplicitCase(
            "generateSessionContext", path_parameters={"session_id": "{session.id}"}, body={}
        ),
        ExplicitCase("getMe"),
        ExplicitCase(
            "generateSessionSummary",
            path_parameters={"session_id": "{session.id}"},
            query={"config_profile": "{profile.id}"},
        ),
        ExplicitCase(
            "generateSessionSummaryWithOverrides",
            path_parameters={"session_id": "{session.id}"},
            body={},
        ),
        ExplicitCase("getVisitProfile", path_parameters={"id": "{profile.id}"}),
        ExplicitCase(
            "updateVisitProfile",
            path_parameters={"id": "{profile.id}"},
            body={"name": "mockserver contract kit"},
        ),
        ExplicitCase("listVisitProfiles", query={"limit": 5}),
        ExplicitCase("getBetaVisitProfile", path_parameters={"id": "{beta_profile.id}"}),
        *exports.CASES,
    ),
    properties=(
        Property("uid_and_email_give_the_union", uid_and_email_give_the_union),
        Property("limit_is_a_prefix_most_recent_first", limit_is_a_prefix_most_recent_first),
        Property("no_session_listed_twice", no_session_listed_twice),
        Property("repeated_reads_agree", repeated_reads_agree),
        Property("same_world_same_answers", same_world_same_answers, frozenset({NEEDS_ADMIN})),
        Property("retry_after_is_honest", retry_after_is_honest, frozenset({NEEDS_ADMIN})),
        Property(
            "rate_limits_are_exact", rate_limits_are_exact, frozenset({NEEDS_ADMIN, NEEDS_HOOKS})
        ),
        Property(
            "a_response_validates_against_its_response_schema",
            a_response_validates_against_its_response_schema,
            frozenset({NEEDS_WRITES}),
        ),
        Property(
            "profile_listing_neither_skips_nor_repeats",
            profile_listing_neither_skips_nor_repeats,
            frozenset({NEEDS_WRITES}),
        ),
        Property(
            "an_export_runs_to_its_download",
            exports.an_export_runs_to_its_download,
            frozenset({NEEDS_WRITES}),
        ),
    ),
)
