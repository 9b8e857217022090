from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from mockserver.core import statefile
from mockserver.core.rng import derive_rng
from mockserver.core.statefile import (
    StateFileError,
    encode_snapshot,
    read_snapshot,
    write_atomic,
    write_snapshot,
)


def test_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    state = {"tenants": {"t1": {"journal": [1, 2, 3]}}, "clock": None}
    write_snapshot(path, state)
    assert read_snapshot(path) == state
    assert b'"format": "mockserver-state"' in path.read_bytes()


def test_bytes_are_deterministic() -> None:
    assert encode_snapshot({"b": 1, "a": {"d": 2, "c": 3}}) == encode_snapshot(
        {"a": {"c": 3, "d": 2}, "b": 1}
    )


def test_overwrite_leaves_no_temporary_files(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    for n in range(3):
        write_snapshot(path, {"n": n})
    assert read_snapshot(path) == {"n": 2}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["state.json"]


def test_failed_write_cleans_up_and_keeps_the_old_file(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    write_snapshot(path, {"n": 1})
    with pytest.raises(TypeError):
        write_atomic(path, "not bytes")  # type: ignore[arg-type]
    assert read_snapshot(path) == {"n": 1}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["state.json"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"format": "mockserver-state", "version": 1, "n": ', "not valid JSON"),
        (b"", "not valid JSON"),
        (b"[1, 2]", "not a mockserver state file"),
        (b'{"format": "other", "version": 1}', "not a mockserver state file"),
        (b'{"version": 1}', "not a mockserver state file"),
        (b'{"format": "mockserver-state", "version": 2}', "version 2; this mockserver reads"),
        (b'{"format": "mockserver-state"}', "version None"),
    ],
)
def test_bad_files_get_clear_errors(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "state.json"
    path.write_bytes(content)
    with pytest.raises(StateFileError, match=message) as failure:
        read_snapshot(path)
    assert str(path) in str(failure.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(StateFileError, match="cannot read state file"):
        read_snapshot(tmp_path / "absent.json")


def test_reserved_and_unencodable_state() -> None:
    with pytest.raises(ValueError, match="reserved"):
        encode_snapshot({"version": 3})
    with pytest.raises(StateFileError, match="cannot be written as JSON"):
        encode_snapshot({"when": object()})


# The child loads statefile.py by path: it needs nothing else from the package, and this keeps
# its start-up fast and independent of the rest of the app.
CHILD = """
import importlib.util, sys
spec = importlib.util.spec_from_file_location("statefile", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
for n in range(int(sys.argv[3])):
    module.write_snapshot(sys.argv[2], {"n": n, "payload": "x" * (1000 + n * 7919 % 300_000)})
    print(n, flush=True)
"""


def check_version(path: Path) -> int:
    """The file parses and is exactly one of the versions the child wrote; returns n."""
    state = read_snapshot(path)
    n = state["n"]
    assert isinstance(n, int)
    assert state == {"n": n, "payload": "x" * (1000 + n * 7919 % 300_000)}
    return n


def test_sigkill_mid_write_leaves_a_whole_version(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    rng = derive_rng(20260901, "statefile-kill-test")
    for round_ in range(8):
        kill_after = rng.randrange(1, 40)  # completed writes before the kill
        extra_reads = rng.randrange(0, 4)  # lets the child get a random way into the next write
        with subprocess.Popen(
            [sys.executable, "-c", CHILD, statefile.__file__, str(path), "1000000"],
            stdout=subprocess.PIPE,
            text=True,
        ) as child:
            assert child.stdout is not None
            for _ in range(kill_after):
                line = child.stdout.readline()  # blocks until the child finishes a write
                assert line, "the writer died on its own"
                # Readers racing the writer must only ever see whole versions.
                assert check_version(path) >= int(line)
            for _ in range(extra_reads):
                check_version(path)
            os.kill(child.pid, signal.SIGKILL)
            assert child.wait() == -signal.SIGKILL
        assert check_version(path) >= kill_after - 1, f"round {round_}"


def test_state_files_are_private(tmp_path: Path) -> None:
    # The state file holds every key's secret: owner read/write only, whatever the umask.
    path = tmp_path / "state.json"
    old = os.umask(0o002)
    try:
        write_atomic(path, b"{}")
        assert path.stat().st_mode & 0o777 == 0o600
        path.chmod(0o644)  # a file from an older version is made private at the next save
        write_atomic(path, b"{}")
        assert path.stat().st_mode & 0o777 == 0o600
    finally:
        os.umask(old)


def test_stale_temporary_files_are_removed(tmp_path: Path) -> None:
    # What a SIGKILLed writer leaves (other pids, other threads); unrelated files stay.
    path = tmp_path / "state.json"
    stale = [tmp_path / ".state.json.4242.139.tmp", tmp_path / ".state.json.x1y2z3.tmp"]
    keep = [tmp_path / ".other.json.4242.1.tmp", tmp_path / "state.json.bak", path]
    for file in stale + keep:
        file.write_bytes(b"x" * 100)
    assert sorted(statefile.remove_stale_temporaries(path)) == sorted(stale)
    assert [file for file in stale + keep if file.exists()] == keep
