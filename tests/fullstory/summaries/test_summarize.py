"""The whole answer for hand-written Events-model sessions, per built-in profile.

The failed-checkout tests here run on the hand-written Events-model session in
``events.py``; the same story on the world's pinned session (scenario ``default``) is checked
over HTTP in tests/fullstory/test_summary_api.py.
"""

from __future__ import annotations

from typing import Any

import jsonschema_rs
import orjson
import pytest

from mockserver.fullstory.summaries.builtin import BUILTIN_PROFILES, BuiltinProfile
from mockserver.fullstory.summaries.dialect import to_json_schema
from mockserver.fullstory.summaries.options import LlmOptions
from mockserver.fullstory.summaries.summarize import summarize
from tests.fullstory.summaries.events import PAYMENT_ERROR, at, completed_purchase, failed_checkout

PROFILES = {profile.id: profile for profile in BUILTIN_PROFILES}


def answer(profile: BuiltinProfile, events: list[dict[str, Any]]) -> dict[str, Any]:
    return summarize("s", events, LlmOptions.from_body(profile.body()["llm"]))


def test_every_builtin_profile_answers_to_its_schema() -> None:
    assert set(PROFILES) == {
        "quick", "behavioral", "support", "technical", "conversion_funnel", "user_intent",
        "cmp_error_detection",
    }  # fmt: skip
    for profile in BUILTIN_PROFILES:
        for events in (failed_checkout(), completed_purchase(), []):
            result = answer(profile, events)
            validator = jsonschema_rs.validator_for(to_json_schema(profile.response_schema))
            assert validator.is_valid(result["response"]), (profile.id, result["response"])
            assert result["response_schema"] == profile.response_schema


@pytest.mark.parametrize("profile_id", ["quick", "support", "technical", "conversion_funnel"])
def test_failed_checkout_names_payment_failure_exception_and_rage_clicks(profile_id: str) -> None:
    text = answer(PROFILES[profile_id], failed_checkout())["summary"]
    assert "POST /api/payments failed with HTTP 500" in text
    if profile_id != "quick":  # two or three sentences name the first problems only
        assert 'rage clicks on "Place order"' in text
    assert f'exception "{PAYMENT_ERROR.replace(chr(34), chr(39))}"' in text.replace(
        "Exception", "exception"
    )


def test_quick_summary_is_two_or_three_sentences() -> None:
    text = answer(PROFILES["quick"], failed_checkout())["summary"]
    assert 2 <= text.count(". ") + 1 <= 3, text


def test_technical_summary_has_timestamps_and_triggers() -> None:
    text = answer(PROFILES["technical"], failed_checkout())["summary"]
    assert f"at {at(95.6)}" in text and f"at {at(95.4)}" in text
    assert 'after a click on "Place order"' in text
    response = answer(PROFILES["technical"], failed_checkout())["response"]
    assert [e["timestamp"] for e in response["exceptions_and_console_errors"]] == [
        at(95.6),
        at(95.7),
    ]
    assert response["network_failures"][0] == {
        "timestamp": at(95.4),
        "method": "POST",
        "url": "https://www.acmeoutfitters.com/api/payments",
        "status": 500,
    }
    assert response["error_count"] == 4


def test_structured_answers_carry_the_facts() -> None:
    funnel = answer(PROFILES["conversion_funnel"], failed_checkout())["response"]
    assert funnel["funnel_stage_reached"] == "checkout"
    assert funnel["converted"] is False and funnel["drop_off_point"] == "/checkout"
    intent = answer(PROFILES["user_intent"], failed_checkout())["response"]
    assert intent["intent"] == "ready to buy" and 0 < intent["confidence"] <= 1
    bought = answer(PROFILES["conversion_funnel"], completed_purchase())["response"]
    assert bought["funnel_stage_reached"] == "purchase" and bought["converted"] is True
    cmp = answer(PROFILES["cmp_error_detection"], completed_purchase())["response"]
    assert cmp["has_errors"] is False and cmp["console_errors"] == []


def test_a_clean_session_states_no_problem() -> None:
    for profile in BUILTIN_PROFILES:
        text = answer(profile, completed_purchase())["summary"].lower()
        for word in ("exception", "failed with", "rage", "console error"):
            assert word not in text, (profile.id, text)


def test_same_inputs_same_bytes_and_temperature_changes_only_wording() -> None:
    profile = PROFILES["support"]
    llm = profile.body()["llm"]
    first = orjson.dumps(summarize("s", failed_checkout(), LlmOptions.from_body(llm)))
    again = orjson.dumps(summarize("s", failed_checkout(), LlmOptions.from_body(llm)))
    assert first == again
    texts = {
        summarize("s", failed_checkout(), LlmOptions.from_body({**llm, "temperature": t}))[
            "summary"
        ]
        for t in (0.3, 0.5, 0.7, 0.9)
    }
    assert len(texts) > 1  # other words...
    for text in texts:  # ...for the same facts
        assert "POST /api/payments failed with HTTP 500" in text


def test_without_schema_only_a_summary() -> None:
    result = summarize("s", failed_checkout(), LlmOptions())
    assert list(result) == ["summary"]
    assert "POST /api/payments failed with HTTP 500" in result["summary"]


def test_prompts_shape_the_text() -> None:
    bullets = summarize(
        "s", failed_checkout(), LlmOptions(post_prompt="List the technical errors as a list")
    )["summary"]
    assert bullets.startswith("- ") and "\n- " in bullets
    intent = summarize("s", failed_checkout(), LlmOptions(post_prompt="What was the intent?"))
    assert "Intent: ready to buy" in intent["summary"]
