"""Opal tests: the seed's tool names, and apps with the connector's settings changed."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

import httpx
import pytest

from mockserver.app import create_app
from mockserver.http.spec import load_spec
from mockserver.resources import spec_path
from mockserver.settings import Settings
from mockserver.testing.transport import in_process_client

# The fifteen tools of seed 002, in its order.
SEED_TOOLS = (
    "fullstory_create_segment_export",
    "fullstory_get_operation_status",
    "fullstory_get_search_export_results",
    "fullstory_get_segment",
    "fullstory_list_segments",
    "fullstory_get_session_quick_summary",
    "fullstory_get_session_behavior_summary",
    "fullstory_get_session_support_summary",
    "fullstory_get_session_technical_summary",
    "fullstory_get_session_conversion_funnel_summary",
    "fullstory_get_session_user_intent_summary",
    "fullstory_get_custom_session_summary",
    "fullstory_list_sessions",
    "fullstory_visit_profile",
    "fullstory_get_cmp_error_detection",
)
# Hidden when "AI-powered session analysis" is off: every tool that asks FullStory's AI.
AI_TOOLS = frozenset(
    name
    for name in SEED_TOOLS
    if "summary" in name or name.endswith(("visit_profile", "detection"))
)
JANE_UID = "jane-checkout"
JANE_EMAIL = "jane.checkout@example.com"
JANE_FAILED_CHECKOUT = "5914802517630194781:7210365481229753190"

EXPORTS_SERVED = any(
    op.operation_id == "createSegmentExport"
    for op in load_spec("fullstory", spec_path("fullstory")).operations
)

OpalApp = Callable[..., AbstractContextManager[httpx.Client]]


@pytest.fixture
def opal_app() -> OpalApp:
    """``with opal_app(opal_token="t") as client``: a fresh server with those settings."""

    @contextmanager
    def start(**changes: object) -> Iterator[httpx.Client]:
        app = create_app(Settings(validate_responses=True, users=200).replace(**changes))
        with in_process_client(app) as client:
            yield client

    return start
