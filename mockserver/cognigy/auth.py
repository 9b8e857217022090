"""Cognigy's API-key schemes: header ``X-API-Key``, query ``api_key``, or
``Authorization: Bearer <token>``. Keys are the server's key ring (the same tenants as
FullStory's), so one tenant's key never sees another's profiles.

Deviation: a bearer token here is an API key of the ring; Cognigy's are OAuth2 access tokens
(the fake has no OAuth2 server). README fidelity table.
"""

from __future__ import annotations

from typing import ClassVar

from mockserver.core.keys import KeyRing
from mockserver.http.auth import Credentials, KeyChecker, Principal, scheme_secret
from mockserver.http.spec import Operation

API_KEY_HEADER = "x-api-key"
API_KEY_QUERY = "api_key"


class CognigyKeyAuthenticator:
    header_names: ClassVar[frozenset[str]] = frozenset({API_KEY_HEADER, "authorization"})

    def __init__(self, keys: KeyRing) -> None:
        self.checker = KeyChecker(keys)

    def authenticate(self, credentials: Credentials, operation: Operation) -> Principal:
        """The first credential given, in the order header, bearer token, query parameter;
        a wrong one is a 401 even if another would have been right."""
        in_query = credentials.query.get(API_KEY_QUERY)
        secret = (
            credentials.headers.get(API_KEY_HEADER)
            or scheme_secret(credentials.authorization, "bearer")
            or (in_query[-1] if in_query else None)
        )
        return self.checker.principal(secret, operation)
