"""Which FullStory summary profile each summary tool asks for, and the profile the custom
summary and visit-profile tools build from the caller's prompts.

The built-in profile ids are those the FullStory layer serves (``GET /v2/visit_profile``
lists them); a summary tool sends its id as ``config_profile`` to Generate Summary.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

# tool name -> built-in summary profile id
BUILTIN_PROFILES = MappingProxyType(
    {
        "fullstory_get_session_quick_summary": "quick",
        "fullstory_get_session_behavior_summary": "behavioral",
        "fullstory_get_session_support_summary": "support",
        "fullstory_get_session_technical_summary": "technical",
        "fullstory_get_session_conversion_funnel_summary": "conversion_funnel",
        "fullstory_get_session_user_intent_summary": "user_intent",
        "fullstory_get_cmp_error_detection": "cmp_error_detection",
    }
)

CUSTOM_SUMMARY_TEMPERATURE = 0.4  # the seed's default for fullstory_get_custom_session_summary
VISIT_PROFILE_TEMPERATURE = 0.2  # the seed's default for fullstory_visit_profile's llm


def prompt_profile(
    name: str, pre_prompt: str, post_prompt: str, temperature: float
) -> dict[str, Any]:
    """A Create Profile body (``POST /v2/visit_profile``, api-facts 1.2) from prompts."""
    llm: dict[str, Any] = {"temperature": temperature}
    if pre_prompt:
        llm["pre_prompt"] = pre_prompt
    if post_prompt:
        llm["post_prompt"] = post_prompt
    return {"name": name, "llm": llm}
