"""--state-file: snapshots of the whole server, atomic saves, loud failures, crash safety."""

from __future__ import annotations

import random
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, MutableMapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import anyio
import httpx
import orjson
import pytest

from mockserver import persistence
from mockserver.app import create_app
from mockserver.cli import main
from mockserver.core import statefile
from mockserver.core.clock import ClockMode
from mockserver.core.faults import FaultSpec, LatencyAction
from mockserver.core.keys import KeyLevel
from mockserver.core.statefile import StateFileError, decode_snapshot, encode_snapshot
from mockserver.persistence import restore_server, server_snapshot
from mockserver.settings import Settings
from mockserver.state import ServerState, StateError
from mockserver.testing.transport import in_process_client

T0 = datetime(2026, 9, 1, tzinfo=UTC)
KEY = {"Authorization": "Basic mock-admin-key"}


def frozen(**changes: Any) -> Settings:
    return Settings(
        validate_responses=True, users=50, clock=ClockMode.FROZEN, clock_start=T0
    ).replace(**changes)


def busy_state() -> ServerState:
    """A state with something in every part."""
    app = create_app(frozen())
    state: ServerState = app.state.server
    with in_process_client(app) as admin, in_process_client(app, headers=KEY) as fs:
        created = admin.post(
            "/__admin/tenants", json={"tenant_id": "o-A-na1", "seed": 3, "key": {"level": "admin"}}
        )
        assert created.status_code == 201
        admin.put("/__admin/tenants/o-A-na1/lifecycle", json={"default": "immediate"})
        admin.put(
            "/__admin/tenants/o-A-na1/rate-limits",
            json={"groups": {"me": {"rate_per_second": 1, "burst": 5}}},
        )
        admin.post("/__admin/faults", json={"action": {"type": "latency", "ms": 0}, "times": 9})
        admin.post("/__admin/clock/advance", json={"seconds": 42})
        admin.put("/__admin/summaries/latency", json={"mode": "realistic"})
        with in_process_client(
            app, headers={"Authorization": f"Basic {created.json()['key']['secret']}"}
        ) as a:
            assert a.get("/me").status_code == 200
        assert fs.get("/v2/sessions", params={"uid": "jane-checkout"}).status_code == 200
    return state


def test_server_snapshot_round_trips() -> None:
    state = busy_state()
    snapshot = server_snapshot(state)
    fresh = ServerState(frozen())
    restore_server(fresh, orjson.loads(orjson.dumps(snapshot)))
    assert server_snapshot(fresh) == snapshot
    assert fresh.clock.now() == state.clock.now()
    assert fresh.tenant("o-A-na1").lifecycles.snapshot()["default"] == "immediate"
    assert fresh.summary_latency.mode == "realistic"
    assert [k.key_id for k in fresh.keys.all()] == [k.key_id for k in state.keys.all()]


@pytest.mark.parametrize(
    "damage",
    [
        lambda s: s["server"]["keys"].append({"secret": "x"}),
        lambda s: s["server"]["clock"].update(mode="backwards"),
        lambda s: s["server"].update(summary_latency="slow"),
        lambda s: s["server"]["faults"]["rules"].append({"id": "f", "action": {"type": "?"}}),
        lambda s: s["tenants"]["o-A-na1"]["lifecycle"].update(default="later"),
        lambda s: s["tenants"]["o-A-na1"]["config"].update(users="many"),
        lambda s: s.pop("tenants"),
    ],
)
def test_bad_server_snapshots_change_nothing(damage: Any) -> None:
    snapshot = server_snapshot(busy_state())
    damage(snapshot)
    target = ServerState(frozen())
    target.create_key("o-KEEP-na1", KeyLevel.ADMIN, secret="keep-me-please")
    before = server_snapshot(target)
    with pytest.raises(StateError):
        restore_server(target, snapshot)
    assert server_snapshot(target) == before


def test_a_file_saved_before_summary_latency_was_kept_gets_the_configured_mode() -> None:
    snapshot = server_snapshot(busy_state())
    del snapshot["server"]["summary_latency"]
    fresh = ServerState(frozen(summary_latency="realistic"))
    restore_server(fresh, snapshot)
    assert fresh.summary_latency.mode == "realistic"


def test_missing_file_starts_fresh_and_creates_it(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    create_app(frozen(state_file=path))
    saved = decode_snapshot(path.read_bytes())
    assert saved["tenants"] == {} and len(saved["server"]["keys"]) == 3


def test_start_removes_what_a_killed_server_left(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    create_app(frozen(state_file=path))
    stale = tmp_path / ".state.json.999999.1.tmp"  # another (killed) process's temp file
    stale.write_bytes(b"half a state")
    create_app(frozen(state_file=path))
    assert not stale.exists()
    assert path.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"{not json", "not valid JSON"),
        (b'{"hello": 1}', "not a mockserver state file"),
        (b'{"format": "mockserver-state", "version": 99}', "version 99"),
        (encode_snapshot({"server": {}, "tenants": {}}), "invalid"),
        (b"", "not valid JSON"),
    ],
)
def test_corrupt_file_stops_startup_naming_it(tmp_path: Path, content: bytes, words: str) -> None:
    path = tmp_path / "state.json"
    path.write_bytes(content)
    with pytest.raises(StateFileError) as caught:
        create_app(frozen(state_file=path))
    assert str(path) in str(caught.value) and words in str(caught.value)
    assert path.read_bytes() == content  # never overwritten


