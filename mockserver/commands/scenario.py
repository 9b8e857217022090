"""``mockserver scenario list | show NAME``: the packaged scenarios and what they pin."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from typing import TYPE_CHECKING

from mockserver.resources import fixture_names
from mockserver.settings import SettingsError

if TYPE_CHECKING:
    from mockserver.fullstory.world.scenario import Scenario


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    scenario = commands.add_parser(
        "scenario",
        help="list the packaged scenarios, or show what one pins",
        description=(
            "Scenarios pin known users and sessions on top of the generated world "
            "(format: fixtures/README.md). --scenario and the pytest marker take the same names."
        ),
    )
    actions = scenario.add_subparsers(dest="action", required=True, metavar="ACTION")
    actions.add_parser("list", help="the packaged scenarios and their descriptions")
    show = actions.add_parser(
        "show", help="validate a scenario and list its users and sessions (or print its YAML)"
    )
    show.add_argument("name", help="a packaged scenario's name, or a path to a .yaml file")
    show.add_argument("--yaml", action="store_true", help="print the file as it is")


def run(args: argparse.Namespace) -> int:
    # Imported here, not at the top: the CLI builds this command's parser on every start, and
    # the scenario parser and the server state pull in most of the app.
    from mockserver.fullstory.world.scenario import ScenarioError, parse_scenario
    from mockserver.state import scenario_source

    if args.action == "list":
        for name in fixture_names():
            print(f"{name}\t{_load(name).description}")
        return 0
    try:
        source = scenario_source(args.name)
        if source is None:
            print("'none': the generated world only, nothing pinned")
            return 0
        if args.yaml:
            sys.stdout.write(source[1])
            return 0
        scenario = parse_scenario(source[1], args.name)
    except (SettingsError, ScenarioError) as exc:
        print(f"mockserver scenario: {exc}", file=sys.stderr)
        return 2
    sys.stdout.write(describe(scenario))
    return 0


def _load(name: str) -> Scenario:
    from mockserver.fullstory.world.scenario import parse_scenario
    from mockserver.state import scenario_source

    source = scenario_source(name)
    assert source is not None  # a packaged fixture's name is never "none"
    return parse_scenario(source[1], name)


def describe(scenario: Scenario) -> str:
    lines = [f"{scenario.name}: {scenario.description}".rstrip(": ")]
    settings = (
        (f.name, getattr(scenario.world, f.name)) for f in dataclasses.fields(scenario.world)
    )
    world = {name: value for name, value in settings if value is not None}
    if world:
        lines.append("world: " + ", ".join(f"{k}={v}" for k, v in world.items()))
    for pinned in scenario.users:
        user = pinned.user
        count = len(pinned.sessions)
        lines.append(f"user {user.uid} <{user.email}>: {count} session{'s' * (count != 1)}")
        for session in pinned.sessions:
            when = session.created.isoformat() if session.created else f"{session.ago} before epoch"
            lines.append(
                f"  session {session.session_id}: {session.journey} -> {session.outcome}, "
                f"{len(session.pages)} pages, {when}"
            )
    return "\n".join(lines) + "\n"
