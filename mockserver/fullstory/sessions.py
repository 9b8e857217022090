"""Session listings: who a query names, which sessions they have, and the two wire shapes
(the v1 ``/sessions/v2`` camelCase strings and the v2 ``results[]``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from mockserver.core.clock import format_rfc3339
from mockserver.fullstory.world.generator import World
from mockserver.fullstory.world.models import SessionRef, User


def users_named(world: World, uid: str | None, email: str | None) -> list[User]:
    """The users a query names. FullStory runs the uid and the email queries separately and
    unions the results, so two different users may come back."""
    found: list[User] = []
    for user in (
        world.user_by_uid(uid) if uid is not None else None,
        world.user_by_email(email) if email is not None else None,
    ):
        if user is not None and all(user.uid != seen.uid for seen in found):
            found.append(user)
    return found


def recent_sessions(world: World, users: Iterable[User], limit: int) -> list[SessionRef]:
    """The union of the users' sessions, most recent first, at most ``limit``."""
    users = list(users)
    if len(users) == 1:  # the usual query: already most recent first, nothing to merge
        return world.sessions_of(users[0])[:limit]
    refs = {str(ref.session_id): ref for user in users for ref in world.sessions_of(user)}
    ordered = sorted(refs.values(), key=lambda r: (r.created, str(r.session_id)), reverse=True)
    return ordered[:limit]


def legacy_item(ref: SessionRef) -> dict[str, Any]:
    # The live API answers camelCase keys with int64s as strings and createdTime in Unix
    # seconds, although its schema table says snake_case (api-facts 1.3).
    return {
        "userId": ref.session_id.user_part,
        "sessionId": ref.session_id.session_part,
        "createdTime": str(int(ref.created.timestamp())),
        "fsUrl": ref.app_url,
    }


def v2_item(ref: SessionRef) -> dict[str, Any]:
    return {
        "id": str(ref.session_id),
        "app_url": ref.app_url,
        "created_time": format_rfc3339(ref.created.replace(microsecond=0)),
    }