def test_cli_reports_a_corrupt_file_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "state.json"
    path.write_text("garbage")
    assert main(["serve", "--state-file", str(path), "--port", "0"]) == 2
    err = capsys.readouterr().err
    assert str(path) in err and "corrupt" in err


def test_unwritable_path_stops_startup(tmp_path: Path) -> None:
    with pytest.raises(StateFileError, match="cannot write"):
        create_app(frozen(state_file=tmp_path / "no-such-dir" / "state.json"))


def test_admin_changes_survive_a_restart(tmp_path: Path) -> None:
    settings = frozen(state_file=tmp_path / "state.json")
    app = create_app(settings)
    with in_process_client(app) as admin:
        tenant = {"tenant_id": "o-A-na1", "seed": 8, "key": {"level": "standard"}}
        secret = admin.post("/__admin/tenants", json=tenant).json()["key"]["secret"]
        rule = admin.post("/__admin/faults", json={"action": {"type": "latency", "ms": 0}}).json()
        admin.put("/__admin/clock", json={"time": "2027-02-03T04:05:06Z"})
        admin.put("/__admin/journal/settings", json={"capacity": 7})
        admin.put("/__admin/summaries/latency", json={"mode": "realistic"})
    # no shutdown: every change was saved before it was answered
    again = create_app(settings)
    with in_process_client(again) as admin:
        assert admin.get("/__admin/tenants/o-A-na1").json()["seed"] == 8
        assert admin.get(f"/__admin/faults/{rule['id']}").status_code == 200
        assert admin.get("/__admin/clock").json()["now"] == "2027-02-03T04:05:06Z"
        assert admin.get("/__admin/journal/settings").json()["capacity"] == 7
        assert admin.get("/__admin/summaries/latency").json() == {"mode": "realistic"}
    with in_process_client(again, headers={"Authorization": f"Basic {secret}"}) as fs:
        assert fs.get("/me").json()["orgId"] == "o-A-na1"


