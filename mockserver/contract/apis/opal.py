"""The Opal FullStory connector's tools, called with real identities: the scenario's pinned user
(uid and e-mail) with sessions and one of that user's sessions. The segment
tools need segment ids and exports, which this fake's FullStory API does not serve yet (issue 11):
they are declared unreachable until it does, so the coverage report shows them apart."""

from __future__ import annotations

from collections.abc import Mapping

from mockserver.contract.entries import ApiEntry, Discover, ExplicitCase

SESSION = {"sessionId": "{session.id}"}
SEGMENT_TOOLS = (
    "fullstory_get_segment",
    "fullstory_list_segments",
    "fullstory_create_segment_export",
    "fullstory_get_operation_status",
    "fullstory_get_search_export_results",
)
SEGMENTS_MISSING = "the fake serves no /segments/v1 or exports yet (issue 11): no segment id exists"


def _tool(name: str, parameters: Mapping[str, object]) -> ExplicitCase:
    return ExplicitCase(name, body={"parameters": dict(parameters)})


ENTRY = ApiEntry(
    spec="opal",
    scenario="default",
    states={"user.uid": "jane-checkout", "user.email": "jane.checkout@example.com"},
    discover=(
        # The connector reads FullStory with the same key: a session of the pinned user.
        Discover("session.id", "/v2/sessions", "/results/0/id", params={"uid": "{user.uid}"}),
    ),
    cases=(
        ExplicitCase("opalDiscovery"),
        _tool("fullstory_list_sessions", {"uid": "{user.uid}", "limit": 5}),
        _tool("fullstory_list_sessions", {"email": "{user.email}"}),
        _tool("fullstory_visit_profile", {"uid": "{user.uid}", "limit": 3}),
        *(
            _tool(f"fullstory_get_session_{kind}_summary", SESSION)
            for kind in ("quick", "behavior", "support", "technical", "conversion_funnel")
        ),
        _tool("fullstory_get_session_user_intent_summary", SESSION),
        _tool(
            "fullstory_get_custom_session_summary",
            {**SESSION, "pre_prompt": "You review checkouts.", "post_prompt": "Be brief."},
        ),
        _tool("fullstory_get_cmp_error_detection", SESSION),
    ),
    unreachable=dict.fromkeys(SEGMENT_TOOLS, SEGMENTS_MISSING),
)
