"""The Cognigy side of a test's fake: the same tenant, key, clock, faults and journal as
:class:`~mockserver.testing.fake.Fake`, with Cognigy's ``X-API-Key`` header, a project of its
own and direct access to the tenant's profile store for seeding."""

from __future__ import annotations

import hashlib
from typing import Any

from mockserver.cognigy.ids import user_id
from mockserver.cognigy.profile import Profile
from mockserver.cognigy.store import ProfileStore
from mockserver.core.keys import ApiKey
from mockserver.testing.fake import Fake

PROFILES_PATH = "/new/v2.0/profiles"


class CognigyFake(Fake):
    """``cognigy.client()`` sends the test's key as ``X-API-Key``; ``cognigy.project_id`` is a
    24-character id stable per test; ``cognigy.add_profile(...)`` seeds a profile without HTTP
    (nothing is journaled)."""

    def auth_headers(self, key: ApiKey) -> dict[str, str]:
        return {"X-API-Key": key.secret}

    @property
    def project_id(self) -> str:
        return hashlib.sha256(f"project\x1f{self.name}".encode()).hexdigest()[:24]

    @property
    def profiles(self) -> ProfileStore:
        return self.tenant.cognigy

    def add_profile(
        self,
        *contact_ids: str,
        project_id: str | None = None,
        active: bool = True,
        **profile: Any,
    ) -> Profile:
        body = {"profile": profile, "active": active, "contactIds": list(contact_ids)}
        return self.profiles.create(project_id or self.project_id, body, user_id(self.key.key_id))
