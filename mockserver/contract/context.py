"""What a property sees: the API over HTTP (paced, counted, with the run's credentials), the
provider states, and, where the target has them, the control plane and in-process hooks. A
property that needs what the target lacks is skipped with the reason."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from hypothesis import settings

from mockserver.contract.control import ControlPlane
from mockserver.contract.targets import REQUEST_TIMEOUT, Binding
from mockserver.testing.fake import FakeServer

PROPERTY_SETTINGS = settings(max_examples=15, deadline=None, derandomize=True, database=None)


@dataclass
class PropertyContext:
    """What a property test needs: the API's binding to the target, the HTTP client,
    Hypothesis settings and how to wait."""

    binding: Binding
    client: httpx.Client
    settings: settings = PROPERTY_SETTINGS
    # Waiting out a live target's Retry-After takes real time (its clock is not ours to move).
    sleep: Callable[[float], None] = field(default=time.sleep)

    def state(self, name: str) -> Any:
        """A provider state; the property is skipped (with the reason) if the target has none."""
        value = self.binding.states.get(name)
        if value is None:
            why = self.binding.unavailable.get(name, "not named in the config file")
            pytest.skip(f"provider state {name} unavailable on {self.binding.target.label}: {why}")
        return value

    def users(self) -> list[tuple[str, str]]:
        """Every known user as ``(uid, email)``: states ``<who>.uid`` with ``<who>.email``."""
        states = self.binding.states
        found = [
            (states[name], states[f"{name[:-4]}.email"])
            for name in sorted(states)
            if name.endswith(".uid") and f"{name[:-4]}.email" in states
        ]
        if not found:
            self.state("user.uid")
        return found

    @property
    def control(self) -> ControlPlane:
        if self.binding.control is None:
            pytest.skip(f"needs the control plane of a fake; {self.binding.target.label} has none")
        return self.binding.control

    @property
    def tenant(self) -> str:
        if self.binding.tenant is None:
            pytest.skip("needs a tenant the kit created")
        return self.binding.tenant

    @property
    def server(self) -> FakeServer:
        if self.binding.server is None:
            pytest.skip("needs in-process hooks of a fake this run starts")
        return self.binding.server

    def unpaced(self, headers: dict[str, str] | None = None) -> httpx.Client:
        """A client that sees 429 as it is (for properties about rate limiting), with the run's
        timeout: httpx's default (5 s) once failed an export download on a loaded machine, the
        file being generated whole before its first byte."""
        return httpx.Client(
            base_url=self.binding.base_url,
            headers=self.binding.headers if headers is None else headers,
            transport=_Borrowed(self.binding.transport),
            event_hooks={"request": [lambda _: self.binding.target.count()]},
            timeout=REQUEST_TIMEOUT,
        )


class _Borrowed(httpx.BaseTransport):
    """The binding's transport, not closed with the client."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self._inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self._inner.handle_request(request)


def open_context(binding: Binding) -> Iterator[PropertyContext]:
    with binding.client() as client:
        yield PropertyContext(binding, client)
