"""The README says what the code does: every setting under its two names, every field of every
admin request body, every rate-limit group."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

import yaml

from mockserver.app import TENANT_APIS, load_specs
from mockserver.settings import ENV_PREFIX, Settings, flag
from mockserver.state import ApiCatalog

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text()


def settings_rows() -> dict[str, list[str]]:
    """The Settings table: ``{flag: [variable, default, meaning]}``, every row kept."""
    rows: dict[str, list[str]] = {}
    for line in section("Settings").splitlines():
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if line.startswith("| `--"):
            assert cells[0] not in rows, f"{cells[0]} has two rows"
            rows[cells[0]] = cells[1:]
    return rows


def documented_default(value: Any) -> str | None:
    """How the table writes a default, for the plain ones (None: not checked here)."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float | str) and not hasattr(value, "value"):
        return str(value)
    return None


def test_every_setting_has_one_row_with_its_two_names_and_default() -> None:
    rows = settings_rows()
    names = set()
    for field in dataclasses.fields(Settings):
        cli = f"`--{flag(field.name)}`"
        names.add(cli)
        assert cli in rows, f"{cli} is not in the Settings table"
        variable, default, _meaning = rows[cli]
        assert variable == f"`{ENV_PREFIX}{field.name.upper()}`", cli
        expected = documented_default(field.default)
        if expected is not None:
            assert default == f"`{expected}`", (
                f"{cli}: the table says {default}, the code {expected}"
            )
    assert set(rows) == names, f"rows for no setting: {sorted(set(rows) - names)}"


def test_quick_start_is_two_make_commands() -> None:
    quick_start = README.split("## Quick start", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in quick_start.strip().splitlines()]
    assert commands == ["make serve", "make test"]


def section(title: str) -> str:
    """The README's text from the heading that starts with ``title`` to the next heading of the
    same level."""
    heading = next(
        line for line in README.splitlines() if re.match(rf"#+ {re.escape(title)}", line)
    )
    level = heading.split(" ", 1)[0]
    body = README.split(heading, 1)[1]
    return re.split(rf"\n{level} ", body, maxsplit=1)[0]


def body_fields(schema: dict[str, Any], components: dict[str, Any], depth: int) -> set[str]:
    """The property names of a request body schema, through $refs, oneOf branches, nested
    objects and maps, down to ``depth`` levels."""
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[1]]
    names: set[str] = set()
    if depth == 0:
        return names
    for branch in schema.get("oneOf", []) + schema.get("anyOf", []) + schema.get("allOf", []):
        names |= body_fields(branch, components, depth)
    for name, sub in (schema.get("properties") or {}).items():
        names.add(name)
        names |= body_fields(sub, components, depth - 1)
    if isinstance(schema.get("additionalProperties"), dict):
        names |= body_fields(schema["additionalProperties"], components, depth)
    return names


def test_every_admin_request_body_field_is_in_the_readme() -> None:
    spec = yaml.safe_load((REPO / "openapi" / "admin.yaml").read_text())
    components = spec["components"]["schemas"]
    table = section("The control plane").split("**Request bodies**", 1)[1]
    rows = {
        match.group(1): match.group(2)
        for match in re.finditer(r"^\| `([A-Z]+ /__admin/\S+)` \| (.*) \|$", table, re.MULTILINE)
    }
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if not isinstance(operation, dict) or "requestBody" not in operation:
                continue
            call = f"{method.upper()} {path}"
            assert call in rows, f"{call} has no row under **Request bodies**"
            schema = operation["requestBody"]["content"]["application/json"]["schema"]
            # A snapshot is what GET answered: its top-level fields are documented, not the
            # journal entries inside it.
            depth = 1 if operation["operationId"] == "putTenantSnapshot" else 10
            missing = sorted(
                name
                for name in body_fields(schema, components, depth)
                if f"`{name}`" not in rows[call]
            )
            assert not missing, f"{call}: fields not documented: {missing}"


def test_the_rate_limit_groups_listed_are_the_served_ones() -> None:
    specs = load_specs()
    groups = ApiCatalog.of(op for api in TENANT_APIS for op in specs[api].operations).groups
    listed = README.split("The rate-limit groups, named in", 1)[1].split("\n\n", 1)[0]
    listed = listed.split(":", 1)[1]  # after "...in step with them):"
    assert sorted(re.findall(r"`([^`]+)`", listed)) == groups


def test_the_command_line_table_names_every_command_and_spec() -> None:
    from mockserver.cli import build_parser
    from mockserver.commands.spec import served_apis

    table = section("The command line")
    commands = build_parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    for name in commands:  # type: ignore[union-attr]
        assert f"| `mockserver {name}" in table, name
    spec_row = next(line for line in table.splitlines() if line.startswith("| `mockserver spec ["))
    for api in served_apis():
        assert f"`{api}`" in spec_row, api


def test_every_admin_query_parameter_is_in_the_readme() -> None:
    spec = yaml.safe_load((REPO / "openapi" / "admin.yaml").read_text())
    text = section("The control plane")
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if not isinstance(operation, dict):
                continue
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query":
                    assert f"`{parameter['name']}`" in text, f"{method.upper()} {path}: {parameter}"
