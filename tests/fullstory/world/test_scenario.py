"""Scenario files: pins win over the generated world; bad files fail with a clear message."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from mockserver.fullstory.ids import SessionId
from mockserver.fullstory.world.generator import World, WorldConfig
from mockserver.fullstory.world.scenario import (
    Scenario,
    ScenarioError,
    load_scenario,
    parse_scenario,
)

REPO = Path(__file__).resolve().parents[3]
DEFAULT = REPO / "fixtures" / "default.yaml"
EPOCH = datetime(2026, 9, 1, tzinfo=UTC)
CONFIG = WorldConfig(3, 10_000, "o-1A2B3C-na1", "Acme", EPOCH)


def default_world() -> World:
    return World(CONFIG, load_scenario(DEFAULT))


def test_default_scenario_pins_jane() -> None:
    world = default_world()
    jane = world.user_by_email("JANE.CHECKOUT@example.com")
    assert jane is not None
    assert jane == world.user_by_uid("jane-checkout")
    assert jane.display_name == "Jane Checkout"
    assert jane.properties["plan"] == "premium"
    assert jane.location.city == "Brooklyn"
    refs = world.sessions_of(jane)
    assert [r.created for r in refs] == sorted((r.created for r in refs), reverse=True)
    assert refs[0].created == EPOCH - timedelta(days=1, hours=2)
    failed, bought = (world.session(ref.session_id) for ref in refs)
    assert failed is not None and bought is not None
    assert failed.journey == "payment_failure"
    types = {e.type for e in failed.events}
    assert {"request", "console_message", "exception", "click", "identify"} <= types
    network = next(e for e in failed.events if e.type == "request" and e.page_index == 4)
    assert network.properties["request_status"] == 500
    exception = next(e for e in failed.events if e.type == "exception")
    assert exception.properties["message"] == (
        "Uncaught TypeError: Cannot read properties of undefined (reading 'token')"
    )
    rage = next(e for e in failed.events if e.type == "click" and e.properties["is_rage_click"])
    assert rage.properties["target"]["text"] == "Place order"
    assert failed.pages[4].view_id == failed.pages[3].view_id  # same_view: an SPA step
    assert any(e.name == "Order Completed" for e in bought.events)
    assert world.session_by_uid("7C1F4A52-0B8E-4D7A-9A51-2F0D3C6E8B14") == failed


def test_default_scenario_pins_sam() -> None:
    world = default_world()
    sam = world.user_by_email("sam.support@example.com")
    assert sam is not None
    (ref,) = world.sessions_of(sam)
    session = world.session(ref.session_id)
    assert session is not None
    assert session.journey == "support_visit"
    assert {"copy", "paste"} <= {e.type for e in session.events}
    assert session.device.operating_system == "iOS"
    assert world.session_by_uid(ref.session_uid) == session


def test_pinned_sessions_are_time_ordered_with_implicit_navigates() -> None:
    world = default_world()
    session = world.session_by_id("5914802517630194781:7210365481229753190")
    assert session is not None
    times = [e.at for e in session.events]
    assert times == sorted(times)
    navigates = [e for e in session.events if e.type == "navigate"]
    assert len(navigates) == len(session.pages)


def test_pins_win_over_generated_users_and_sessions() -> None:
    plain = World(CONFIG)
    generated = plain.user_at(1234)
    ref = next(iter(plain.sessions_of(generated)), None)
    session_line = f'id: "{ref.session_id}"' if ref else ""
    text = f"""
users:
  - uid: {generated.uid}
    email: {generated.email}
    display_name: Pinned Person
    sessions:
      - {session_line or "ago: 2h"}
        session_uid: {ref.session_uid if ref else "6f1c3c3e-1b7a-4f3e-9d55-0b1e7a2c9d10"}
        pages:
          - url: https://shop.example.com/pinned
            title: Pinned page
"""
    world = World(CONFIG, parse_scenario(text))
    pinned = world.user_by_uid(generated.uid)
    assert pinned is not None and pinned.display_name == "Pinned Person"
    assert world.user_by_email(generated.email) == pinned
    (pinned_ref,) = world.sessions_of(pinned)
    pinned_session = world.session(pinned_ref.session_id)
    assert pinned_session is not None
    assert pinned_session.pages[0].title == "Pinned page"
    if ref is not None:
        assert world.session(ref.session_id) == pinned_session
        assert world.session_by_uid(ref.session_uid) == pinned_session
    assert world.user_at(1234) == generated  # the generator itself is untouched


def test_scenario_ids_do_not_depend_on_the_seed() -> None:
    text = """
users:
  - uid: someone
    email: someone@example.com
    sessions:
      - pages: [{url: "https://shop.example.com/", title: Home}]
