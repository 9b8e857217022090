"""The pipeline's promises, through the app: every error in the documented envelope, no 500 for
bad input, nothing lost because of it."""

from __future__ import annotations

import httpx
import pytest

from mockserver.app import MockServerApp, create_app
from mockserver.http.auth import Credentials
from mockserver.http.errors import ApiError
from mockserver.settings import Settings
from mockserver.testing.transport import in_process_client

JANE_FAILED = "5914802517630194781:7210365481229753190"


def _assert_envelope(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"message": response.json()["message"], "code": code}


def test_missing_key_is_401(anon_client: httpx.Client) -> None:
    _assert_envelope(anon_client.get("/me"), 401, "unauthorized")


@pytest.mark.parametrize(
    "header",
    ["Basic nope", "Bearer mock-admin-key", "mock-admin-key", "Basic", "Basic bW9jazp4"],
)
def test_unknown_key_or_wrong_scheme_is_401(anon_client: httpx.Client, header: str) -> None:
    _assert_envelope(anon_client.get("/me", headers={"Authorization": header}), 401, "unauthorized")


def test_scheme_is_case_insensitive_and_key_raw(anon_client: httpx.Client) -> None:
    response = anon_client.get("/me", headers={"Authorization": "basic mock-standard-key"})
    assert response.status_code == 200
    assert response.json()["role"] == "USER"


def test_too_low_a_level_is_403() -> None:
    # No operation of this slice needs more than Standard, so raise the bar on a copy of the spec
    # through the authenticator directly.
    from mockserver.core.keys import DEFAULT_KEYS, KeyRing
    from mockserver.http.auth import BasicKeyAuthenticator
    from mockserver.http.errors import Forbidden
    from mockserver.http.spec import Operation

    op = Operation(
        "fullstory",
        "createSegmentExport",
        "POST",
        "/x",
        (),
        None,
        {},
        True,
        {"x-fullstory-permission": "Architect"},
    )
    auth = BasicKeyAuthenticator(KeyRing(DEFAULT_KEYS))
    with pytest.raises(Forbidden, match="needs a Architect key"):
        auth.authenticate(_basic("mock-standard-key"), op)
    assert auth.authenticate(_basic("mock-architect-key"), op).level.label == "Architect"
    assert auth.authenticate(_basic("mock-admin-key"), op).level.label == "Admin"


def _basic(secret: str) -> Credentials:
    return Credentials({"authorization": f"Basic {secret}"}, {})


def test_unknown_route_is_404_in_the_envelope(client: httpx.Client) -> None:
    _assert_envelope(client.get("/v3/nothing"), 404, "resource_not_found")
    _assert_envelope(client.post("/"), 404, "resource_not_found")


def test_trailing_slash_is_not_redirected(client: httpx.Client) -> None:
    _assert_envelope(client.get("/me/"), 404, "resource_not_found")


def test_wrong_method_is_405_with_allow(client: httpx.Client) -> None:
    response = client.delete("/sessions/v2")
    _assert_envelope(response, 405, "method_not_allowed")
    assert response.headers["allow"] == "GET"
    response = client.get(f"/v2/sessions/{JANE_FAILED}/context")
    assert response.status_code == 405 and response.headers["allow"] == "POST"


@pytest.mark.parametrize("content_type", ["application/json", "text/plain"])
def test_malformed_json_is_400(client: httpx.Client, content_type: str) -> None:
    response = client.post(
        f"/v2/sessions/{JANE_FAILED}/context",
        content=b'{"slice": {',
        headers={"content-type": content_type},
    )
    _assert_envelope(response, 400, "invalid_argument")
    assert "JSON" in response.json()["message"]


@pytest.mark.parametrize(
    "content_type", [None, "application/x-www-form-urlencoded", "text/plain; charset=utf-8"]
)
def test_json_body_without_json_content_type_is_read(
    client: httpx.Client, content_type: str | None
) -> None:
    body = b'{"events": {"include_types": ["rage-click"]}}'
    headers = {"content-type": content_type} if content_type else {}
    response = client.post(f"/v2/sessions/{JANE_FAILED}/context", content=body, headers=headers)
    assert response.status_code == 200, response.text
    pages = response.json()["context_data"]["pages"]
    assert [e["type"] for page in pages for e in page["events"]] == ["rage-click"]


