"""Signed download links: expiry, tampering, another tenant, expired exports, permissions."""

from __future__ import annotations

import httpx
import pytest

from mockserver.testing.fake import Fake
from tests.fullstory.exports.conftest import WHOLE_WORLD

pytestmark = pytest.mark.mockserver(users=4, clock="2026-09-01T00:00:00Z", lifecycle="immediate")


def _location(fake: Fake) -> tuple[str, str]:
    operation = fake.run_export(WHOLE_WORLD)
    export_id = operation["results"]["searchExportId"]
    with fake.client() as client:
        location = client.get(f"/search/v1/exports/{export_id}/results").json()["location"]
    return export_id, location


def _refusal(fake: Fake, url: str) -> httpx.Response:
    with fake.server.client() as anonymous:
        response = anonymous.get(url)
    assert response.headers["content-type"].startswith("application/xml")
    assert response.text.startswith("<?xml")
    return response


def test_link_expires_after_five_minutes(fullstory: Fake) -> None:
    _, location = _location(fullstory)
    fullstory.advance_clock(299)
    with fullstory.server.client() as anonymous:
        assert anonymous.get(location).status_code == 200
    fullstory.advance_clock(1)
    response = _refusal(fullstory, location)
    assert response.status_code == 403
    assert "<Code>ExpiredToken</Code>" in response.text


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (lambda url: url.replace("Signature=", "Signature=ab"), "SignatureDoesNotMatch"),
        (lambda url: url.replace("Expires=300", "Expires=999999"), "SignatureDoesNotMatch"),
        (lambda url: url.split("?")[0], "MissingSecurityHeader"),
    ],
)  # fmt: skip
def test_tampered_links_are_refused(fullstory: Fake, change: object, code: str) -> None:
    _, location = _location(fullstory)
    response = _refusal(fullstory, change(location))  # type: ignore[operator]
    assert response.status_code == 403
    assert f"<Code>{code}</Code>" in response.text


def test_a_link_cannot_be_pointed_at_another_tenant(fullstory: Fake, mockserver: object) -> None:
    export_id, location = _location(fullstory)
    with Fake(fullstory.server, "another-tenant") as other:
        other_export, _ = _location(other)
        forged = location.replace(fullstory.tenant_id, other.tenant_id).replace(
            export_id, other_export
        )
        assert _refusal(fullstory, forged).status_code == 403


def test_unknown_object_is_no_such_key(fullstory: Fake) -> None:
    response = _refusal(fullstory, "/__storage/fullstoryapp-search-export/o-none-na1/abc")
    assert response.status_code == 404 and "<Code>NoSuchKey</Code>" in response.text


def test_export_results_expire_after_seven_days(fullstory: Fake) -> None:
    operation = fullstory.run_export(WHOLE_WORLD)
    export_id = operation["results"]["searchExportId"]
    fullstory.advance_clock(7 * 86400)
    with fullstory.client() as client:
        response = client.get(f"/search/v1/exports/{export_id}/results")
    assert response.status_code == 404 and "expired" in response.json()["message"]


@pytest.mark.mockserver(level="standard")
def test_standard_keys_may_not_export(fullstory_client: httpx.Client) -> None:
    created = fullstory_client.post("/segments/v1/exports", json={**WHOLE_WORLD})
    assert created.status_code == 403 and created.json()["code"] == "forbidden"
    results = fullstory_client.get("/search/v1/exports/abc/results")
    assert results.status_code == 403
    assert fullstory_client.get("/segments/v1").status_code == 200
    assert fullstory_client.get("/operations/v1").status_code == 200


@pytest.mark.parametrize("text", ["a&b<c>d\"e'f", "&amp;", "<<>>", "plain", "é\n", "&lt;&"])
def test_storage_errors_escape_as_xml_sax_does(text: str) -> None:
    from xml.sax.saxutils import escape as sax_escape

    from mockserver.fullstory.exports.storage import escape

    assert escape(text) == sax_escape(text)
