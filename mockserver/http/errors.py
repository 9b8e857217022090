"""Typed API errors. Handlers and pipeline steps raise these; one renderer turns them into the
owning API's documented envelope (see :mod:`mockserver.http.envelopes`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType


class ApiError(Exception):
    """An error with an HTTP status and a short snake_case code."""

    status: int = 500
    code: str = "server_error"
    default_message: str = "Server error was encountered"

    def __init__(self, message: str | None = None, *, headers: dict[str, str] | None = None):
        self.message = message or self.default_message
        self.headers = headers or {}
        super().__init__(self.message)


# FullStory's documented codes and example messages (developer.fullstory.com error tables).
class RequiredField(ApiError):
    status, code, default_message = 400, "required_field", "a required field is missing"


class InvalidArgument(ApiError):
    # INFERRED: FullStory documents only `required_field` for 400; its gRPC-gateway backend names
    # other bad input `invalid_argument`. Listed in the README's fidelity table.
    status, code, default_message = 400, "invalid_argument", "invalid input"


class Unauthorized(ApiError):
    status, code, default_message = 401, "unauthorized", "access is unauthorized"


class Forbidden(ApiError):
    status, code, default_message = 403, "forbidden", "insufficient permissions"


class NotFound(ApiError):
    status, code, default_message = 404, "resource_not_found", "Requested resource does not exist"


class Conflict(ApiError):
    # Cognigy's CONFLICT (1004): e.g. a contact id that another profile holds.
    status, code, default_message = 409, "conflict", "the resource conflicts with another one"


class MethodNotAllowed(ApiError):
    status, code, default_message = 405, "method_not_allowed", "method not allowed"

    def __init__(self, method: str, allowed: Iterable[str]):
        allow = ", ".join(sorted(allowed))
        super().__init__(
            f"method {method} is not allowed here; use {allow}", headers={"Allow": allow}
        )


class PayloadTooLarge(ApiError):
    status, code, default_message = 413, "payload_too_large", "request body is too large"


class UriTooLong(ApiError):
    status, code, default_message = 414, "uri_too_long", "the request target is too long"


class HeadersTooLarge(ApiError):
    status, code = 431, "request_header_fields_too_large"
    default_message = "the request headers are too large"


class TooManyRequests(ApiError):
    status, code = 429, "too_many_requests"
    default_message = "Too many requests. Client has exceeded the rate limit for this endpoint."

    def __init__(self, retry_after: int, message: str | None = None):
        self.retry_after = retry_after
        super().__init__(message, headers={"Retry-After": str(retry_after)})


class ServerError(ApiError):
    status, code, default_message = 500, "server_error", "Server error was encountered"


class StorageUnavailable(ApiError):
    """A change could not be saved (``--state-file`` on a full or failing disk)."""

    status, code = 503, "storage_unavailable"
    default_message = "the change could not be saved; it is not acknowledged"


class InjectedError(ApiError):
    """An error chosen by a fault rule: any documented status, code and message."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None):
        self.status = status
        self.code = code
        super().__init__(message, headers=headers)


ERRORS_BY_STATUS: Mapping[int, type[ApiError]] = MappingProxyType(
    {
        400: InvalidArgument,
        401: Unauthorized,
        403: Forbidden,
        404: NotFound,
        409: Conflict,
        413: PayloadTooLarge,
        500: ServerError,
    }
)
