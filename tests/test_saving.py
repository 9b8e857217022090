"""--state-file under stress: a failing disk, slow saves, a full journal (issue 9, items 2, 5)."""

from __future__ import annotations

import asyncio
import errno
import logging
import os
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import anyio
import pytest

from mockserver import persistence
from mockserver.app import create_app
from mockserver.core import statefile
from mockserver.core.clock import ClockMode
from mockserver.core.statefile import decode_snapshot
from mockserver.settings import Settings
from mockserver.state import ServerState
from mockserver.testing.transport import async_in_process_client, in_process_client

from .test_persistence import marking_handlers

T0 = datetime(2026, 9, 1, tzinfo=UTC)
KEY = {"Authorization": "Basic mock-admin-key"}


def frozen(path: Path) -> Settings:
    return Settings(
        validate_responses=True, users=50, clock=ClockMode.FROZEN, clock_start=T0, state_file=path
    )


def rule(n: int) -> dict[str, Any]:
    return {"match": {"path": f"/x/{n}"}, "action": {"type": "latency", "ms": 0}}


class FullDisk:
    """``os.fsync`` fails with ENOSPC while ``full`` is set (what a full file system does)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.full = False
        real = os.fsync

        def fsync(fd: int) -> None:
            if self.full:
                raise OSError(errno.ENOSPC, "No space left on device")
            real(fd)

        monkeypatch.setattr(os, "fsync", fsync)


def test_an_admin_write_that_cannot_be_saved_is_not_acknowledged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "state.json"
    app = create_app(frozen(path))
    disk = FullDisk(monkeypatch)
    with in_process_client(app) as admin:
        assert admin.post("/__admin/faults", json=rule(0)).status_code == 201
        disk.full = True
        for n in (1, 2, 3):
            refused = admin.post("/__admin/faults", json=rule(n))
            assert refused.status_code == 503, refused.text
            assert refused.json()["error"]["code"] == "storage_unavailable"
        health = admin.get("/__admin/health").json()
        assert health["status"] == "degraded"
        assert "No space left" in health["storage"]["error"]
        # When the outage began, by the server's (frozen) clock, not the wall clock.
        assert health["storage"]["failing_since"] == T0.isoformat().replace("+00:00", "Z")
        logged = [r for r in caplog.records if "could not save" in r.getMessage()]
        assert len(logged) == 1 and logged[0].levelno == logging.ERROR  # once per outage
        on_disk = decode_snapshot(path.read_bytes())["server"]["faults"]["rules"]
        assert [r["match"]["path"] for r in on_disk] == ["/x/0"]  # nothing unacknowledged
        disk.full = False
        assert admin.post("/__admin/faults", json=rule(4)).status_code == 201
        health = admin.get("/__admin/health").json()
        assert health["status"] == "ok" and health["storage"]["ok"]
    # Kept in memory while the disk was full (the answers said "not saved"), saved since.
    again: ServerState = create_app(frozen(path)).state.server
    assert [r.match.path for r in again.faults.list()] == [f"/x/{n}" for n in range(5)]


def test_a_fullstory_write_that_cannot_be_saved_answers_in_its_envelope(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    holder: list[ServerState] = []
    monkeypatch.setattr(
        "mockserver.app.fullstory_handlers",
        marking_handlers(lambda: holder[0], "generateSessionContext"),
    )
    app = create_app(frozen(tmp_path / "state.json"))
    holder.append(app.state.server)
    disk = FullDisk(monkeypatch)
    with in_process_client(app, headers=KEY) as fs:
        session = fs.get("/v2/sessions", params={"uid": "jane-checkout"}).json()["results"][0]
        disk.full = True
        answer = fs.post(f"/v2/sessions/{session['id']}/context", json={})
        assert answer.status_code == 500
        assert answer.json()["code"] == "server_error" and set(answer.json()) == {"message", "code"}
        assert fs.get("/me").status_code == 200  # reads still work, from memory


class SlowDisk:
    """Each state-file write blocks until ``release()``; counts the writes."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.started = threading.Event()
        self.gate = threading.Event()
        self.writes = 0
        real: Callable[..., None] = statefile.write_snapshot

        def write(path: Path, snapshot: Any) -> None:
            self.writes += 1
            self.started.set()
            assert self.gate.wait(10), "the test never released the write"
            real(path, snapshot)

        monkeypatch.setattr(persistence, "write_snapshot", write)

    def release(self) -> None:
        self.gate.set()


