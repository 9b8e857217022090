from __future__ import annotations

from datetime import UTC, datetime

import pytest

from mockserver.core.clock import Clock, ClockMode

EPOCH = datetime(2026, 9, 1, tzinfo=UTC)


@pytest.fixture
def clock() -> Clock:
    """A clock that moves only when a test advances it."""
    return Clock(ClockMode.MANUAL, start=EPOCH)
