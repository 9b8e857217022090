"""Helpers shared by the control-plane tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx

T0 = datetime(2026, 9, 1, tzinfo=UTC)

ClientFor = Callable[[str], httpx.Client]


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def admin_error(response: httpx.Response, status: int) -> dict[str, Any]:
    """The documented admin envelope with ``status``."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and body["error"]["status"] == status
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return dict(body["error"])


def new_tenant(admin: httpx.Client, tenant_id: str, level: str = "admin", **config: Any) -> str:
    """Create a tenant with a key of ``level``; returns the key's secret."""
    body = {"tenant_id": tenant_id, "key": {"level": level}, **config}
    created = ok(admin.post("/__admin/tenants", json=body), 201)
    return str(created["key"]["secret"])
