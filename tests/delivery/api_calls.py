"""One call per served API, shared by the tests of the delivered artefacts (the Docker image and
the wheel run with the image's start command). A new API is one line in ``API_CALLS``."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

KEY = "mock-admin-key"  # a default key (README, "Keys"); Cognigy takes it too
PROJECT = "a" * 24  # any Cognigy project id


@dataclass(frozen=True)
class ApiCall:
    api: str
    method: str
    path: str
    headers: dict[str, str]
    status: int = 200


def basic(secret: str) -> dict[str, str]:
    return {"Authorization": f"Basic {secret}"}


API_CALLS = (
    ApiCall("FullStory", "GET", "/me", basic(KEY)),
    ApiCall("FullStory spec", "GET", "/openapi.json", {}),
    ApiCall("admin", "GET", "/__admin/tenants", {}),
    ApiCall("Opal", "GET", "/opal/discovery", {}),
    ApiCall("Cognigy", "GET", f"/new/v2.0/profiles?projectId={PROJECT}", {"X-API-Key": KEY}),
)


def call_each_api(base_url: str) -> None:
    """Every API answers its one call as documented, over a real socket."""
    with httpx.Client(base_url=base_url, timeout=10) as client:
        for call in API_CALLS:
            response = client.request(call.method, call.path, headers=call.headers)
            assert response.status_code == call.status, (call, response.text)
            assert response.headers["content-type"].startswith("application/json"), call


def mint_key(base_url: str) -> str:
    """A key minted over the admin API: state that only the state file can bring back."""
    response = httpx.post(
        f"{base_url}/__admin/keys", json={"tenant": "o-MOCK-na1", "level": "standard"}, timeout=10
    )
    assert response.status_code == 201, response.text
    secret: str = response.json()["secret"]
    return secret


def key_works(base_url: str, secret: str) -> bool:
    return httpx.get(f"{base_url}/me", headers=basic(secret), timeout=10).status_code == 200
