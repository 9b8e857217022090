"""The Opal service's error envelope: ``{"detail": "..."}``, as the Opal tools SDK (FastAPI)
renders every error. Loaded at start (every answer under ``/opal`` may need it, a 404 or 405
included), unlike the tools (see :mod:`mockserver.opal.mount`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mockserver.http.errors import ApiError, NotFound

TOOLS_PREFIX = "/opal/tools/"


@dataclass(frozen=True, slots=True)
class OpalEnvelope:
    """``{"detail": "..."}``, as the Opal SDK (FastAPI) renders every error."""

    media_type: str = "application/json"

    def render(self, error: ApiError, path: str) -> dict[str, Any]:
        # "no route" is the router's answer for a path no tool has.
        unknown = isinstance(error, NotFound) and error.message.startswith("no route")
        if unknown and path.startswith(TOOLS_PREFIX):
            name = path[len(TOOLS_PREFIX) :]
            return {"detail": f"no tool named {name!r}; GET /opal/discovery lists them"}
        return {"detail": error.message}
