"""How a FullStory failure becomes an Opal tool error (the envelope: opal.envelope).

The Opal tools SDK answers every error as ``{"detail": <text>}`` (FastAPI's shape): 400 for
parameters that do not validate, 401 from its bearer-token middleware, and whatever status a
tool raises as an ``HTTPException``. A FullStory error keeps its meaning: a missing session is
404, a key below the level an endpoint needs is 403, a rate limit is 429 with FullStory's
``Retry-After``. FullStory being down, refusing the connector's own key or answering nonsense
is the tool's upstream failing: 502.
"""

from __future__ import annotations

from mockserver.http.errors import (
    ApiError,
    Forbidden,
    InvalidArgument,
    NotFound,
    TooManyRequests,
)
from mockserver.opal.client import FullStoryError


class BadGateway(ApiError):
    status, code, default_message = 502, "bad_gateway", "FullStory did not answer usefully"


def tool_error(tool: str, error: FullStoryError) -> ApiError:
    said = f"FullStory answered {error.status} {error.code}: {error.message}"
    if error.status == 400:
        return InvalidArgument(f"{tool}: FullStory rejected the request ({said})")
    if error.status == 403:
        return Forbidden(f"{tool}: the connector's FullStory API key may not do this ({said})")
    if error.status == 404:
        return NotFound(f"{tool}: {said}")
    if error.status == 429:
        retry = error.retry_after if (error.retry_after or "").isdigit() else "1"
        return TooManyRequests(int(retry or "1"), f"{tool}: FullStory is rate limiting ({said})")
    if error.status == 401:
        return BadGateway(f"{tool}: FullStory refused the connector's API key ({said})")
    if error.status == 0:
        return BadGateway(f"{tool}: FullStory could not be reached ({error.message})")
    return BadGateway(f"{tool}: {said}")


def level_error(tool: str, needed: str, role: str | None, error: FullStoryError) -> ApiError:
    """The export tools need an Architect-level key (api-facts 3: segment export and export
    results are Architect); say so plainly, naming the key's own level when /me tells it."""
    have = f"a {ROLE_LABELS.get(role or '', role)} key" if role else "a key below that level"
    return Forbidden(
        f"{tool} needs a FullStory API key of level {needed} or above; the connector has "
        f"{have}. Configure an {needed} or Admin key. (FullStory answered {error.status} "
        f"{error.code}: {error.message})"
    )


# GET /me roles (api-facts 3: USER is a Standard key).
ROLE_LABELS = {"USER": "Standard", "ARCHITECT": "Architect", "ADMIN": "Admin"}
