"""ServerState without HTTP: tenants, keys, resets, fault validation, rate-limit defaults."""

from __future__ import annotations

import pytest

from mockserver.app import load_specs
from mockserver.core.faults import (
    DropConnectionAction,
    ErrorAction,
    FaultMatch,
    FaultSpec,
    LatencyAction,
)
from mockserver.core.keys import KeyLevel
from mockserver.core.ratelimit import RateLimitPolicy
from mockserver.core.saver import StateSaver
from mockserver.settings import Settings, SettingsError
from mockserver.state import (
    ApiCatalog,
    Conflict,
    RateDefaults,
    ServerState,
    StateError,
    TenantConfig,
    UnknownTenant,
    fixture_scenario,
)


@pytest.fixture
def state() -> ServerState:
    state = ServerState(Settings(users=20))
    state.catalog = ApiCatalog.of(load_specs()["fullstory"].operations)
    return state


def test_tenants_known_through_keys_config_or_use(state: ServerState) -> None:
    assert state.tenant_ids() == ["o-MOCK-na1"]  # through the default keys
    assert not state.has_tenant("o-X-na1")
    state.tenant("o-X-na1")  # used
    state.configure_tenant("o-Y-na1", TenantConfig(seed=2, users=5))
    assert state.tenant_ids() == ["o-MOCK-na1", "o-X-na1", "o-Y-na1"]
    assert state.is_configured("o-Y-na1") and not state.is_configured("o-X-na1")
    with pytest.raises(UnknownTenant, match="o-Z-na1"):
        state.existing_tenant("o-Z-na1")


def test_create_tenant_conflicts_and_made_up_ids(state: ServerState) -> None:
    config = TenantConfig(seed=1, users=5)
    with pytest.raises(Conflict):
        state.create_tenant("o-MOCK-na1", config)
    made_up = [state.create_tenant(None, config).tenant_id for _ in range(3)]
    assert len(set(made_up)) == 3


def test_bad_config_changes_nothing(state: ServerState) -> None:
    before = state.tenant("o-MOCK-na1")
    with pytest.raises(SettingsError):
        state.configure_tenant("o-MOCK-na1", TenantConfig(seed=1, users=-1))
    with pytest.raises(SettingsError):
        state.configure_tenant("o-MOCK-na1", TenantConfig(1, 5, "x", "users: 3"))
    assert state.tenant("o-MOCK-na1") is before


def test_reset_rebuilds_from_config_and_keeps_keys(state: ServerState) -> None:
    state.configure_tenant("o-A-na1", TenantConfig(seed=4, users=5))
    key = state.create_key("o-A-na1", KeyLevel.STANDARD)
    tenant = state.tenant("o-A-na1")
    tenant.limiter.configure("me", RateLimitPolicy(1, 1))
    state.faults.add(FaultSpec(action=LatencyAction(1), match=FaultMatch(tenant="o-A-na1")))
    kept = state.faults.add(FaultSpec(action=LatencyAction(1), match=FaultMatch(tenant="o-B")))
    state.reset_tenant("o-A-na1")
    fresh = state.tenant("o-A-na1")
    assert fresh is not tenant and fresh.config.seed == 4 and fresh.limiter.policies() == {}
    assert state.keys.find(key.secret) == key
    assert [rule.id for rule in state.faults.list()] == [kept.id]


def test_delete_revokes_keys(state: ServerState) -> None:
    key = state.create_key("o-A-na1", KeyLevel.ADMIN)
    assert state.has_tenant("o-A-na1")
    assert [k.key_id for k in state.delete_tenant("o-A-na1")] == [key.key_id]
    assert state.keys.find(key.secret) is None and not state.has_tenant("o-A-na1")
    with pytest.raises(UnknownTenant):
        state.delete_tenant("o-A-na1")


