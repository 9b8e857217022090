"""Creating a profile from Python (the pytest plugin's ``create_profile``), through the same
parser and store the HTTP API uses."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mockserver.fullstory.profiles.model import from_v2
from mockserver.fullstory.profiles.store import ProfileStore

LLM_SHORTCUTS = ("pre_prompt", "post_prompt", "temperature", "response_schema", "model")


def create_profile(store: ProfileStore, profile_id: str | None, fields: Mapping[str, Any]) -> str:
    body = {k: v for k, v in fields.items() if k not in LLM_SHORTCUTS}
    llm = dict(body.get("llm") or {})
    llm.update({k: fields[k] for k in LLM_SHORTCUTS if k in fields})
    if llm:
        body["llm"] = llm
    return store.create(lambda _, seq: from_v2(body, profile_id or "", seq)).id
