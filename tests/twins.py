"""Two identical servers for tests that serve the same requests two ways and compare all that
can be seen of them afterwards (tests/http/test_direct_entry.py,
tests/opal/test_direct_requests.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from mockserver.app import MockServerApp, create_app
from mockserver.core.clock import ClockMode
from mockserver.settings import Settings


def twin(*, burst: int, **settings: Any) -> MockServerApp:
    """A small world on a frozen clock, each key's buckets holding ``burst`` requests: the clock
    stands still, so nothing refills and a spent bucket refuses the same way on both."""
    return create_app(
        Settings(
            users=10,
            clock=ClockMode.FROZEN,
            clock_start=datetime(2026, 9, 1, tzinfo=UTC),
            rate_limit_rps=0.01,
            rate_limit_burst=burst,
            **settings,
        )
    )


def state_of(app: MockServerApp) -> dict[str, Any]:
    """What serving left behind: the journal, every journaled tenant's rate-limit buckets, and
    the fault rules with their remaining counts."""
    server = app.state.server
    return {
        "journal": server.journal.snapshot(),
        "limits": [server.tenant(t).limiter.snapshot() for t in server.journal.tenants()],
        "faults": [rule.to_dict() for rule in server.faults.list()],
    }