def count_saves(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Each write of the state file appends to the returned list."""
    saves: list[int] = []
    original = statefile.write_snapshot

    def counting(path: Path, snapshot: Any) -> None:
        saves.append(1)
        original(path, snapshot)

    monkeypatch.setattr(persistence, "write_snapshot", counting)
    return saves


def test_failed_admin_calls_and_gets_do_not_save(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "state.json"
    app = create_app(frozen(state_file=path))
    saves = count_saves(monkeypatch)
    with in_process_client(app) as admin, in_process_client(app, headers=KEY) as fs:
        admin.get("/__admin/tenants")
        admin.post("/__admin/keys", json={"tenant": "t", "level": "owner"})  # 400
        fs.get("/me")
        assert saves == []
        admin.post("/__admin/keys", json={"tenant": "t", "level": "admin"})
        assert len(saves) == 1


def marking_handlers(state_of: Any, operation_id: str) -> Any:
    """FullStory handlers where ``operation_id`` also changes state, as a store write does."""
    from mockserver.fullstory.handlers import handlers

    def patched() -> dict[str, Any]:
        table = dict(handlers())
        original = table[operation_id]

        def changing(call: Any) -> Any:
            state_of().mark_dirty()  # what tenant.changed() does after a store write
            return original(call)

        table[operation_id] = changing
        return table

    return patched


def test_fullstory_writes_save_before_answering(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "state.json"
    holder: list[ServerState] = []
    monkeypatch.setattr(
        "mockserver.app.fullstory_handlers",
        marking_handlers(lambda: holder[0], "generateSessionContext"),
    )
    app = create_app(frozen(state_file=path))
    holder.append(app.state.server)
    saves = count_saves(monkeypatch)
    with in_process_client(app, headers=KEY) as fs:
        session = fs.get("/v2/sessions", params={"uid": "jane-checkout"}).json()["results"][0]
        assert saves == []  # a GET that changes nothing waits for nothing
        context = f"/v2/sessions/{session['id']}/context"
        assert fs.post(context, json={}).status_code == 200
        assert len(saves) == 1  # saved before the answer
    entries = persistence.StateFile(path).journal.read()
    # The journal's entries go to their own file, with the save after they were recorded.
    assert [e["operation_id"] for e in entries] == ["listSessionsV2"]


def test_shutdown_saves(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    app = create_app(frozen(state_file=path))
    with in_process_client(app, headers=KEY) as fs:
        assert fs.get("/me").status_code == 200  # a GET: journaled, not saved yet

    async def lifespan() -> list[str]:  # as an ASGI server drives it
        incoming = iter([{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}])
        sent: list[str] = []

        async def receive() -> dict[str, str]:
            return next(incoming)

        async def send(message: MutableMapping[str, Any]) -> None:
            sent.append(message["type"])

        await app({"type": "lifespan"}, receive, send)
        return sent

    assert anyio.run(lifespan) == ["lifespan.startup.complete", "lifespan.shutdown.complete"]
    entries = persistence.StateFile(path).journal.read()  # the entries have a file of their own
    assert [e["operation_id"] for e in entries] == ["getMe"]


# -- crash test -----------------------------------------------------------------------------------


def start_server(path: Path) -> tuple[subprocess.Popen[str], str]:
    command = [sys.executable, "-m", "mockserver", "serve", "--port", "0", "--users", "50"]
    process = subprocess.Popen(
        [*command, "--state-file", str(path), "--clock", "frozen", "--log-level", "info"],
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    banner = process.stderr.readline()  # printed once the port listens (or an error)
    match = re.search(r"http://127\.0\.0\.1:(\d+)", banner)
    if match is None:
        process.kill()
        _, rest = process.communicate(timeout=10)
        raise AssertionError(f"server did not start: {banner}{rest}")
    return process, f"http://127.0.0.1:{match.group(1)}"


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=10)


def fault_paths(client: httpx.Client) -> list[str]:
    return [rule["match"]["path"] for rule in client.get("/__admin/faults").json()["faults"]]


def test_sigkill_during_writes_leaves_old_or_new_state(
    tmp_path: Path, processes: list[subprocess.Popen[str]]
) -> None:
    path = tmp_path / "state.json"
    rng = random.Random(20261101)
    confirmed = 0  # fault rules whose creation was answered: certainly on disk
    for _ in range(6):
        process, url = start_server(path)
        processes.append(process)
        with httpx.Client(base_url=url, headers=KEY, timeout=10) as client:
            paths = fault_paths(client)
            # Old or new state: every answered change, plus at most the one in flight.
            assert paths == [f"/crash/{i}" for i in range(len(paths))]
            assert confirmed <= len(paths) <= confirmed + 1
            # Make the state file big, so that a save takes long enough to be interrupted.
            for _ in range(rng.randint(20, 60)):
                client.get("/v2/sessions", params={"uid": "jane-checkout"})
            start = len(paths)
            count = rng.randint(1, 4)
            for i in range(start, start + count):
                rule = {"match": {"path": f"/crash/{i}"}, "action": {"type": "latency", "ms": 0}}
                assert client.post("/__admin/faults", json=rule).status_code == 201
            confirmed = start + count
        # One more change in flight, then SIGKILL at a seeded moment while it is being saved.
        body = orjson.dumps(
            {"match": {"path": f"/crash/{confirmed}"}, "action": {"type": "latency", "ms": 0}}
        )
        port = int(url.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
            raw.sendall(
                b"POST /__admin/faults HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + f"Content-Length: {len(body)}\r\n\r\n".encode()
                + body
            )
            # Not waiting for state: this picks the instant of the kill (0-10 ms after sending,
            # the span of a save), so that some kills land in the middle of a write.
            time.sleep(rng.uniform(0, 0.01))
            process.send_signal(signal.SIGKILL)
            process.communicate(timeout=10)
    process, url = start_server(path)
    processes.append(process)
    with httpx.Client(base_url=url, headers=KEY, timeout=10) as client:
        paths = fault_paths(client)
        assert paths == [f"/crash/{i}" for i in range(len(paths))]
        assert confirmed <= len(paths) <= confirmed + 1
    decode_snapshot(path.read_bytes())  # a whole, valid file


def test_fault_rule_counters_survive(tmp_path: Path) -> None:
    settings = frozen(state_file=tmp_path / "state.json")
    state = ServerState(settings)
    rule = state.faults.add(FaultSpec(action=LatencyAction(0), times=5))
    app = create_app(settings, state)
    with in_process_client(app, headers=KEY) as fs:
        fs.get("/me")
        fs.post("/v2/sessions/1:2/context", json={})
    # Counters are saved soon after (no answer waits for them), at the latest at shutdown.
    state.flush()
    again: ServerState = create_app(settings).state.server
    saved = again.faults.get(rule.id)
    assert saved is not None and saved.times == 3 and saved.fired == 2


def test_segment_writes_save_before_answering_and_survive_a_restart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = frozen(state_file=tmp_path / "state.json")
    app = create_app(settings)
    segments = "/__admin/tenants/o-A-na1/segments"
    rule = {"name": "VIPs", "rule": {"user_properties": {"plan": "premium"}}}
    with in_process_client(app) as admin:
        assert admin.post("/__admin/tenants", json={"tenant_id": "o-A-na1"}).status_code == 201
        saves = count_saves(monkeypatch)
        assert admin.put(f"{segments}/vip", json=rule).status_code == 200
        assert len(saves) == 1  # the admin PUT is a write, saved before its answer
        assert admin.put(f"{segments}/vip", json={"name": 3}).status_code == 400
        assert len(saves) == 1  # a refused write saves nothing
    # no shutdown: the segment was on disk when the PUT was answered
    with in_process_client(create_app(settings)) as admin:
        listed = admin.get(segments)
        assert listed.status_code == 200 and "VIPs" in listed.text