def test_non_json_content_type_is_400(client: httpx.Client) -> None:
    response = client.post(
        f"/v2/sessions/{JANE_FAILED}/context",
        content=b"slice=1",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    _assert_envelope(response, 400, "invalid_argument")


def test_schema_violation_in_body_is_400(client: httpx.Client) -> None:
    response = client.post(
        f"/v2/sessions/{JANE_FAILED}/context", json={"slice": {"mode": "SIDEWAYS"}}
    )
    _assert_envelope(response, 400, "invalid_argument")
    assert "slice/mode" in response.json()["message"]


def test_empty_body_means_no_options(client: httpx.Client) -> None:
    response = client.post(f"/v2/sessions/{JANE_FAILED}/context")
    assert response.status_code == 200


def test_oversized_body_is_413_and_state_survives() -> None:
    app = create_app(Settings(validate_responses=True, max_body_bytes=64))
    with in_process_client(app, headers={"Authorization": "Basic mock-admin-key"}) as client:
        response = client.post(
            f"/v2/sessions/{JANE_FAILED}/context", json={"events": {"include_types": ["x" * 100]}}
        )
        _assert_envelope(response, 413, "payload_too_large")
        assert client.post(f"/v2/sessions/{JANE_FAILED}/context", json={}).status_code == 200


def test_unexpected_exception_is_a_500_in_the_envelope(
    monkeypatch: pytest.MonkeyPatch, app: MockServerApp
) -> None:
    from mockserver.fullstory import session_lookup

    def boom(*_: object) -> None:
        raise RuntimeError("bug")

    monkeypatch.setattr(session_lookup, "parse_session_id", boom)
    with in_process_client(
        create_app(Settings()), headers={"Authorization": "Basic mock-admin-key"}
    ) as client:
        _assert_envelope(client.get(f"/v2/sessions/{JANE_FAILED}/events"), 500, "server_error")
        assert client.get("/me").status_code == 200


def test_response_validation_turns_a_lying_handler_into_a_500(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from mockserver.fullstory import handlers

    monkeypatch.setattr(handlers, "legacy_item", lambda ref: {"userId": 1})
    app = create_app(Settings(validate_responses=True))
    with in_process_client(app, headers={"Authorization": "Basic mock-admin-key"}) as client:
        response = client.get("/sessions/v2", params={"uid": "jane-checkout"})
    _assert_envelope(response, 500, "server_error")
    assert "breaks its spec" in response.json()["message"]


def test_every_api_error_subclass_has_a_snake_case_code() -> None:
    import re

    def walk(cls: type[ApiError]) -> list[type[ApiError]]:
        return [cls, *(c for sub in cls.__subclasses__() for c in walk(sub))]

    for cls in walk(ApiError):
        assert re.fullmatch(r"[a-z][a-z0-9_]*", cls.code), cls


@pytest.mark.parametrize(
    "path", ["/v2/sessions/1%0A2/events", "/%0A", "/__admin/tenants/a%0Ab/rate-limits"]
)
def test_control_characters_in_paths_still_get_the_envelope(
    client: httpx.Client, path: str
) -> None:
    response = client.get(path)
    assert response.status_code in {400, 404, 405}
    assert response.headers["content-type"] == "application/json"


def test_served_documents_answer_only_get(client: httpx.Client) -> None:
    response = client.post("/openapi.json")
    _assert_envelope(response, 405, "method_not_allowed")
    assert response.headers["allow"] == "GET"
    admin = client.delete("/__admin/openapi.json")
    assert admin.status_code == 405 and admin.json()["error"]["code"] == "method_not_allowed"


def test_admin_prefix_owns_only_its_own_paths(client: httpx.Client) -> None:
    assert client.get("/__adminx").json()["code"] == "resource_not_found"  # FullStory's envelope
    assert client.get("/__admin/nothing").json()["error"]["code"] == "resource_not_found"


def test_a_failing_recorder_does_not_eat_the_answer(
    app: MockServerApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(app.state.server.journal, "record", broken)
    with in_process_client(app, headers={"Authorization": "Basic mock-admin-key"}) as client:
        assert client.get("/me").status_code == 200


def test_head_of_a_served_document_has_no_body(client: httpx.Client) -> None:
    response = client.head("/openapi.json")
    assert response.status_code == 200 and response.content == b""
