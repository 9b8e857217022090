"""One tenant's summary profiles: a :class:`~mockserver.core.stores.TenantStore`.

Profiles are kept in creation order (``seq``). A page token is the ``seq`` of the last profile
on the previous page, so listing neither skips nor repeats a profile while others are created
(they get higher ``seq``s and show up at the end) or deleted (nothing shifts) between pages.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import threading
import uuid
from collections.abc import Callable
from typing import Any

from mockserver.core.stores import Changed, unchanged
from mockserver.fullstory.profiles.model import Profile, ProfileError, from_v2
from mockserver.fullstory.summaries.builtin import BUILTIN_PROFILES

STORE_NAME = "fullstory.visit_profiles"
MAX_PROFILES = 500
_TOKEN_PREFIX = "vp1:"


class ProfileNotFound(KeyError):
    def __init__(self, profile_id: str) -> None:
        super().__init__(profile_id)
        self.profile_id = profile_id

    def __str__(self) -> str:
        return f"profile {self.profile_id} does not exist"


class ProfileConflict(ProfileError):
    """A client-defined id that is taken already."""


class BadPageToken(ProfileError):
    pass


def encode_token(seq: int) -> str:
    return base64.urlsafe_b64encode(f"{_TOKEN_PREFIX}{seq}".encode()).decode().rstrip("=")


def decode_token(token: str) -> int:
    try:
        text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        if text.startswith(_TOKEN_PREFIX) and text[len(_TOKEN_PREFIX) :].isdigit():
            return int(text[len(_TOKEN_PREFIX) :])
    except (ValueError, UnicodeDecodeError):
        pass
    raise BadPageToken("page_token is not a token this API returned")


class ProfileStore:
    def __init__(self, tenant_id: str, changed: Changed = unchanged) -> None:
        self.tenant_id = tenant_id
        self._changed = changed
        self._lock = threading.Lock()
        self._profiles: dict[str, Profile] = {}
        self._next_seq = 1
        for builtin in BUILTIN_PROFILES:
            self._profiles[builtin.id] = from_v2(builtin.body(), builtin.id, self._take_seq())

    def _take_seq(self) -> int:
        seq, self._next_seq = self._next_seq, self._next_seq + 1
        return seq

    def _fresh_id(self, seq: int) -> str:
        """A UUID, derived from the tenant and the creation number: deterministic, unique."""
        digest = hashlib.sha256(f"visit-profile:{self.tenant_id}:{seq}".encode()).digest()
        return str(uuid.UUID(bytes=digest[:16], version=4))

    # -- reads ------------------------------------------------------------------------------

    def get(self, profile_id: str) -> Profile:
        profile = self._profiles.get(profile_id)
        if profile is None:
            raise ProfileNotFound(profile_id)
        return profile

    def page(self, limit: int, token: str | None) -> tuple[list[Profile], str]:
        """Up to ``limit`` profiles after ``token``, and the next token ("" on the last page)."""
        after = decode_token(token) if token else 0
        with self._lock:
            ordered = sorted(
                (p for p in self._profiles.values() if p.seq > after), key=lambda p: p.seq
            )
        chosen = ordered[:limit]
        more = len(ordered) > limit
        return chosen, encode_token(chosen[-1].seq) if more and chosen else ""

    def __len__(self) -> int:
        return len(self._profiles)

    # -- writes -----------------------------------------------------------------------------

    def create(self, build: Callable[[str | None, int], Profile]) -> Profile:
        """Store ``build(id_or_None, seq)``; a ``None`` id asks for a server-assigned one."""
        with self._lock:
            self._check_room()
            seq = self._next_seq
            profile = build(None, seq)
            if not profile.id:
                profile = dataclasses.replace(profile, id=self._fresh_id(seq))
            if profile.id in self._profiles:
                raise ProfileConflict(f"id {profile.id!r} is already used by another profile")
            self._take_seq()
            self._profiles[profile.id] = profile
        self._changed()
        return profile

    def update(self, profile_id: str, build: Callable[[str, int], Profile]) -> Profile:
        with self._lock:
            current = self.get(profile_id)
            profile = build(current.id, current.seq)  # an update keeps the listing position
            self._profiles[profile_id] = profile
        self._changed()
        return profile

    def delete(self, profile_id: str) -> None:
        with self._lock:
            self.get(profile_id)
            del self._profiles[profile_id]
        self._changed()

    def _check_room(self) -> None:
        if len(self._profiles) >= MAX_PROFILES:
            raise ProfileError(
                f"a tenant holds at most {MAX_PROFILES} profiles; delete one before creating more"
            )

    # -- persistence (TenantStore) ---------------------------------------------------------

    def snapshot(self) -> Any:
        with self._lock:
            profiles = sorted(self._profiles.values(), key=lambda p: p.seq)
            return {"next_seq": self._next_seq, "profiles": [p.to_dict() for p in profiles]}

    def restore(self, data: Any) -> None:
        if not isinstance(data, dict) or not isinstance(data.get("profiles"), list):
            raise TypeError("visit profiles must be {next_seq, profiles: [...]}")
        profiles = [Profile.from_dict(item) for item in data["profiles"]]
        next_seq = data.get("next_seq")
        if not isinstance(next_seq, int) or isinstance(next_seq, bool):
            raise ValueError("visit profiles: next_seq must be an integer")
        if len({p.id for p in profiles}) != len(profiles) or len(profiles) > MAX_PROFILES:
            raise ValueError(f"visit profiles: ids must be unique and at most {MAX_PROFILES}")
        if profiles and next_seq <= max(p.seq for p in profiles):
            raise ValueError("visit profiles: next_seq must be above every profile's seq")
        with self._lock:
            self._profiles = {p.id: p for p in profiles}
            self._next_seq = next_seq
