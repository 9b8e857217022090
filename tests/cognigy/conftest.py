"""A fresh app per test, Cognigy clients keyed by X-API-Key, and the seed's create example."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from mockserver.app import MockServerApp
from mockserver.testing.transport import in_process_client
from tests.conftest import ADMIN_KEY, STANDARD_KEY

PROJECT = "5ce7c2d833ea1e04d7e6c432"
OTHER_PROJECT = "64f6a1b2c3d4e5f6a7b8c9d0"
PROFILES = "/new/v2.0/profiles"

# The create example of shared/seeds/003 (docs.cognigy.com), placeholders aside.
SEED_PROFILE: dict[str, Any] = {
    "profile": {
        "prevent_data_collection": True,
        "accepted_gdpr": True,
        "privacy_policy": {},
        "tasks": ["buyer"],
        "memories": [
            {"id": "123456", "timestamp": "2024-09-23T08:37:00Z", "text": "This is a memory."}
        ],
        "firstname": "Max",
        "lastname": "Mustermann",
        "email": "jsmith@example.com",
        "profilepic": "",
    },
    "active": True,
    "contactIds": ["mail@example.com"],
}


def seed_body(project: str = PROJECT, **changes: Any) -> dict[str, Any]:
    return {**copy.deepcopy(SEED_PROFILE), "projectId": project, **changes}


@pytest.fixture
def cognigy(app: MockServerApp) -> Iterator[httpx.Client]:
    with in_process_client(app, headers={"X-API-Key": ADMIN_KEY}) as client:
        yield client


@pytest.fixture
def standard(app: MockServerApp) -> Iterator[httpx.Client]:
    with in_process_client(app, headers={"X-API-Key": STANDARD_KEY}) as client:
        yield client


Create = Callable[..., dict[str, Any]]


@pytest.fixture
def create(cognigy: httpx.Client) -> Create:
    def make(contact: str, project: str = PROJECT, **profile: Any) -> dict[str, Any]:
        body = {"projectId": project, "contactIds": [contact], "profile": profile}
        response = cognigy.post(PROFILES, json=body)
        assert response.status_code == 201, response.text
        created: dict[str, Any] = response.json()
        return created

    return make
