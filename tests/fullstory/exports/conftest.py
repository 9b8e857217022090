"""Small worlds: exports walk every user, and unit tests must stay fast."""

from __future__ import annotations

from typing import Any

HISTORY = {"start": "", "end": ""}
WHOLE_WORLD: dict[str, Any] = {"segmentTimeRange": HISTORY, "timeRange": HISTORY}
