"""Summary profile CRUD: ``/v2/visit_profile`` and the beta ``/v2beta/visit_profile`` form."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from mockserver.fullstory.profiles.model import Profile, ProfileError, from_beta, from_v2
from mockserver.fullstory.profiles.store import ProfileNotFound
from mockserver.fullstory.tenant import FullStoryTenant
from mockserver.http.errors import InvalidArgument, NotFound, RequiredField
from mockserver.http.pipeline import Call, Handler

Ctx = Call[FullStoryTenant]


@contextmanager
def profile_errors() -> Iterator[None]:
    """Store and parser errors → the documented 400 / 404 bodies."""
    try:
        yield
    except ProfileNotFound as exc:
        raise NotFound(str(exc)) from None
    except ProfileError as exc:
        raise (RequiredField if exc.required else InvalidArgument)(str(exc)) from None


def create_profile(call: Ctx) -> dict[str, Any]:
    with profile_errors():
        # Unknown fields (fs-lexicon's `profile_id`) are ignored; v2 ids are the server's.
        profile = call.context.profiles.create(lambda _, seq: from_v2(call.body, "", seq))
    return {"id": profile.id}


def update_profile(call: Ctx) -> dict[str, Any]:
    with profile_errors():
        profile = call.context.profiles.update(
            call.path["id"], lambda pid, seq: from_v2(call.body, pid, seq)
        )
    return {"id": profile.id}


def get_profile(call: Ctx) -> dict[str, Any]:
    with profile_errors():
        return call.context.profiles.get(call.path["id"]).v2()


def delete_profile(call: Ctx) -> dict[str, Any]:
    with profile_errors():
        call.context.profiles.delete(call.path["id"])
    return {}


def _lister(render: Callable[[Profile], dict[str, Any]]) -> Handler:
    def list_profiles(call: Ctx) -> dict[str, Any]:
        with profile_errors():
            page, token = call.context.profiles.page(
                call.query["limit"], call.query.get("page_token") or None
            )
        return {"profiles": [render(p) for p in page], "next_page_token": token}

    return list_profiles


def create_beta_profile(call: Ctx) -> dict[str, Any]:
    with profile_errors():
        profile = call.context.profiles.create(lambda _, seq: from_beta(call.body, seq))
    return {"id": profile.id}


def get_beta_profile(call: Ctx) -> dict[str, Any]:
    with profile_errors():
        return call.context.profiles.get(call.path["id"]).beta()


def handlers() -> dict[str, Handler]:
    return {
        "createVisitProfile": create_profile,
        "listVisitProfiles": _lister(Profile.v2),
        "getVisitProfile": get_profile,
        "updateVisitProfile": update_profile,
        "deleteVisitProfile": delete_profile,
        "createBetaVisitProfile": create_beta_profile,
        "listBetaVisitProfiles": _lister(Profile.beta),
        "getBetaVisitProfile": get_beta_profile,
        "deleteBetaVisitProfile": delete_profile,
    }
