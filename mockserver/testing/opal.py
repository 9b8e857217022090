"""The Opal tools service as a test drives it: a connector on the test's own tenant.

Each call carries ``Authorization: Basic <the test's FullStory key>``, so the tools call
FullStory as that tenant: its world, rate limiter, fault rules and journal. The tool calls and
the FullStory calls they make land in the same journal, so a test can check both.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from mockserver.core.journal import JournalEntry
from mockserver.core.keys import ApiKey
from mockserver.testing.fake import Fake

OPAL_PREFIX = "/opal"


class OpalFake:
    """Calls the Opal tools of the fake; ``fullstory`` is the test's :class:`Fake`."""

    def __init__(self, fullstory: Fake, client: httpx.Client) -> None:
        self.fullstory = fullstory
        self.http = client

    def discovery(self) -> dict[str, Any]:
        response = self.http.get(f"{OPAL_PREFIX}/discovery")
        response.raise_for_status()
        answer: dict[str, Any] = response.json()
        return answer

    def call(self, tool: str, /, **parameters: Any) -> httpx.Response:
        """``POST /opal/tools/<tool>`` with ``{"parameters": {...}}``."""
        return self.http.post(f"{OPAL_PREFIX}/tools/{tool}", json={"parameters": parameters})

    def run(self, tool: str, /, **parameters: Any) -> Any:
        """The tool's answer; AssertionError with the ``detail`` if it failed."""
        __tracebackhide__ = True
        response = self.call(tool, **parameters)
        if response.status_code != 200:
            raise AssertionError(f"{tool} answered {response.status_code}: {response.text}")
        return response.json()

    def tool_calls(self, tool: str | None = None) -> list[JournalEntry]:
        """The journaled tool calls of this test's connector (oldest first)."""
        entries = self.fullstory.calls(tool)
        return [entry for entry in entries if entry.path.startswith(f"{OPAL_PREFIX}/")]

    def fullstory_calls(self) -> list[JournalEntry]:
        """The FullStory API calls the tools made for this test, oldest first."""
        return [e for e in self.fullstory.calls() if not e.path.startswith(f"{OPAL_PREFIX}/")]


@contextmanager
def opal_client(fullstory: Fake, key: ApiKey | None = None) -> Iterator[OpalFake]:
    with fullstory.client(key) as client:
        yield OpalFake(fullstory, client)
