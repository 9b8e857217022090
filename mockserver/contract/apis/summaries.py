"""Properties of FullStory's summaries and summary profiles (part of the FullStory entry, whose
spec serves them): a summary's ``response`` conforms to the ``response_schema`` it echoes, and
profile paging neither skips nor repeats while profiles come and go. Both create profiles, so
they run where writes are allowed, and delete what they created."""

from __future__ import annotations

from typing import Any

import jsonschema_rs
from hypothesis import given
from hypothesis import strategies as st

from mockserver.contract.context import PropertyContext
from mockserver.fullstory.summaries.builtin import BUILTIN_PROFILES
from mockserver.fullstory.summaries.dialect import to_json_schema

PROFILES = "/v2/visit_profile"
RESPONSE_SCHEMA = {
    "type": "OBJECT",
    "properties": {
        "summary": {"type": "STRING"},
        "sentiment": {"type": "STRING", "enum": ["positive", "neutral", "negative"]},
        "issues": {"type": "ARRAY", "items": {"type": "STRING"}},
        "page_count": {"type": "INTEGER"},
    },
    "required": ["summary"],
}


def _created(ctx: PropertyContext, body: dict[str, Any]) -> str:
    answer = ctx.client.post(PROFILES, json=body)
    assert answer.status_code == 200, answer.text
    return str(answer.json()["id"])


def a_response_validates_against_its_response_schema(ctx: PropertyContext) -> None:
    """Any built-in or client-made profile, any known user's latest session: ``response``
    conforms to the ``response_schema`` the same answer echoes (translated from the dialect)."""
    users = ctx.users()
    made = _created(
        ctx, {"name": "contract: response schema", "llm": {"response_schema": RESPONSE_SCHEMA}}
    )
    profiles = [profile.id for profile in BUILTIN_PROFILES] + [made]
    try:

        @ctx.settings
        @given(st.sampled_from(users), st.sampled_from(profiles))
        def check(user: tuple[str, str], profile: str) -> None:
            listed = ctx.client.get("/v2/sessions", params={"uid": user[0], "limit": 1})
            results = listed.json()["results"]
            if not results:
                return
            answer = ctx.client.get(
                f"/v2/sessions/{results[0]['id']}/summary", params={"config_profile": profile}
            )
            assert answer.status_code == 200, answer.text
            body = answer.json()
            validator = jsonschema_rs.validator_for(to_json_schema(body["response_schema"]))
            assert validator.is_valid(body["response"]), (profile, body["response"])

        check()
    finally:
        ctx.client.delete(f"{PROFILES}/{made}")


def profile_listing_neither_skips_nor_repeats(ctx: PropertyContext) -> None:
    """Profiles created or deleted between pages: every profile that stayed is listed once."""
    created: set[str] = set()

    @ctx.settings
    @given(st.integers(1, 5), st.lists(st.booleans(), max_size=6))
    def check(limit: int, changes: list[bool]) -> None:
        first = ctx.client.get(PROFILES, params={"limit": 100}).json()
        before = [p["id"] for p in first["profiles"]]
        seen: list[str] = []
        deleted: set[str] = set()
        token = None
        while True:
            params: dict[str, Any] = {"limit": limit, **({"page_token": token} if token else {})}
            page = ctx.client.get(PROFILES, params=params).json()
            seen += [p["id"] for p in page["profiles"]]
            if changes:
                if changes.pop():
                    created.add(_created(ctx, {"name": "contract: between pages"}))
                elif seen and seen[-1] in created:  # only what this property made
                    deleted.add(seen[-1])
                    ctx.client.delete(f"{PROFILES}/{seen[-1]}")
            token = page["next_page_token"]
            if not token:
                break
        assert len(seen) == len(set(seen)), "a profile listed twice"
        assert set(before) - deleted <= set(seen), "a profile skipped"

    try:
        check()
    finally:
        for profile in created:
            ctx.client.delete(f"{PROFILES}/{profile}")
