"""The server's state as JSON: tenant snapshots (admin export/import) and the state file.

Two formats, both validated completely before anything changes (an import that fails half way
would leave a tenant that is neither the old one nor the new one):

* a **tenant snapshot** ``{"format": "mockserver-tenant", "version": 1, "tenant_id", "config",
  "rate_limits", "lifecycle", "stores", "journal"}``: what ``GET /__admin/tenants/{t}/snapshot``
  answers. The world is not in it: it is rebuilt from ``config`` (seed, size and scenario text),
  which is deterministic. Keys are not in it: they are server-wide and secret.
* the **state file** (``--state-file``): ``{"server": {clock, keys, faults, journal,
  rate_defaults, counters, summary_latency}, "tenants": {id: {config | null, rate_limits,
  lifecycle, stores}}}`` inside :mod:`mockserver.core.statefile`'s versioned envelope,
  written atomically.

A ``system`` clock is saved as its mode only: after a restart it follows the wall clock again
(an admin shift of a system clock does not survive; freeze the clock to keep its reading).
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import AsyncIterator, Callable, Mapping
from pathlib import Path
from typing import Any

import orjson

from mockserver.core.clock import Clock, ClockMode, parse_rfc3339
from mockserver.core.faults import FaultBook
from mockserver.core.journal import Journal, JournalEntry, JournalQuery
from mockserver.core.keys import ApiKey, KeyLevel
from mockserver.core.saver import StateSaver
from mockserver.core.statefile import (
    StateFileError,
    append_durably,
    read_snapshot,
    remove_stale_temporaries,
    write_atomic,
    write_snapshot,
)
from mockserver.fullstory.summaries.latency import MODES as LATENCY_MODES
from mockserver.state import RateDefaults, ServerState, StateError, Tenant, TenantConfig

log = logging.getLogger("mockserver")

TENANT_FORMAT = "mockserver-tenant"
TENANT_VERSION = 1
_BAD_DATA = (KeyError, TypeError, ValueError, AttributeError)


# -- tenant snapshots ---------------------------------------------------------------------------


def export_tenant(state: ServerState, tenant_id: str) -> dict[str, Any]:
    tenant = state.tenant(tenant_id)
    entries = state.journal.query(JournalQuery(tenant=tenant_id))
    return {
        "format": TENANT_FORMAT,
        "version": TENANT_VERSION,
        "tenant_id": tenant_id,
        "config": tenant.config.to_dict(),
        "rate_limits": tenant.limiter.snapshot(),
        "lifecycle": tenant.lifecycles.snapshot(),
        "stores": tenant.stores.snapshot(),
        "journal": [entry.to_dict() for entry in entries],
    }


def import_tenant(state: ServerState, tenant_id: str, data: Mapping[str, Any]) -> Tenant:
    """Replace ``tenant_id``'s state with a snapshot (possibly exported from another tenant)."""
    if data.get("format") != TENANT_FORMAT or data.get("version") != TENANT_VERSION:
        raise StateError(f"not a tenant snapshot (format {TENANT_FORMAT!r}, version 1)")
    try:
        tenant = _tenant_from(state, tenant_id, TenantConfig.from_dict(data["config"]), data)
        entries = [JournalEntry.from_dict(raw).to_dict() for raw in data["journal"]]
    except StateError:
        raise
    except _BAD_DATA as error:
        raise StateError(f"snapshot is invalid: {_describe(error)}") from None
    state.install_tenant(tenant)
    _replace_journal(state.journal, tenant_id, entries)
    return tenant


def _tenant_from(
    state: ServerState, tenant_id: str, config: TenantConfig, data: Mapping[str, Any]
) -> Tenant:
    tenant = state.build_tenant(tenant_id, config)
    tenant.limiter.restore(data["rate_limits"])
    tenant.lifecycles.restore(data["lifecycle"])
    # Absent in snapshots from before the API stores existed: every store starts empty.
    tenant.stores.restore(data.get("stores", {}))
    return tenant


def _replace_journal(journal: Journal, tenant_id: str, imported: list[dict[str, Any]]) -> None:
    current = journal.snapshot()
    others = [entry for entry in current["entries"] if entry["tenant"] != tenant_id]
    used = {entry["seq"] for entry in others}
    imported = [{**entry, "tenant": tenant_id} for entry in imported]
    next_seq = int(current["next_seq"])
    if any(entry["seq"] in used for entry in imported):
        # Sequence numbers must stay unique across tenants; keep them when they are free (the
        # usual export → reset → import round trip), else number the imported ones afresh.
        for offset, entry in enumerate(imported):
            entry["seq"] = next_seq + offset
        next_seq += len(imported)
    merged = sorted(others + imported, key=lambda entry: int(entry["seq"]))
    journal.restore({**current, "entries": merged, "next_seq": next_seq})


