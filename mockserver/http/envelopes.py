"""Each API's own error envelope. The pipeline picks the envelope of the API that owns a path,
so even unknown routes and framework errors answer in the shape clients parse."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from mockserver.http.errors import ApiError


class ErrorEnvelope(Protocol):
    # An envelope that renders bytes (not JSON) also has a ``media_type`` attribute saying what
    # they are (the storage service's XML).
    def render(self, error: ApiError, path: str) -> dict[str, Any] | bytes: ...


@dataclass(frozen=True, slots=True)
class FullStoryEnvelope:
    """``{"message": ..., "code": ...}`` with a snake_case code (FullStory server API)."""

    media_type: str = "application/json"

    def render(self, error: ApiError, path: str) -> dict[str, Any]:
        return {"message": error.message, "code": error.code}


@dataclass(frozen=True, slots=True)
class AdminEnvelope:
    """The control plane's envelope: one object under ``error`` (ours, not a vendor's)."""

    media_type: str = "application/json"

    def render(self, error: ApiError, path: str) -> dict[str, Any]:
        return {"error": {"status": error.status, "code": error.code, "message": error.message}}
