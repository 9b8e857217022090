"""In-process helpers for driving the app from tests (used by the pytest plugin)."""
