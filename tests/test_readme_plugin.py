"""The README's pytest plugin section is code that runs, and a complete reference: every
fixture, every public member of ``Fake`` and every marker option is listed (with its signature)
and used in an example."""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from mockserver import pytest_plugin
from mockserver.testing.fake import OPTION_NAMES, Fake

pytest_plugins = ["pytester"]

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()
SECTION = README.split("## In your tests: the pytest plugin", 1)[1].split("\n## ", 1)[0]
REFERENCE = SECTION.split("### Plugin reference", 1)[1]
BLOCKS = re.findall(r"```python\n(.*?)```", SECTION, re.DOTALL)
EXAMPLES = "\n".join(BLOCKS)


def plain_signature(function: Callable[..., object]) -> str:
    """``name(a, b=None, **rest)``: the signature as the README writes it, without types."""
    prefixes: dict[inspect._ParameterKind, str] = {
        inspect.Parameter.VAR_KEYWORD: "**",
        inspect.Parameter.VAR_POSITIONAL: "*",
    }
    parts = []
    for parameter in list(inspect.signature(function).parameters.values())[1:]:  # past self
        default = "" if parameter.default is parameter.empty else f"={parameter.default!r}"
        parts.append(f"{prefixes.get(parameter.kind, '')}{parameter.name}{default}")
    return f"{function.__name__}({', '.join(parts)})"


def public_members() -> dict[str, object]:
    members = {name: value for name, value in vars(Fake).items() if not name.startswith("_")}
    # Attributes set in __init__ are members too.
    for attribute in ("name", "server", "tenant_id", "key"):
        members[attribute] = None
    return members


def test_every_fake_member_is_listed_with_its_signature() -> None:
    for name, member in public_members().items():
        if inspect.isfunction(member):
            assert f"`fullstory.{plain_signature(member)}`" in REFERENCE, plain_signature(member)
        else:
            assert f"`fullstory.{name}`" in REFERENCE, name


def test_every_fake_member_is_used_in_an_example() -> None:
    unused = [
        name
        for name in public_members()
        if name != "close" and not re.search(rf"fullstory\.{name}\b", EXAMPLES)
    ]
    assert unused == []


def test_every_fixture_is_listed() -> None:
    fixtures = [
        name
        for name, value in vars(pytest_plugin).items()
        if hasattr(value, "_fixture_function_marker")
        or type(value).__name__ == "FixtureFunctionDefinition"
    ]
    assert set(fixtures) >= {"mockserver", "fullstory", "fullstory_client"}
    for name in fixtures:
        assert f"| `{name}` |" in REFERENCE, name


def test_every_marker_option_is_listed_and_used() -> None:
    for option in OPTION_NAMES:
        assert f"| `{option}` |" in REFERENCE, option
        assert re.search(rf"mockserver\([^)]*\b{option}=", EXAMPLES, re.DOTALL), option


def test_the_examples_run(pytester: pytest.Pytester) -> None:
    assert len(BLOCKS) >= 4
    for number, block in enumerate(BLOCKS):
        pytester.makepyfile(**{f"test_readme_{number}": block})
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-W", "error")
    passed = sum(len(re.findall(r"^(?:async )?def test_", block, re.MULTILINE)) for block in BLOCKS)
    result.assert_outcomes(passed=passed)
