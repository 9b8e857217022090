"""The CLI as a user meets it: every subcommand listed and working, errors that name the problem
and exit non-zero, a closed pipe that ends quietly, a busy port that says what to do."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from mockserver.cli import build_parser, main
from mockserver.commands.output import EXIT_BROKEN_PIPE
from mockserver.core.keys import DEFAULT_KEYS

REPO = Path(__file__).resolve().parents[1]
SUBCOMMANDS = ("serve", "contract", "spec", "scenario", "keys", "version")


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mockserver", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env=env,
    )


def test_help_lists_every_subcommand(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    for name in SUBCOMMANDS:
        assert f"\n    {name} " in out, name
    # ... and nothing the parser knows is left out of that list.
    actions = build_parser()._subparsers._group_actions  # type: ignore[union-attr]
    assert set(actions[0].choices) == set(SUBCOMMANDS)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", SUBCOMMANDS)
def test_every_subcommand_has_its_own_help(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main([name, "--help"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.startswith(f"usage: mockserver {name}")


def test_spec_into_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    """``mockserver spec | head``: the reader leaves early; no BrokenPipeError traceback."""
    errors = tmp_path / "stderr"
    with errors.open("wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "mockserver", "spec", "admin"],
            stdout=subprocess.PIPE,
            stderr=stderr,
        )
        assert process.stdout is not None
        process.stdout.close()  # before the child has imported anything: its write must fail
        assert process.wait(60) == EXIT_BROKEN_PIPE
    assert errors.read_text() == ""


def test_spec_prints_each_served_api(capsys: pytest.CaptureFixture[str]) -> None:
    apis = sorted(path.stem for path in REPO.glob("openapi/*.yaml"))
    assert {"fullstory", "admin"} <= set(apis)
    for api in apis:
        assert main(["spec", api]) == 0
        assert '"openapi": "3.1' in capsys.readouterr().out
    assert main(["spec", "nope"]) == 2
    assert f"unknown API 'nope'; choose one of {', '.join(apis)}" in capsys.readouterr().err


def test_spec_validate_accepts_ours_and_names_the_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["spec", "--validate", *map(str, sorted(REPO.glob("openapi/*.yaml")))]) == 0
    assert "fullstory.yaml: valid" in capsys.readouterr().out
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\n"
        "paths:\n  /x:\n    get:\n      responses: {'200': {description: ok}}\n"
    )
    assert main(["spec", "--validate", str(broken)]) == 1
    assert f"{broken}: invalid: GET /x has no operationId" in capsys.readouterr().err
    assert main(["spec", "--validate", str(tmp_path / "missing.yaml")]) == 1
    assert "cannot read OpenAPI document" in capsys.readouterr().err


def test_scenario_list_and_show(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenario", "list"]) == 0
    assert capsys.readouterr().out.startswith("default\tJane fails to pay")
    assert main(["scenario", "show", "default"]) == 0
    shown = capsys.readouterr().out
    assert "user jane-checkout <jane.checkout@example.com>: 2 sessions" in shown
    assert "session 5914802517630194781:7210365481229753190: payment_failure" in shown
    assert main(["scenario", "show", "default", "--yaml"]) == 0
    assert "jane.checkout@example.com" in capsys.readouterr().out


def test_scenario_errors_name_the_scenario(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["scenario", "show", "nope"]) == 2
    assert capsys.readouterr().err == (
        "mockserver scenario: unknown scenario 'nope'; the packaged scenarios are default "
        "(or give a path to a .yaml file, or 'none')\n"
    )
    bad = tmp_path / "bad.yaml"
    bad.write_text("users: [{uid: ''}]\n")
    assert main(["scenario", "show", str(bad)]) == 2
    assert f"{bad}: users[0].uid" in capsys.readouterr().err


def test_keys_lists_the_defaults(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MOCKSERVER_KEYS", raising=False)
    assert main(["keys"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "secret\ttenant\tlevel\trole\temail\tkey_id"
    assert [line.split("\t")[0] for line in lines[1:]] == [k.secret for k in DEFAULT_KEYS]


def test_keys_one_story_repeat_or_comma_flag_or_variable(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--key`` repeats, each may hold a comma-separated list, and MOCKSERVER_KEYS takes the same
    list; the flag wins over the variable."""
    monkeypatch.setenv("MOCKSERVER_KEYS", "env=o-E-na1:admin")
    assert main(["keys"]) == 0
    assert "env\to-E-na1\tadmin\tADMIN" in capsys.readouterr().out
    assert (
        main(
            [
                "keys",
                "--key",
                "a=o-A-na1:standard,b=o-B-na1:architect",
                "--key",
                "c=o-C-na1:admin:c@x.test",
            ]
        )
        == 0
    )
    rows = [line.split("\t")[:5] for line in capsys.readouterr().out.splitlines()[1:]]
    assert rows == [
        ["a", "o-A-na1", "standard", "USER", "-"],
        ["b", "o-B-na1", "architect", "ARCHITECT", "-"],
        ["c", "o-C-na1", "admin", "ADMIN", "c@x.test"],
    ]