"""
    scenario = parse_scenario(text)
    a = World(CONFIG, scenario).sessions_of(scenario.users[0].user)
    b = World(WorldConfig(99, 10, "o-9", "Other", EPOCH), scenario).sessions_of(
        scenario.users[0].user
    )
    assert [r.session_id for r in a] == [r.session_id for r in b]
    assert a[0].session_id.user_part == scenario.users[0].user.device_id
    assert a[0].created == EPOCH - timedelta(days=1)


def test_client_id_form_sessions_can_be_pinned() -> None:
    sid = "7c1f4a52-0b8e-4d7a-9a51-2f0d3c6e8b14:0e6b9d38-5f2c-4c1e-8d07-b5a4e9f13a62"
    text = f"""
users:
  - uid: mobile
    email: mobile@example.com
    sessions:
      - id: "{sid.upper()}"
        created: 2026-08-01T10:00:00Z
        device: {{preset: safari-ios, screen: [390, 844], viewport: [390, 700]}}
        pages: [{{url: "https://shop.example.com/", title: Home}}]
"""
    world = World(CONFIG, parse_scenario(text))
    session = world.session(SessionId(*sid.split(":")))
    assert session is not None
    assert session.ref.created == datetime(2026, 8, 1, 10, tzinfo=UTC)
    assert session.device.viewport == (390, 700)


def test_scenario_world_settings() -> None:
    scenario = parse_scenario(
        "world: {seed: 9, users: 50, org_name: Named, epoch: '2026-01-01T00:00:00Z'}\nusers: []\n"
    )
    config = CONFIG.with_scenario(scenario)
    assert (config.seed, config.users, config.org_id, config.org_name) == (
        9,
        50,
        CONFIG.org_id,
        "Named",
    )
    assert config.epoch == datetime(2026, 1, 1, tzinfo=UTC)


def test_scenario_site_makes_generated_sessions_browse_the_pinned_store() -> None:
    scenario = parse_scenario("world: {site_brand: Bolt Bikes, site_host: www.boltbikes.test}\n")
    world = World(replace(CONFIG, org_name=""), scenario)
    assert (world.org.name, world.org.domain) == ("Bolt Bikes", "boltbikes.test")
    user = next(world.user_at(i) for i in range(50) if world.sessions_of(world.user_at(i)))
    session = world.session(world.sessions_of(user)[0].session_id)
    assert session is not None
    assert all(page.url.startswith("https://www.boltbikes.test/") for page in session.pages)


def test_default_scenario_loads_cleanly() -> None:
    scenario = load_scenario(DEFAULT)
    assert isinstance(scenario, Scenario)
    assert scenario.name == "default"
    assert {p.user.uid for p in scenario.users} == {"jane-checkout", "sam-support"}


def test_the_packaged_text_parses_from_its_json_copy_as_from_yaml(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("MOCKSERVER_YAML_CACHE", raising=False)
    text = DEFAULT.read_text(encoding="utf-8")
    parsed = parse_scenario(text, "default")  # writes the copy
    assert list(tmp_path.rglob("scenario-default.yaml-*.json"))
    assert parse_scenario(text, "default") == parsed
    assert parsed == replace(load_scenario(DEFAULT), source="default")  # parsed from YAML


@pytest.mark.parametrize("label", ["0" * 5000, "../default", "default/", "<uploaded>"])
def test_any_source_label_parses_without_touching_the_cache(
    label: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only a packaged fixture's own text is read through the JSON copies: a label that is no
    fixture name (an upload's, a snapshot's) is parsed, never looked up as a file name."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("MOCKSERVER_YAML_CACHE", raising=False)
    assert parse_scenario(DEFAULT.read_text(encoding="utf-8"), label).users
    assert not list(tmp_path.rglob("*.json"))


MINIMAL_SESSION = "pages: [{url: 'https://shop.example.com/', title: Home}]"
USER = "users: [{uid: a, email: a@x.com, sessions: ["
PAGE = USER + "{pages: [{url: 'https://x.com/', title: T, "


@pytest.mark.parametrize(
    ("text", "field", "problem"),
    [
        ("users: [{uid: a}]", "users[0].email", "non-empty string"),
        ("users: [{uid: a, email: nope}]", "users[0].email", "not an e-mail"),
        ("users: [{uid: a, email: a@example.com, colour: red}]", "users[0]", "unknown key"),
        ("users: {uid: a}", "users", "must be a list"),
        ("version: 2", "version", "only version 1"),
        ("- just a list", "<root>", "must be a mapping"),
        (
            "users: [{uid: a, email: a@x.com}, {uid: a, email: b@x.com}]",
            "users[1].uid",
            "already used",
        ),
        (
            "users: [{uid: a, email: A@x.com}, {uid: b, email: a@x.com}]",
            "users[1].email",
            "already used",
        ),
        ("users: [{uid: a, email: a@x.com, device_id: abc}]", "users[0].device_id", "int64"),
        (
            "users: [{uid: a, email: a@x.com, sessions: [{id: '1:2:3', "
            + MINIMAL_SESSION[0:]
            + "}]}]",
            "users[0].sessions[0].id",
            "one ':'",
        ),
        (
            "users: [{uid: a, email: a@x.com, sessions: [{}]}]",
            "users[0].sessions[0].pages",
            "at least one",
        ),
        (
            "users: [{uid: a, email: a@x.com, sessions: [{ago: soon, " + MINIMAL_SESSION + "}]}]",
            "users[0].sessions[0].ago",
            "duration",
        ),
        (
            "users: [{uid: a, email: a@x.com, sessions: [{created: 2026-01-01T00:00:00, "
            + MINIMAL_SESSION
            + "}]}]",
            "users[0].sessions[0].created",
            "time zone",
        ),
        (
            USER + "{ago: 1d, created: '2026-01-01T00:00:00Z', " + MINIMAL_SESSION + "}]}]",
            "users[0].sessions[0]",
            "not both",
        ),
        (
            "users: [{uid: a, email: a@x.com, sessions: [{device: toaster, "
            + MINIMAL_SESSION
            + "}]}]",
            "users[0].sessions[0].device.preset",
            "unknown preset",
        ),
        (
            "users: [{uid: a, email: a@x.com, sessions: [{device: {browser: Chrome}, "
            + MINIMAL_SESSION
            + "}]}]",
            "users[0].sessions[0].device.device",
            "required without a preset",
        ),
        (
            "users: [{uid: a, email: a@x.com, sessions: [{pages: [{url: /relative, title: T}]}]}]",
            "users[0].sessions[0].pages[0].url",
            "absolute",
        ),
        (
            PAGE + "events: [{type: clik}]}]}]}]",
            "users[0].sessions[0].pages[0].events[0].type",
            "unknown event type",
        ),
        (
            PAGE + "events: [{type: custom}]}]}]}]",
            "users[0].sessions[0].pages[0].events[0].name",
            "required for custom",
        ),
        (
            PAGE + "events: [{type: click, at: -3}]}]}]}]",
            "users[0].sessions[0].pages[0].events[0].at",
            "number >= 0",
        ),
        (
            PAGE + "at: 5, events: [{type: click, at: 1}]}]}]}]",
            "users[0].sessions[0].pages[0].events",
            "before its page",
        ),
        (
            PAGE + "events: [{type: navigate, properties: {navigate_reason: teleport}}]}]}]}]",
            "users[0].sessions[0].pages[0].events[0].properties.navigate_reason",
            "must be one of",
        ),
        (
            "users: [{uid: a, email: a@x.com, sessions: [{pages: [{url: 'https://x.com/', "
            "title: T, same_view: true}]}]}]",
            "users[0].sessions[0].pages[0].same_view",
            "false on the first page",
        ),
        ("users: [unclosed", "<file>", "not valid YAML"),
    ],
)
def test_bad_scenarios_raise_with_file_and_field(text: str, field: str, problem: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, "bad.yaml")
    assert caught.value.source == "bad.yaml"
    assert caught.value.field == field
    assert problem in caught.value.problem
    assert str(caught.value).startswith(f"bad.yaml: {field}: ")


def test_missing_file_raises_scenario_error(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="cannot be read"):
        load_scenario(tmp_path / "absent.yaml")


def test_load_from_file_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("users: [{uid: a}]\n")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert str(path) in str(caught.value)


LEGACY = """
users:
  - uid: old
    email: old@example.com
    sessions:
      - pages:
          - url: https://shop.example.com/checkout
            title: Checkout
            events:
              - {type: navigate, at: 0, properties: {navigate_reason: pushstate}}
              - {type: input-change, at: 1, properties: {field: Email, target_selector: input#email}}
              - {type: rage-click, at: 2, properties: {target_text: Pay, target_selector: button.pay, click_count: 5}}
              - {type: network-error, at: 3, properties: {method: POST, url: "https://shop.example.com/api/pay", status_code: 502, duration_ms: 90}}
              - {type: console-error, at: 4, properties: {message: "Uncaught TypeError: x is undefined", source: "https://shop.example.com/app.js:3:14"}}
              - {type: console-error, at: 5, properties: {message: "payment declined"}}
"""  # noqa: E501


def test_old_hyphenated_scenario_events_load_in_the_events_model() -> None:
    world = World(CONFIG, parse_scenario(LEGACY))
    user = world.user_by_uid("old")
    assert user is not None
    session = world.session(world.sessions_of(user)[0].session_id)
    assert session is not None
    kinds = [(e.type, dict(e.properties)) for e in session.events]
    assert kinds[0] == ("navigate", {"navigate_reason": "navigate"})
    change, rage, request, exception, _ = (props for _, props in kinds[1:])
    assert kinds[1][0] == "change"
    assert change["target"]["element_properties"] == {"label": "Email"}
    assert kinds[2][0] == "click"
    assert rage["is_rage_click"] is True and rage["click_count"] == 5
    assert rage["target"]["text"] == "Pay" and rage["target"]["raw_selector"] == "button.pay"
    assert kinds[3][0] == "request"
    assert request["request_status"] == 502
    assert request["request_url"]["path"] == "/api/pay"
    assert kinds[4][0] == "exception"
    assert exception == {
        "message": "Uncaught TypeError: x is undefined",
        "file_url": "https://shop.example.com/app.js",
        "line_number": 3,
        "column_number": 14,
    }
    assert kinds[5] == ("console_message", {"message": "payment declined", "level": "error"})
