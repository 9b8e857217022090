"""The Opal FullStory connector's tools, called with real identities: the scenario's pinned user
(uid and e-mail) with sessions, one of that user's sessions, the built-in segment ``everyone``,
and a finished export with its operation (made through FullStory's API with the same key, the
steps of :mod:`mockserver.contract.apis.exports`)."""

from __future__ import annotations

from collections.abc import Mapping

from mockserver.contract.apis.exports import EXPORT_BODY, VOLATILE, export_steps
from mockserver.contract.entries import ApiEntry, Discover, ExplicitCase

SESSION = {"sessionId": "{session.id}"}


def _tool(name: str, parameters: Mapping[str, object]) -> ExplicitCase:
    return ExplicitCase(name, body={"parameters": dict(parameters)})


ENTRY = ApiEntry(
    spec="opal",
    scenario="default",
    states={
        "user.uid": "jane-checkout",
        "user.email": "jane.checkout@example.com",
        "segment.id": "everyone",
    },
    discover=(
        # The connector reads FullStory with the same key: a session of the pinned user.
        Discover("session.id", "/v2/sessions", "/results/0/id", params={"uid": "{user.uid}"}),
        *export_steps(),
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
        _tool("fullstory_list_segments", {"limit": 5}),
        _tool("fullstory_get_segment", {"id": "{segment.id}"}),
        _tool("fullstory_create_segment_export", EXPORT_BODY),
        _tool("fullstory_get_operation_status", {"operationId": "{export.operation}"}),
        _tool("fullstory_get_search_export_results", {"id": "{export.id}"}),
    ),
    # The export tools pass on FullStory's operation times and signed links (and name the
    # link downloadUrl): the server's clock, so two equal targets differ there.
    volatile=VOLATILE | {"downloadUrl", "downloadUrlExpires"},
)
