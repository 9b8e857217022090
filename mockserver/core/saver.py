"""Saving state off the event loop, coalesced, with "acknowledged means on disk" kept.

The owner counts its changes (a *generation* that rises with each one). A request that changed
something awaits :meth:`StateSaver.commit`, which returns once a save that includes its change
is on disk, or raises :class:`SaveFailed`. Saves run one at a time in a worker thread: a
``capture`` callable, called on the event loop (where the state is changed, so it sees a
consistent state), returns a ``write`` job for the worker. Requests that arrive while a save is
running share the next one, so N concurrent writes cost about two saves, not N.

Only :mod:`concurrent.futures` primitives are shared between requests, never an asyncio lock,
because one app may be driven from several event loops (the in-process test transport starts
one per client).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

log = logging.getLogger("mockserver")

Write = Callable[[], None]
Capture = Callable[[], Write]
# How long a change that needs no acknowledgement (a fault rule's counters) may wait for its
# save, so that a rule firing on every request costs a few saves a second, not one per request.
LAZY_DELAY_SECONDS = 0.25


class SaveFailed(Exception):
    """The state could not be written; the message says why (disk full, ...)."""


@dataclass(slots=True)
class _Round:
    """One pending save: the change generation it covers and the future its waiters wait
    on."""

    generation: int  # the changes this save includes
    future: concurrent.futures.Future[None]


class StateSaver:
    def __init__(
        self,
        what: str,
        generation: Callable[[], int],
        capture: Capture,
        *,
        now: Callable[[], datetime],
    ) -> None:
        self.what = what  # for messages: "state file /path/state.json"
        self._now = now  # the server's injected clock (health's "failing_since")
        self._generation = generation
        self._capture = capture
        self._lock = threading.Lock()
        self._saved = generation()  # what is on disk already (the caller saved at start)
        self._round: _Round | None = None
        self._executor: concurrent.futures.ThreadPoolExecutor | None = None
        self._failure: str | None = None
        self._failed_since: datetime | None = None
        self._lazy_pending = False

    # -- saving -----------------------------------------------------------------------------

    async def commit(self) -> None:
        """Return once every change made so far is on disk; raise SaveFailed if a save that
        should have included them failed."""
        target = self._generation()
        while True:
            with self._lock:
                if self._saved >= target:
                    return
                current = self._round
                if current is None or current.future.done():
                    current = self._start_round()
            with contextlib.suppress(Exception):  # a failure is recorded; checked below
                await asyncio.wrap_future(current.future)
            with self._lock:
                if self._saved >= target:
                    return
                if current.generation >= target and current.future.exception() is not None:
                    raise SaveFailed(self._failure or "the save failed")

    def save_now(self) -> None:
        """Save in the calling thread (startup, shutdown, code with no event loop); raises
        SaveFailed. Waits for a save in flight first, so writes never overlap."""
        with self._lock:
            current = self._round
        if current is not None:
            with contextlib.suppress(Exception):
                current.future.result()
        generation = self._generation()
        write = self._capture()
        try:
            write()
        except Exception as error:
            self._record_failure(error)
            raise SaveFailed(self._failure or str(error)) from error
        self._record_success(generation)

    def save_soon(self) -> None:
        """Save within LAZY_DELAY_SECONDS, nobody waiting (on the running loop, if any)."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # no loop (a test thread): the next commit or the shutdown save takes it
        with self._lock:
            if self._lazy_pending:
                return
            self._lazy_pending = True
        loop.call_later(LAZY_DELAY_SECONDS, self._lazy_save, loop)

    def _lazy_save(self, loop: asyncio.AbstractEventLoop) -> None:
        with self._lock:
            self._lazy_pending = False
        loop.create_task(self._quiet_commit())

    async def _quiet_commit(self) -> None:
        with contextlib.suppress(SaveFailed):  # logged and reported by health already
            await self.commit()

    def _start_round(self) -> _Round:
        # Caller holds the lock; runs on the event loop, where the state changes.
        generation = self._generation()
        write = self._capture()
        if self._executor is None:
            self._executor = concurrent.futures.ThreadPoolExecutor(
                max_workers=1, thread_name_prefix="mockserver-save"
            )
        future = self._executor.submit(self._run, write, generation)
        self._round = _Round(generation, future)
        return self._round

    def _run(self, write: Write, generation: int) -> None:
        try:
            write()
        except Exception as error:
            self._record_failure(error)
            raise
        self._record_success(generation)

    # -- health -----------------------------------------------------------------------------

    def _record_failure(self, error: BaseException) -> None:
        message = f"could not save the {self.what}: {error}"
        with self._lock:
            first = self._failure is None
            self._failure = message
            if first:
                self._failed_since = self._now()
        if first:  # once per outage, not once per request
            log.error(
                "%s; changes stay in memory and are not acknowledged until a save succeeds "
                "(see GET /__admin/health)",
                message,
            )

    def _record_success(self, generation: int) -> None:
        with self._lock:
            recovered = self._failure is not None
            self._failure = None
            self._failed_since = None
            self._saved = max(self._saved, generation)
        if recovered:
            log.warning("the %s is saved again", self.what)

    def status(self) -> dict[str, Any]:
        with self._lock:
            since = self._failed_since
            return {
                "ok": self._failure is None,
                "error": self._failure,
                "failing_since": since.isoformat().replace("+00:00", "Z") if since else None,
            }

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True)
