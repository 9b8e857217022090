"""The control plane's errors, and the one place where state-layer problems become them.

Handlers call :class:`~mockserver.state.ServerState` methods, which raise plain
:class:`~mockserver.state.StateError` subclasses (the state knows no HTTP); :func:`translated`
turns those into documented admin errors, so no handler needs its own try/except.
"""

from __future__ import annotations

import functools
from typing import Any

from mockserver.core.statefile import StateFileError
from mockserver.http.errors import ApiError, InvalidArgument, NotFound
from mockserver.http.pipeline import Call, Handler
from mockserver.settings import SettingsError
from mockserver.state import Conflict, StateError, UnknownTenant


class AdminNotFound(NotFound):
    """A named resource that does not exist: the same ``resource_not_found`` code as an unknown
    admin route, so a client checks one code for every 404."""

    default_message = "no such resource"


class AdminConflict(ApiError):
    status, code, default_message = 409, "conflict", "it exists already"


def translated(handler: Handler) -> Handler:
    """``handler`` with state-layer errors rendered as 400 / 404 / 409."""

    @functools.wraps(handler)
    def run(call: Call[Any]) -> Any:
        try:
            return handler(call)
        except UnknownTenant as error:
            raise AdminNotFound(str(error)) from None
        except Conflict as error:
            raise AdminConflict(str(error)) from None
        except (StateError, SettingsError, StateFileError) as error:
            raise InvalidArgument(str(error)) from None

    return run
