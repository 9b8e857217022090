"""One session, one effective profile → ``{"summary", "response", "response_schema"}``.

Pure: the same events and options give the same bytes, in any process.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from mockserver.fullstory.summaries.facts import extract_facts
from mockserver.fullstory.summaries.filler import Material, fill
from mockserver.fullstory.summaries.insights import analyse
from mockserver.fullstory.summaries.options import LlmOptions
from mockserver.fullstory.summaries.text import render


def summarize(
    session_id: str,
    events: Sequence[Mapping[str, Any]],
    llm: LlmOptions,
    context_elements: Collection[str] = ("user", "org", "location", "device"),
) -> dict[str, Any]:
    """The Generate Summary answer for ``events`` (already filtered and sliced, Events model).

    Without a ``response_schema`` only ``summary`` is returned (INFERRED: the docs say
    ``response`` is "populated when a response_schema is configured").
    """
    facts = extract_facts(session_id, events)
    if "device" not in context_elements:
        facts = dataclasses.replace(facts, device={})
    insights = analyse(facts)
    text = render(facts, insights, llm.pre_prompt, llm.post_prompt, llm.temperature)
    answer: dict[str, Any] = {"summary": text}
    if llm.response_schema is not None:
        answer["response"] = fill(llm.response_schema, Material(facts, insights, text))
        answer["response_schema"] = dict(llm.response_schema)
    return answer
