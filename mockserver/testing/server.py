"""uvicorn in a thread on a free 127.0.0.1 port: the fake over real sockets, in this process.

The socket is bound (port 0) and listening before uvicorn starts, so there is no
find-a-port-then-bind race between pytest-xdist workers, and a client that connects early just
waits in the backlog. Startup is awaited on an event set by uvicorn's own startup, not by polling
the port; shutdown is graceful (``should_exit``: drain, then close) with a forced fallback.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from typing import Any

import uvicorn
from starlette.types import ASGIApp

from mockserver.app import MockServerApp
from mockserver.http.server_protocol import uvicorn_options
from mockserver.http.transport_faults import quiet_uvicorn_drops

LOOPBACK = "127.0.0.1"


class _Server(uvicorn.Server):
    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.ready = threading.Event()

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        self.ready.set()


@contextlib.contextmanager
def serve_in_thread(app: ASGIApp, host: str = LOOPBACK, timeout: float = 10.0) -> Iterator[str]:
    """Serve ``app`` until the block ends; yields its base URL (``http://127.0.0.1:<port>``)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, 0))
    sock.listen(128)
    port = sock.getsockname()[1]
    options: dict[str, Any] = {"server_header": False}
    if isinstance(app, MockServerApp):  # the limits and envelopes of `mockserver serve`
        options = uvicorn_options(app.state.server.settings, app.render_error)
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off", **options)
    quiet_uvicorn_drops()  # after Config, which (re)configures uvicorn's loggers
    server = _Server(config)
    thread = threading.Thread(
        target=server.run,
        kwargs={"sockets": [sock]},
        name=f"mockserver-uvicorn-{port}",
        daemon=True,
    )
    thread.start()
    try:
        # uvicorn swallows startup errors and returns from run(); a dead thread means it failed.
        while not server.ready.wait(0.05):
            if not thread.is_alive():
                raise RuntimeError("uvicorn stopped during startup (see its log above)")
            timeout -= 0.05
            if timeout <= 0:
                raise TimeoutError("uvicorn did not start in time")
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(10.0)
        if thread.is_alive():
            server.force_exit = True
            thread.join(10.0)
        sock.close()


class LazyLoopback:
    """A real ``http://127.0.0.1:<port>`` for an app otherwise called in process, started the
    first time someone asks for its URL (a ``requests`` or ``urllib`` client needs a socket;
    httpx clients keep the faster in-process path) and stopped by :meth:`close`.

    Safe beside in-process calls: the app's state is guarded by thread locks, not by any one
    event loop.
    """

    def __init__(self, app: ASGIApp) -> None:
        self._app = app
        self._lock = threading.Lock()
        self._stack = contextlib.ExitStack()
        self._url: str | None = None

    @property
    def url(self) -> str:
        with self._lock:
            if self._url is None:
                self._url = self._stack.enter_context(serve_in_thread(self._app))
            return self._url

    @property
    def started(self) -> bool:
        return self._url is not None

    def close(self) -> None:
        with self._lock:
            self._stack.close()
            self._url = None
