from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mockserver.cli import banner, build_parser, collector_paused, main
from mockserver.settings import Settings


def test_spec_prints_the_document(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["spec"]) == 0
    assert json.loads(capsys.readouterr().out)["paths"]["/me"]["get"]["operationId"] == "getMe"


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["version"]) == 0
    assert capsys.readouterr().out.strip()


def test_banner_says_what_is_served_where() -> None:
    line = banner(Settings(port=9999, seed=3))
    assert "http://127.0.0.1:9999" in line and "seed 3" in line and "mock-admin-key" in line
    for prefix in ("/new", "/opal", "/__admin"):  # every API, not only FullStory's
        assert f" at {prefix}" in line
    assert "\n" not in line


def test_serve_flags_become_settings() -> None:
    args = build_parser().parse_args(
        [
            "serve",
            "--port",
            "9000",
            "--rate-limits",
            "false",
            "--key",
            "a=t1:admin",
            "--key",
            "b=t2:standard",
        ]
    )
    settings = Settings.from_arguments(args, {"MOCKSERVER_PORT": "1", "MOCKSERVER_SEED": "5"})
    assert (settings.port, settings.seed, settings.rate_limits) == (9000, 5, False)
    assert [k.tenant for k in settings.keys] == ["t1", "t2"]


def test_bad_setting_exits_2_with_the_name(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--rate-limits", "maybe"]) == 2
    assert "--rate-limits" in capsys.readouterr().err


def test_bad_scenario_exits_2_with_a_message(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--port", "0", "--scenario", "no-such-scenario"]) == 2
    assert "no-such-scenario" in capsys.readouterr().err


# What a bare `import mockserver.cli` (every `mockserver ...` start, `--help` included) must not
# load: the contract kit, its YAML and httpx (only `contract` needs them), and the app with uvicorn,
# Starlette, the validators and Faker (only `serve` needs them, and imports them itself).
NOT_AT_CLI_IMPORT = (
    "httpx", "mockserver.contract.targets", "schemathesis", "mockserver.app", "mockserver.state",
    "uvicorn", "starlette", "jsonschema_rs", "faker", "yaml", "mockserver.contract.specs",
)  # fmt: skip


def test_the_cli_starts_without_the_app_the_contract_kit_or_httpx() -> None:
    """`serve` must not pay for what only `contract` needs (the kit's targets pull httpx and the
    kit itself, ~0.2 s of a cold start), and `--help` or `keys` not for the app. A fresh
    interpreter, since this one has imported all of them."""
    probe = (
        "import sys, mockserver.cli; "
        f"print(sorted(m for m in {NOT_AT_CLI_IMPORT!r} if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


# What the default app must not have loaded by the time it answers its first listing: Faker
# (with the default scenario, storefront name and users pinned, nothing is drawn), the summary
# generator, the XML readers and writers (export errors and XML answers load them), and Starlette
# (the app runs its lifespan itself: mockserver/http/lifespan.py), and export generation (rows,
# file templates, gzip: the first download loads them), and the Opal tools (the first request
# under /opal that a tool or the discovery document serves loads them).
NOT_AT_FIRST_ANSWER = (
    "faker", "mockserver.fullstory.summaries.facts", "mockserver.fullstory.summaries.insights",
    "xml.etree.ElementTree", "xml.sax", "starlette.applications",
    "mockserver.fullstory.exports.files", "mockserver.fullstory.exports.rows",
    "mockserver.fullstory.exports.templates", "isal",
    "mockserver.opal.service", "mockserver.opal.catalog", "mockserver.opal.client",
)  # fmt: skip


def first_answer_loads(modules: tuple[str, ...], env: dict[str, str] | None = None) -> str:
    """``status [loaded modules]`` after a fresh interpreter's default app answers its first
    listing."""
    probe = (
        "import sys\n"
        "from mockserver.app import create_app\n"
        "from mockserver.testing.transport import in_process_client\n"
        "headers = {'Authorization': 'Basic mock-admin-key'}\n"
        "with in_process_client(create_app(), headers=headers) as client:\n"
        "    listed = client.get('/sessions/v2', params={'email': 'jane.checkout@example.com'})\n"
        f"loaded = sorted(m for m in {modules!r} if m in sys.modules)\n"
        "print(listed.status_code, loaded)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, env=env
    )
    return result.stdout.strip()


def test_the_default_app_answers_its_first_listing_without_what_it_does_not_need() -> None:
    """Each of these costs a cold start 10 to 50 ms for nothing."""
    assert first_answer_loads(NOT_AT_FIRST_ANSWER) == "200 []"


def test_a_second_start_parses_no_yaml(tmp_path: Path) -> None:
    """The specs and the packaged default scenario come from their JSON copies once the first
    start has written them, so PyYAML (~15 ms to import) is never loaded."""
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    env.pop("MOCKSERVER_YAML_CACHE", None)
    assert first_answer_loads(("yaml",), env) == "200 ['yaml']"  # the first writes the copies
    assert first_answer_loads(("yaml",), env) == "200 []"


def test_what_serve_builds_is_frozen_before_the_collector_resumes() -> None:
    """Re-enabled first, the collector would start by scanning everything built while it was
    paused (counted as young): ~20 ms of every start for nothing. Frozen first, nothing is left
    counted as young, and the collector is on again afterwards."""
    frozen = gc.get_freeze_count()
    try:
        with collector_paused():
            built = [[n] for n in range(5000)]  # tracked containers, as a build makes
            assert not gc.isenabled()
        assert gc.isenabled()
        assert gc.get_freeze_count() >= frozen + len(built)
        assert gc.get_count()[0] < 100  # not the 5,000 built
    finally:
        gc.unfreeze()  # this test process goes on making and dropping objects


def test_a_failed_build_is_not_frozen() -> None:
    frozen = gc.get_freeze_count()
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("the build failed")
    assert gc.isenabled() and gc.get_freeze_count() == frozen
