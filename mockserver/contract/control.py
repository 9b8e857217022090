"""The kit's use of a fake's control plane (``/__admin``), on any target whose admin API answers:
in process, over uvicorn, or at a URL. It gives the kit a tenant and key of its own (so a shared
server's other users are never disturbed) and removes them afterwards."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

ADMIN = "/__admin"


class ControlPlaneError(RuntimeError):
    """The control plane refused a call the kit needs."""


@dataclass(frozen=True)
class Provisioned:
    """A tenant and key the kit made on a fake through its control plane (the secret is
    used, never printed)."""

    tenant: str
    key_id: str
    secret: str


class ControlPlane:
    def __init__(self, client: httpx.Client, token: str | None) -> None:
        self._client = client
        self._headers = {"Authorization": f"Bearer {token}"} if token else {}

    @property
    def headers(self) -> dict[str, str]:
        return dict(self._headers)

    def reachable(self) -> bool:
        """The health check answers and the token (if any) is accepted."""
        try:
            health = self._client.get(f"{ADMIN}/health")
            if health.status_code != 200:
                return False
            return self.request("GET", "/tenants").status_code == 200
        except httpx.HTTPError:
            return False

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return self._client.request(method, f"{ADMIN}{path}", headers=self._headers, **kwargs)

    def _expect(self, response: httpx.Response, *statuses: int) -> Any:
        if response.status_code not in statuses:
            raise ControlPlaneError(
                f"{response.request.method} {response.request.url.path}: "
                f"{response.status_code} {response.text[:300]}"
            )
        return response.json() if response.content else None

    def create_tenant(self, scenario: str | None) -> Provisioned:
        body: dict[str, Any] = {"key": {"level": "admin"}}
        if scenario:
            body["scenario"] = scenario
        created = self._expect(self.request("POST", "/tenants", json=body), 201)
        key = created["key"]
        return Provisioned(created["tenant"]["tenant_id"], key["key_id"], key["secret"])

    def delete_tenant(self, tenant: str) -> None:
        # 404: already gone (a whole-server reset in the control-plane suite removed it).
        self._expect(self.request("DELETE", f"/tenants/{tenant}"), 200, 404)

    def add_fault(self, tenant: str, operation_id: str, status: int) -> str:
        body = {
            "match": {"operation_id": operation_id, "tenant": tenant},
            "action": {"type": "error", "status": status},
        }
        created = self._expect(self.request("POST", "/faults", json=body), 201)
        return str(created["id"])

    def delete_fault(self, fault_id: str) -> None:
        self._expect(self.request("DELETE", f"/faults/{fault_id}"), 200, 404)

    def set_rate_limits(self, tenant: str, body: Any) -> None:
        self._expect(self.request("PUT", f"/tenants/{tenant}/rate-limits", json=body), 200)

    def reset_tenant(self, tenant: str) -> None:
        self._expect(self.request("POST", f"/tenants/{tenant}/reset"), 200)
