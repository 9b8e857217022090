"""Cognigy's error body (RFC 7807-like, the client's IErrorResponse):
``{type, title, status, detail, instance, code, traceId, details}`` with an integer ``code``.

``type``/``title`` follow the documented example ("Bad Request" / "Bad Request Error"), not the
serializer's ``about:blank`` (api-facts.md section 6). ``instance`` is the path without the
``/new`` gateway prefix, as in the documented example (``/v2.0/flows/...``).
"""

from __future__ import annotations

import itertools
import threading
from types import MappingProxyType
from typing import Any

from mockserver.core.rng import derive_seed
from mockserver.http.errors import ApiError

# The client's ErrorCode values for the errors the pipeline and handlers raise.
CODES = MappingProxyType(
    {
        "required_field": 1000,  # MISSING_ARGUMENT
        "resource_not_found": 1002,  # RESOURCE_NOT_FOUND
        "conflict": 1004,  # CONFLICT
        "invalid_argument": 1005,  # INVALID_ARGUMENT
        "method_not_allowed": 1013,  # METHOD_NOT_ALLOWED
        "server_error": 1008,  # INTERNAL_SERVER_ERROR
    }
)
CODES_BY_STATUS = MappingProxyType({400: 1005, 404: 1002, 405: 1013, 409: 1004, 500: 1008})
STATUS_TEXT = MappingProxyType(
    {
        400: "Bad Request",
        401: "Unauthorized",
        402: "Payment Required",
        403: "Forbidden",
        404: "Not Found",
        405: "Method Not Allowed",
        409: "Conflict",
        413: "Payload Too Large",
        429: "Too Many Requests",
        500: "Internal Server Error",
        502: "Bad Gateway",
        503: "Service Unavailable",
        504: "Gateway Timeout",
    }
)
GATEWAY_PREFIX = "/new"


def cognigy_code(error: ApiError) -> int:
    """The integer code: a fault rule may name one (``"1004"``); else by the error's kind."""
    if error.code.isdigit():
        return int(error.code)
    return CODES.get(error.code) or CODES_BY_STATUS.get(error.status, error.status)


class CognigyEnvelope:
    """Trace ids are ``api--<uuid>`` as Cognigy's are, made from the seed and a counter (so
    the same seed and requests give the same bodies)."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._counter = itertools.count(1)
        self._lock = threading.Lock()

    def trace_id(self) -> str:
        with self._lock:
            n = next(self._counter)
        high = derive_seed(self.seed, "cognigy-trace", n, 0)
        low = derive_seed(self.seed, "cognigy-trace", n, 1)
        digits = f"{high:016x}{low:016x}"
        return f"api--{digits[:8]}-{digits[8:12]}-4{digits[13:16]}-{digits[16:20]}-{digits[20:]}"

    def render(self, error: ApiError, path: str) -> dict[str, Any]:
        kind = STATUS_TEXT.get(error.status, "Error")
        instance = path[len(GATEWAY_PREFIX) :] if path.startswith(GATEWAY_PREFIX + "/") else path
        return {
            "type": kind,
            "title": f"{kind} Error",
            "status": error.status,
            "detail": error.message,
            "instance": instance,
            "code": cognigy_code(error),
            "traceId": self.trace_id(),
            "details": dict(getattr(error, "details", None) or {}),
        }