def test_bad_key_names_the_flag_and_the_form(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["keys", "--key", "nonsense"]) == 2
    assert capsys.readouterr().err == (
        "mockserver keys: --key: key 'nonsense' is not SECRET=TENANT:LEVEL[:EMAIL]\n"
    )
    assert main(["serve", "--key", "a=t:emperor"]) == 2
    assert "--key: unknown key level 'emperor'" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--clock", "weird"], "--clock: 'weird' is not a clock mode (system, frozen, manual)"),
        (["--port", "70000"], "--port: '70000' is not a port number"),
        (["--users", "-1"], "--users: '-1' must not be negative"),
        (["--scenario", "nope"], "unknown scenario 'nope'; the packaged scenarios are default"),
        (["--state-file", "/"], "cannot read state file /"),
        (["--log-level", "loud"], "--log-level: 'loud' is not a log level (critical, error,"),
        (["--epoch", "yesterday"], "--epoch: 'yesterday' is not an RFC 3339 time with a zone"),
    ],
)
def test_bad_serve_settings_exit_2_naming_the_problem(
    args: list[str], expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["serve", "--port", "0", "--users", "10", *args]) == 2
    assert expected in capsys.readouterr().err


def test_a_broken_scenario_file_exits_2_naming_the_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("users: [{uid: 1}]\n")
    assert main(["serve", "--port", "0", "--users", "10", "--scenario", str(bad)]) == 2
    assert (
        capsys.readouterr().err == f"mockserver: {bad}: users[0].uid: must be a non-empty string\n"
    )


def test_unknown_flag_exits_2() -> None:
    result = run_cli("serve", "--frob")
    assert result.returncode == 2 and "unrecognized arguments: --frob" in result.stderr


@pytest.mark.parametrize("name", ["serve", "contract", "spec", "keys", "version"])
def test_an_unknown_flag_is_reported_by_its_command_with_its_usage(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main([name, "--frob"])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith(f"usage: mockserver {name}")
    assert err.endswith(f"mockserver {name}: error: unrecognized arguments: --frob\n")


@pytest.mark.parametrize("name", SUBCOMMANDS)
def test_every_subcommand_describes_itself(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main([name, "--help"])
    usage_and_description = capsys.readouterr().out.split("\n\n")
    assert len(usage_and_description) > 2, "no description under the usage line"


def test_busy_port_says_how_to_pick_another() -> None:
    with contextlib.closing(socket.socket()) as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        env = {k: v for k, v in os.environ.items() if not k.startswith("MOCKSERVER_")}
        result = run_cli("serve", "--port", str(port), "--users", "10", env=env)
    assert result.returncode == 2
    assert f"cannot bind 127.0.0.1:{port}: Address already in use" in result.stderr
    assert "pick another port with --port N (or MOCKSERVER_PORT=N), or --port 0" in result.stderr


def test_sigterm_before_serving_ends_the_process_and_the_handler_is_restored(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """As PID 1 in a container a SIGTERM without a handler is ignored: until uvicorn installs
    its own, serve's handler ends the process (128 + 15, as a shell reports it)."""
    import signal

    from mockserver.cli import _stop_before_serving

    with pytest.raises(SystemExit) as exited:
        _stop_before_serving(signal.SIGTERM, None)
    assert exited.value.code == 143
    before = signal.getsignal(signal.SIGTERM)
    assert main(["serve", "--port", "0", "--users", "10", "--scenario", "nope"]) == 2
    assert signal.getsignal(signal.SIGTERM) is before
    capsys.readouterr()
