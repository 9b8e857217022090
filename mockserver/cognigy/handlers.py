"""Cognigy contact-profile handlers: typed inputs in, plain data out, typed errors raised.
Routing, auth, validation, negotiation and rendering come from the spec and the pipeline."""

from __future__ import annotations

from typing import Any

from mockserver.cognigy.ids import user_id
from mockserver.cognigy.store import ListQuery, ProfileStore
from mockserver.http.pipeline import Call, Handler
from mockserver.http.rendering import JSON, Reply, raw_reply

Ctx = Call[ProfileStore]


def _user(call: Ctx) -> str:
    return user_id(call.principal.key_id)


def index_profiles(call: Ctx) -> dict[str, Any] | Reply:
    q = call.query
    # Every field, in order, through tuple.__new__ (see _new in http/pipeline.py).
    query = tuple.__new__(
        ListQuery,
        (
            q["projectId"],
            q.get("filter", ""),
            q.get("sort"),
            q["limit"],
            q["skip"],
            q.get("next"),
            q.get("previous"),
        ),
    )
    if call.media_type in (None, JSON):  # the common case, pre-encoded; others render a dict
        return raw_reply(call.context.list_profiles_json(query))
    return call.context.list_profiles(query)


def create_profile(call: Ctx) -> dict[str, Any]:
    body = call.body
    return call.context.create(body["projectId"], body, _user(call)).to_json()


def read_profile(call: Ctx) -> dict[str, Any]:
    return call.context.get(call.path["profileId"]).to_json()


def update_profile(call: Ctx) -> None:
    call.context.update(call.path["profileId"], call.body, _user(call))


def delete_profile(call: Ctx) -> None:
    call.context.delete(call.path["profileId"])


def merge_profiles(call: Ctx) -> dict[str, Any]:
    body = call.body
    merged = call.context.merge(
        call.path["profileId"], body["contactId"], body["projectId"], _user(call)
    )
    return merged.to_json()


def unmerge_profiles(call: Ctx) -> dict[str, Any]:
    call.context.unmerge(call.path["profileId"], call.body["contactId"], _user(call))
    return {}


def remove_contact_id(call: Ctx) -> dict[str, Any]:
    call.context.remove_contact(call.path["profileId"], call.body["contactId"], _user(call))
    return {}


def export_profile_data(call: Ctx) -> dict[str, Any]:
    # The fake keeps no conversations, so a profile's export has no sessions.
    return {**call.context.get(call.path["profileId"]).to_json(), "sessions": []}


def remove_profile_data(call: Ctx) -> dict[str, Any]:
    call.context.remove_data(call.path["profileId"], _user(call))
    return {}


def get_profile_schema(call: Ctx) -> dict[str, Any]:
    return call.context.schema(call.path["projectId"])


def set_profile_schema(call: Ctx) -> dict[str, Any]:
    return call.context.set_schema(call.path["projectId"], call.body["details"])


def handlers() -> dict[str, Handler]:
    return {
        "indexProfiles": index_profiles,
        "createProfile": create_profile,
        "readProfile": read_profile,
        "updateProfile": update_profile,
        "deleteProfile": delete_profile,
        "mergeProfiles": merge_profiles,
        "unmergeProfiles": unmerge_profiles,
        "removeContactIdFromProfile": remove_contact_id,
        "exportProfileData": export_profile_data,
        "removeProfileData": remove_profile_data,
        "getProfileSchema": get_profile_schema,
        "setProfileSchema": set_profile_schema,
    }