# -- the whole server -----------------------------------------------------------------------------


def server_snapshot(state: ServerState, *, journal_entries: bool = True) -> dict[str, Any]:
    """The whole server; without ``journal_entries`` the journal's settings only (the state
    file keeps the entries in a file of their own)."""
    clock = state.clock.state()
    tenants: dict[str, Any] = {}
    for tenant_id in state.tenant_ids():
        configured = state.is_configured(tenant_id)
        tenant = state.tenant(tenant_id) if configured else state.built_tenant(tenant_id)
        if tenant is None:  # known only through a key and never used: nothing to keep
            continue
        tenants[tenant_id] = {
            "config": tenant.config.to_dict() if configured else None,
            "rate_limits": tenant.limiter.snapshot(),
            "lifecycle": tenant.lifecycles.snapshot(),
            "stores": tenant.stores.snapshot(),
        }
    return {
        "server": {
            "clock": {"mode": str(clock.mode), "now": clock.now.isoformat()},
            "keys": [_key_to_dict(key) for key in state.keys.all()],
            "faults": state.faults.snapshot(),
            "journal": (
                state.journal.snapshot() if journal_entries else state.journal.settings_snapshot()
            ),
            "rate_defaults": state.rate_defaults.to_dict(),
            "counters": dict(state.counters),
            # Server-wide like the clock (one admin route, no tenant), so it is saved here and
            # not in tenant snapshots: importing one tenant must not change every tenant's.
            "summary_latency": state.summary_latency.mode,
        },
        "tenants": tenants,
    }


def restore_server(state: ServerState, data: Mapping[str, Any]) -> None:
    """Replace the whole state with a :func:`server_snapshot`; nothing changes if it is bad."""
    try:
        server = data["server"]
        keys = [_key_from_dict(raw) for raw in server["keys"]]
        FaultBook().restore(server["faults"])  # dry runs: raise here, before anything changes
        Journal(state.clock).restore(server["journal"])
        rate_defaults = RateDefaults.from_dict(server["rate_defaults"])
        counters = {str(name): int(value) for name, value in server["counters"].items()}
        clock_mode = ClockMode(server["clock"]["mode"])
        clock_now = parse_rfc3339(server["clock"]["now"])
        # Files saved before the mode was kept lack it: they get the configured one.
        summary_latency = str(server.get("summary_latency", state.settings.summary_latency))
        if summary_latency not in LATENCY_MODES:
            raise ValueError(f"summary_latency {summary_latency!r} is not one of {LATENCY_MODES}")
        tenants = []
        for tenant_id, raw in data["tenants"].items():
            configured = raw["config"] is not None
            config = TenantConfig.from_dict(raw["config"]) if configured else state.default_config
            tenants.append((_tenant_from(state, str(tenant_id), config, raw), configured))
    except _BAD_DATA as error:
        raise StateError(f"the saved state is invalid: {_describe(error)}") from None
    state.reset_all()
    state.rate_defaults = rate_defaults
    state.keys.replace_all(keys)
    state.faults.restore(server["faults"])
    state.journal.restore(server["journal"])
    state.counters.update(counters)
    state.summary_latency.set_mode(summary_latency)
    for tenant, configured in tenants:
        state.install_tenant(tenant, configured=configured)
    _restore_clock(state.clock, clock_mode, clock_now)


def _restore_clock(clock: Clock, mode: ClockMode, now: Any) -> None:
    clock.set_mode(mode)
    if mode is not ClockMode.SYSTEM:
        clock.set(now)


def _key_to_dict(key: ApiKey) -> dict[str, Any]:
    return {
        "secret": key.secret,
        "tenant": key.tenant,
        "level": key.level.name.lower(),
        "email": key.email,
        "revoked": key.revoked,
    }


def _key_from_dict(data: Mapping[str, Any]) -> ApiKey:
    fields = (data["secret"], data["tenant"], data["email"])
    if not all(isinstance(value, str) for value in fields) or not data["secret"]:
        raise ValueError("a key needs a secret, tenant and email as text")
    return ApiKey(
        data["secret"],
        data["tenant"],
        KeyLevel.parse(data["level"]),
        data["email"],
        bool(data["revoked"]),
    )


def _describe(error: Exception) -> str:
    if isinstance(error, KeyError):
        return f"missing field {error}"
    return str(error)


# -- the state file -------------------------------------------------------------------------------