def test_reset_all_restores_configured_keys(state: ServerState) -> None:
    extra = state.create_key("o-A-na1", KeyLevel.ADMIN)
    state.keys.revoke(state.keys.all()[0].key_id)
    state.reset_all()
    assert state.keys.find(extra.secret) is None
    assert [k.secret for k in state.keys.all() if not k.revoked] == [
        "mock-standard-key",
        "mock-architect-key",
        "mock-admin-key",
    ]


def test_key_secrets_are_random_unless_deterministic_is_asked(state: ServerState) -> None:
    other = ServerState(Settings(users=20))
    ours = [state.create_key("t", KeyLevel.ADMIN, deterministic=True).secret for _ in range(3)]
    theirs = [other.create_key("t", KeyLevel.ADMIN, deterministic=True).secret for _ in range(3)]
    assert ours == theirs and len(set(ours)) == 3
    secret = [state.create_key("t", KeyLevel.ADMIN).secret for _ in range(3)]
    again = [other.create_key("t", KeyLevel.ADMIN).secret for _ in range(3)]
    assert len(set(secret)) == 3 and not set(secret) & (set(again) | set(ours))
    with pytest.raises(Conflict):
        state.create_key("t", KeyLevel.ADMIN, secret=ours[0])


@pytest.mark.parametrize(
    ("spec", "allowed"),
    [
        (FaultSpec(ErrorAction(404), FaultMatch(operation_id="getSessionEvents")), True),
        (FaultSpec(ErrorAction(404), FaultMatch(operation_id="getMe")), False),
        (FaultSpec(ErrorAction(413), FaultMatch(operation_id="generateSessionContext")), True),
        (FaultSpec(ErrorAction(404)), True),  # some operation documents it
        (FaultSpec(ErrorAction(503)), False),  # none does
        (FaultSpec(DropConnectionAction(), FaultMatch(operation_id="getMe")), True),
        (FaultSpec(DropConnectionAction(), FaultMatch(operation_id="nope")), False),
    ],
)
def test_fault_rules_must_be_documented(state: ServerState, spec: FaultSpec, allowed: bool) -> None:
    if allowed:
        state.add_fault(spec)
        assert len(state.faults) == 1
    else:
        with pytest.raises(StateError):
            state.add_fault(spec)
        assert len(state.faults) == 0


def test_catalog_lists_rate_limit_groups(state: ServerState) -> None:
    assert state.catalog.groups == [
        "context", "events", "exports", "me", "operations", "profiles", "segments", "sessions",
        "summaries",
    ]  # fmt: skip
    assert state.catalog.groups_by_operation["listSessions"] == "sessions"


def test_rate_defaults_apply_to_existing_and_new_tenants(state: ServerState) -> None:
    old = state.tenant("o-A-na1")
    old.limiter.configure("me", RateLimitPolicy(9, 9))
    state.set_rate_defaults(RateDefaults(False, RateLimitPolicy(2, 3)))
    new = state.tenant("o-B-na1")
    for tenant in (old, new):
        assert tenant.limiter.enabled is False
        assert tenant.limiter.default == RateLimitPolicy(2, 3)
    assert old.limiter.policies() == {"me": RateLimitPolicy(9, 9)}  # group overrides stay


def test_fixture_scenarios_are_names_not_paths() -> None:
    assert fixture_scenario("none") is None
    source = fixture_scenario("default")
    assert source is not None and source[0] == "default"
    for bad in ["../fixtures/default", "/etc/passwd", "default.yaml", "missing-one"]:
        with pytest.raises(StateError):
            fixture_scenario(bad)


def test_flush_saves_only_when_dirty(state: ServerState) -> None:
    saves: list[int] = []
    state.flush()  # no state file: nothing happens
    state.attach_saver(
        StateSaver(
            "test", lambda: state.generation, lambda: lambda: saves.append(1), now=state.clock.now
        )
    )
    state.flush()
    assert saves == []
    state.mark_dirty()
    state.flush()
    state.flush()
    assert saves == [1] and not state.dirty
    state.flush(force=True)
    assert saves == [1, 1]
