"""Dropped connections and cut-off bodies, below HTTP.

ASGI has no message for "close the socket without answering", so the endpoint marks the scope
and the outermost app (``MockServerApp`` in mockserver/app.py) calls :func:`settle` on it:

* under uvicorn it returns a non-None value, on which uvicorn closes the transport without
  writing a byte (for a cut-off body: after the partial bytes) — exactly what a client sees
  when a real server drops the connection;
* in process (the pytest plugin's transports set ``IN_PROCESS``) it raises
  :class:`ConnectionDropped`, which those transports turn into the ``httpx.RemoteProtocolError``
  a real client would raise.
"""

from __future__ import annotations

import logging
from typing import Any

from starlette.types import Scope

IN_PROCESS = "mockserver.in_process"
_DROP = "mockserver.drop"
# What an in-process caller is told (httpx's words for a server that hung up).
DROPPED = "Server disconnected without sending a complete response."


class ConnectionDropped(Exception):
    """In-process stand-in for a socket the server closed without a (complete) answer."""


def drop_connection(scope: Scope) -> None:
    scope[_DROP] = True


def settle(scope: Scope) -> Any:
    """What the outermost ASGI callable returns (or raises) once the app has run."""
    if scope.get(_DROP):
        if scope.get(IN_PROCESS):
            raise ConnectionDropped(DROPPED)
        return "dropped"  # uvicorn: a non-None result closes the connection, nothing more sent
    return None


class QuietDrops(logging.Filter):
    """Hides uvicorn's complaint about the non-None result above: the drop was asked for by a
    fault rule (the journal records it), so it is not a server error. Install it on the
    ``uvicorn.error`` logger with :func:`quiet_uvicorn_drops`."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (
            str(record.msg).startswith("ASGI callable should return None")
            and record.args == ("dropped",)
        )


def quiet_uvicorn_drops() -> None:
    logger = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, QuietDrops) for f in logger.filters):
        logger.addFilter(QuietDrops())