class StateFile:
    """``--state-file PATH``: the state at ``PATH`` and the journal's entries beside it, in
    ``PATH.journal`` (one JSON entry per line), so a save appends the new entries instead of
    rewriting the journal (it is most of the state). The journal file is rewritten whole only
    when entries were removed (clear, reset, delete, import) or it has grown to twice what the
    journal holds. Entries alone are no change: they are saved with the next change."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.journal = JournalFile(path.with_name(path.name + ".journal"))

    def load(self, state: ServerState) -> bool:
        """Restore ``state`` from the files; False if there is no state file yet (start fresh).

        Anything else that goes wrong is a :class:`StateFileError` naming the file: starting
        empty would silently throw the saved state away at the next save."""
        if not self.path.exists():
            return False
        data = read_snapshot(self.path)
        try:
            journal = data["server"]["journal"]
            journal["entries"] = [*journal["entries"], *self.journal.read()]  # older files: inline
            restore_server(state, data)
        except StateError as error:
            raise StateFileError(f"state file {self.path}: {error}") from None
        except _BAD_DATA as error:
            problem = f"the saved state is invalid: {_describe(error)}"
            raise StateFileError(f"state file {self.path}: {problem}") from None
        return True

    def capture(self, state: ServerState) -> Callable[[], None]:
        """On the event loop: what to write (cheap: the journal's new entries are immutable
        objects, encoded by the returned job, in the worker thread)."""
        snapshot = server_snapshot(state, journal_entries=False)
        journal_write = self.journal.capture(state.journal)

        def write() -> None:
            write_snapshot(self.path, snapshot)
            journal_write()

        return write

    def save(self, state: ServerState) -> None:
        self.capture(state)()


class JournalFile:
    """The journal's entries, one JSON object per line; appended to, rewritten when needed."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._seq = 0  # the newest entry in the file
        self._rewrites = -1  # the journal's rewrite count the file matches (-1: none yet)
        self._lines = 0
        self._lock = threading.Lock()

    def read(self) -> list[dict[str, Any]]:
        """The entries in the file (a line cut short by a crash mid-append is skipped)."""
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return []
        except OSError as error:
            raise StateFileError(f"cannot read journal file {self.path}: {error}") from error
        entries = []
        for line in data.splitlines():
            try:
                entries.append(orjson.loads(line))
            except orjson.JSONDecodeError:
                continue
        return entries

    def capture(self, journal: Journal) -> Callable[[], None]:
        with self._lock:
            seq, rewrites = self._seq, self._rewrites
        entries, whole, _, now_rewrites = journal.changes_since(seq, rewrites)
        if not whole and self._lines > 2 * journal.count() + 1000:
            entries, whole, _, now_rewrites = journal.changes_since(0, -1)  # compact

        def write() -> None:
            lines = b"".join(orjson.dumps(e.to_stored_dict()) + b"\n" for e in entries)
            newest = entries[-1].seq if entries else seq
            try:
                if whole:
                    write_atomic(self.path, lines)
                elif lines:
                    append_durably(self.path, lines)
            except BaseException:
                with self._lock:
                    self._rewrites = -1  # a half-written append: the next save rewrites
                raise
            with self._lock:
                self._lines = len(entries) if whole else self._lines + len(entries)
                self._seq, self._rewrites = newest, now_rewrites

        return write


def _state_file(path: Path) -> StateFile:
    if not path.name or path.is_dir():  # "/" has no name to put the journal file beside
        raise StateFileError(f"cannot read state file {path}: it is a directory")
    return StateFile(path)


def read_state_file(state: ServerState, path: Path) -> None:
    """Load ``path`` into ``state`` as :func:`attach_state_file` does, writing nothing (no
    first save, no saver): what ``serve --check`` checks."""
    _state_file(path).load(state)


def attach_state_file(state: ServerState, path: Path) -> StateFile:
    """Load ``path`` into ``state`` and save to it from now on (first save: right away, so an
    unwritable path stops startup instead of failing later)."""
    store = _state_file(path)
    for leftover in [
        *remove_stale_temporaries(path),
        *remove_stale_temporaries(store.journal.path),
    ]:
        # debug: the banner must stay the first line a started server prints
        log.debug("removed %s, left by a server that was killed while saving", leftover)
    store.load(state)
    try:
        store.save(state)
    except OSError as error:
        raise StateFileError(f"cannot write state file {path}: {error}") from None
    state.attach_saver(
        StateSaver(
            f"state file {path}",
            lambda: state.generation,
            lambda: store.capture(state),
            now=state.clock.now,
        )
    )
    return store


def lifespan(state: ServerState) -> Callable[[Any], contextlib.AbstractAsyncContextManager[None]]:
    """Starlette lifespan: save the state file (if any) when the server shuts down."""

    @contextlib.asynccontextmanager
    async def run(app: Any) -> AsyncIterator[None]:
        try:
            yield
        finally:
            state.flush(force=True)
            if state.saver is not None:
                state.saver.close()

    return run