def test_saves_run_off_the_event_loop_and_coalesce(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "state.json"
    app = create_app(frozen(path))
    disk = SlowDisk(monkeypatch)

    async def scenario() -> None:
        async with (
            async_in_process_client(app) as admin,
            async_in_process_client(app, headers=KEY) as fs,
        ):
            first = asyncio.ensure_future(admin.post("/__admin/faults", json=rule(0)))
            assert await anyio.to_thread.run_sync(disk.started.wait, 10)
            # The save is blocked in its thread: other requests are served meanwhile ...
            assert (await fs.get("/me")).status_code == 200
            posts = [admin.post("/__admin/faults", json=rule(n)) for n in range(1, 11)]
            more = [asyncio.ensure_future(post) for post in posts]
            for _ in range(20):  # let them run up to their save: yields, not a timed wait
                await asyncio.sleep(0)
            # ... but no write is acknowledged before it is on disk.
            assert not first.done() and not any(task.done() for task in more)
            disk.release()
            answers = [await first, *[await task for task in more]]
            assert [a.status_code for a in answers] == [201] * 11

    anyio.run(scenario)
    assert disk.writes <= 3  # the first save, then one for the ten that waited (not eleven)
    saved = decode_snapshot(path.read_bytes())["server"]["faults"]["rules"]
    assert len(saved) == 11


def test_the_journal_is_appended_not_rewritten(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    journal_file = path.with_name("state.json.journal")
    app = create_app(frozen(path))
    with in_process_client(app) as admin, in_process_client(app, headers=KEY) as fs:
        for _ in range(30):
            fs.get("/me")
        admin.post("/__admin/faults", json=rule(0))
        first = journal_file.read_bytes()
        assert first.count(b"\n") == 30
        assert b"getMe" not in path.read_bytes()  # the state file does not carry the journal
        for _ in range(5):
            fs.get("/me")
        admin.post("/__admin/faults", json=rule(1))
        second = journal_file.read_bytes()
        assert second.startswith(first) and second.count(b"\n") == 35  # appended, not rewritten
        admin.delete("/__admin/journal")  # entries removed: the file is rewritten
        admin.post("/__admin/faults", json=rule(2))
        assert journal_file.read_bytes() == b""
        for _ in range(3):
            fs.get("/me")
        admin.post("/__admin/faults", json=rule(3))
    again: ServerState = create_app(frozen(path)).state.server
    assert again.journal.count() == 3


def test_a_torn_last_journal_line_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    app = create_app(frozen(path))
    with in_process_client(app) as admin, in_process_client(app, headers=KEY) as fs:
        fs.get("/me")
        admin.post("/__admin/faults", json=rule(0))
    journal_file = path.with_name("state.json.journal")
    with journal_file.open("ab") as torn:
        torn.write(b'{"seq": 99, "time": "2026-')  # a crash in the middle of an append
    again: ServerState = create_app(frozen(path)).state.server
    assert again.journal.count() == 1


def test_a_store_write_is_on_disk_before_its_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A real API store (summary profiles): tenant.changed() makes the pipeline save first.
    path = tmp_path / "state.json"
    app = create_app(frozen(path))
    disk = FullDisk(monkeypatch)
    with in_process_client(app, headers=KEY) as fs:
        created = fs.post("/v2/visit_profile", json={"name": "saved"})
        assert created.status_code == 200, created.text
        stored = decode_snapshot(path.read_bytes())["tenants"]
        assert "saved" in str(stored)  # on disk when the answer came
        disk.full = True
        refused = fs.post("/v2/visit_profile", json={"name": "unsaved"})
        assert refused.status_code == 500 and refused.json()["code"] == "server_error"
