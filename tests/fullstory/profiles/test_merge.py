from __future__ import annotations

from mockserver.fullstory.profiles.merge import merge_overrides


def test_documented_example_arrays_append_scalars_replace() -> None:
    base = {
        "events": {"include_types": ["navigate", "click"], "exclude_selectors": False},
        "slice": {"mode": "FIRST", "event_limit": 10},
        "llm": {"pre_prompt": "a", "temperature": 0.2},
    }
    overrides = {
        "events": {"include_types": ["Added to Cart"], "exclude_selectors": True},
        "slice": {"mode": "LAST"},
        "llm": {"pre_prompt": "b"},
        "config_profile": "ignored here",
    }
    merged = merge_overrides(base, overrides)
    assert merged["events"] == {
        "include_types": ["navigate", "click", "Added to Cart"],
        "exclude_selectors": True,
    }
    assert merged["slice"] == {"mode": "LAST", "event_limit": 10}
    assert merged["llm"] == {"pre_prompt": "b", "temperature": 0.2}
    assert base["events"]["include_types"] == ["navigate", "click"]  # the profile is untouched


def test_response_schema_is_replaced_whole_and_nulls_change_nothing() -> None:
    base = {"llm": {"response_schema": {"type": "OBJECT", "properties": {"a": {"type": "STRING"}}}}}
    new = {"type": "OBJECT", "properties": {"b": {"type": "NUMBER"}}}
    assert merge_overrides(base, {"llm": {"response_schema": new}})["llm"]["response_schema"] == new
    assert merge_overrides(base, {"llm": {"response_schema": None}}) == base


def test_override_of_an_absent_array_sets_it() -> None:
    assert merge_overrides({}, {"events": {"exclude_types": ["click"]}}) == {
        "events": {"exclude_types": ["click"]}
    }
