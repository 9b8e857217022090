"""Every parameter rule of the seed, on the validator and over HTTP (400 naming the parameter).

Hypothesis draws valid and invalid values for each rule; the validator is the one the service
runs, so what holds here holds for every tool call.
"""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mockserver.opal.catalog import TOOLS_BY_NAME
from mockserver.opal.params import ParameterError
from mockserver.testing.opal import OpalFake

FAST = settings(max_examples=40, deadline=None, derandomize=True, database=None)
INT64 = st.integers(0, 2**63 - 1)
SESSION_IDS = st.tuples(INT64, INT64).map(lambda pair: f"{pair[0]}:{pair[1]}")
NOT_INTEGERS = st.one_of(
    st.text(max_size=5),
    st.booleans(),
    st.floats(allow_nan=True).filter(lambda f: not (math.isfinite(f) and f.is_integer())),
    st.lists(st.integers(), max_size=2),
)
NOT_NUMBERS = st.one_of(st.text(max_size=5), st.booleans(), st.none().map(lambda _: [1]))
SUMMARY_TOOLS = [
    name
    for name, tool in TOOLS_BY_NAME.items()
    if [p.name for p in tool.signature.params] == ["sessionId"]
]


def validate(tool: str, **params: Any) -> dict[str, Any]:
    return TOOLS_BY_NAME[tool].signature.validate(params)


def refused(tool: str, **params: Any) -> str:
    with pytest.raises(ParameterError) as caught:
        validate(tool, **params)
    return str(caught.value)


EXPORT = {
    "segmentId": "everyone",
    "type": "TYPE_INDIVIDUAL",
    "timeRange": {"start": "2024-01-01T00:00:00Z", "end": "2024-01-31T23:59:59Z"},
    "format": "FORMAT_CSV",
}


# -- list sessions: uid or email (union if both), limit 1..100 default 20 ---------------------


def test_list_sessions_needs_uid_or_email_and_takes_both() -> None:
    assert refused("fullstory_list_sessions") == "one of uid or email is required"
    both = validate("fullstory_list_sessions", uid="u", email="e@x.test")
    assert both == {"uid": "u", "email": "e@x.test", "limit": 20}


@FAST
@given(limit=st.integers(1, 100))
def test_list_sessions_limit_in_range(limit: int) -> None:
    assert validate("fullstory_list_sessions", uid="u", limit=limit)["limit"] == limit


@FAST
@given(limit=st.one_of(st.integers(max_value=0), st.integers(min_value=101)))
def test_list_sessions_limit_out_of_range(limit: int) -> None:
    assert refused("fullstory_list_sessions", uid="u", limit=limit).startswith(
        "limit must be between 1 and 100"
    )


@FAST
@given(limit=NOT_INTEGERS)
def test_list_sessions_limit_must_be_an_integer(limit: Any) -> None:
    assert refused("fullstory_list_sessions", uid="u", limit=limit).startswith(
        "limit must be an integer"
    )


# -- visit profile: uid or email, not both; limit 1..20 default 5; llm ----------------------


def test_visit_profile_uid_or_email_not_both() -> None:
    assert refused("fullstory_visit_profile") == "one of uid or email is required"
    assert refused("fullstory_visit_profile", uid="u", email="e") == "give uid or email, not both"
    assert validate("fullstory_visit_profile", email="e")["limit"] == 5


@FAST
@given(limit=st.integers(-1000, 1000))
def test_visit_profile_limit(limit: int) -> None:
    if 1 <= limit <= 20:
        assert validate("fullstory_visit_profile", uid="u", limit=limit)["limit"] == limit
    else:
        assert "limit must be between 1 and 20" in refused(
            "fullstory_visit_profile", uid="u", limit=limit
        )


@FAST
@given(temperature=st.floats(-10, 10, allow_nan=False))
def test_visit_profile_llm_temperature(temperature: float) -> None:
    llm = {"pre_prompt": "You are a CSM.", "temperature": temperature}
    if 0.0 <= temperature <= 1.0:
        checked = validate("fullstory_visit_profile", uid="u", llm=llm)["llm"]
        assert checked == {
            "pre_prompt": "You are a CSM.",
            "post_prompt": None,
            "temperature": temperature,
        }
    else:
        assert refused("fullstory_visit_profile", uid="u", llm=llm).startswith(
            "llm.temperature must be between 0.0 and 1.0"
        )


def test_visit_profile_llm_defaults_and_types() -> None:
    assert validate("fullstory_visit_profile", uid="u", llm={})["llm"]["temperature"] == 0.2
    assert refused("fullstory_visit_profile", uid="u", llm="x").startswith("llm must be an object")
    assert refused("fullstory_visit_profile", uid="u", llm={"pre_prompt": 3}).startswith(
        "llm.pre_prompt must be a string"
    )


# -- custom summary: sessionId, pre_prompt, post_prompt; temperature 0..1 default 0.4 --------


def test_custom_summary_needs_both_prompts() -> None:
    sid = "1:2"
    assert refused("fullstory_get_custom_session_summary", sessionId=sid, post_prompt="p") == (
        "pre_prompt is required"
    )
    assert refused("fullstory_get_custom_session_summary", sessionId=sid, pre_prompt="p") == (
        "post_prompt is required"
    )
    ok = validate(
        "fullstory_get_custom_session_summary", sessionId=sid, pre_prompt="a", post_prompt="b"
    )
    assert ok["temperature"] == 0.4


@FAST
@given(temperature=st.one_of(st.floats(allow_nan=False, allow_infinity=False), NOT_NUMBERS))
def test_custom_summary_temperature(temperature: Any) -> None:
    params = {"sessionId": "1:2", "pre_prompt": "a", "post_prompt": "b", "temperature": temperature}
    is_number = isinstance(temperature, float)
    if is_number and 0.0 <= temperature <= 1.0:
        assert (
            validate("fullstory_get_custom_session_summary", **params)["temperature"] == temperature
        )
    else:
        assert refused("fullstory_get_custom_session_summary", **params).startswith("temperature")


# -- session ids: userId:sessionNumber ----------------------------------------------------------


@FAST
@given(session_id=SESSION_IDS, tool=st.sampled_from(SUMMARY_TOOLS))
def test_session_ids_in_the_documented_form_pass(session_id: str, tool: str) -> None:
    assert validate(tool, sessionId=session_id) == {"sessionId": session_id}


@FAST
@given(
    session_id=st.text(max_size=40).filter(
        lambda t: t.count(":") != 1 or not t.replace(":", "").lstrip("-").isdigit()
    ),
    tool=st.sampled_from(SUMMARY_TOOLS),
)
def test_other_session_ids_are_refused_by_name(session_id: str, tool: str) -> None:
    message = refused(tool, sessionId=session_id)
    assert message.startswith("sessionId")


# -- segments and exports ---------------------------------------------------------------------


@FAST
@given(limit=st.integers(-500, 500))
def test_list_segments_limit(limit: int) -> None:
    if 1 <= limit <= 100:
        assert validate("fullstory_list_segments", limit=limit)["limit"] == limit
    else:
        assert refused("fullstory_list_segments", limit=limit).startswith("limit must be between")


def test_list_segments_defaults() -> None:
    assert validate("fullstory_list_segments") == {
        "limit": 20,
        "paginationToken": None,
        "creator": None,
    }


@pytest.mark.parametrize(
    ("tool", "params"),
    [
        ("fullstory_list_segments", {"limit": None}),
        ("fullstory_list_segments", {"creator": None, "paginationToken": None}),
        ("fullstory_list_sessions", {"uid": "u", "limit": None}),
        ("fullstory_list_sessions", {"uid": "u", "email": None}),
        ("fullstory_visit_profile", {"uid": "u", "llm": None}),
        ("fullstory_visit_profile", {"uid": "u", "llm": {"pre_prompt": None, "temperature": None}}),
        ("fullstory_create_segment_export", {"fields": None, "timeRange": {"start": None}}),
    ],
)
def test_null_for_an_optional_parameter_means_not_given(tool: str, params: dict[str, Any]) -> None:
    # What a connector built with the Opal tools SDK does (test_sdk_oracle.py): its handler sees
    # None alike for null and absent, so the tool's default applies.
    required = {p.name: EXPORT[p.name] for p in TOOLS_BY_NAME[tool].signature.params if p.required}
    absent = {k: v for k, v in params.items() if v is not None and not isinstance(v, dict)}
    nested: dict[str, Any] = {k: {} for k, v in params.items() if isinstance(v, dict)}
    assert validate(tool, **{**required, **params}) == validate(
        tool, **{**required, **absent, **nested}
    )


@pytest.mark.parametrize(
    ("tool", "params", "message"),
    [
        ("fullstory_get_segment", {"id": None}, "id must be a string, not null"),
        ("fullstory_create_segment_export", {**EXPORT, "type": None}, "type must be a string"),
        ("fullstory_create_segment_export", {**EXPORT, "timeRange": None}, "timeRange must be"),
    ],
)
def test_null_for_a_required_parameter_is_refused(
    tool: str, params: dict[str, Any], message: str
) -> None:
    # As pydantic refuses None for a field that is not Optional.
    assert refused(tool, **params).startswith(message)


@pytest.mark.parametrize("missing", ["segmentId", "type", "timeRange", "format"])
def test_export_needs_its_four_fields(missing: str) -> None:
    params = {k: v for k, v in EXPORT.items() if k != missing}
    assert refused("fullstory_create_segment_export", **params) == f"{missing} is required"


@FAST
@given(
    kind=st.sampled_from(
        ["TYPE_INDIVIDUAL", "TYPE_EVENT", "TYPE_SESSIONS", "TYPE_PAGES", "TYPE_X", "events"]
    ),
    file_format=st.sampled_from(
        ["FORMAT_CSV", "FORMAT_JSON", "FORMAT_NDJSON", "csv", "FORMAT_XML"]
    ),
)
def test_export_type_and_format_enums(kind: str, file_format: str) -> None:
    params = {**EXPORT, "type": kind, "format": file_format}
    if (
        kind.startswith("TYPE_")
        and kind != "TYPE_X"
        and file_format in {"FORMAT_CSV", "FORMAT_JSON", "FORMAT_NDJSON"}
    ):
        assert validate("fullstory_create_segment_export", **params)["type"] == kind
    else:
        assert refused("fullstory_create_segment_export", **params).split(" ")[0] in {
            "type",
            "format",
        }


@pytest.mark.parametrize(
    ("time_range", "message"),
    [
        ("last week", "timeRange must be an object"),
        ({"start": "yesterday"}, "timeRange.start must be an RFC 3339 time"),
        ({"end": "2024-13"}, "timeRange.end must be an RFC 3339 time"),
    ],
)
def test_export_time_range(time_range: Any, message: str) -> None:
    params = {**EXPORT, "timeRange": time_range}
    assert refused("fullstory_create_segment_export", **params).startswith(message)


def test_export_time_range_may_be_open() -> None:
    checked = validate("fullstory_create_segment_export", **{**EXPORT, "timeRange": {}})
    assert checked["timeRange"] == {"start": "", "end": ""}


# -- over HTTP -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tool", "params", "detail"),
    [
        ("fullstory_list_sessions", {"limit": 5}, "one of uid or email is required"),
        (
            "fullstory_list_sessions",
            {"uid": "u", "limit": 0},
            "limit must be between 1 and 100, not 0",
        ),
        ("fullstory_visit_profile", {"uid": "u", "email": "e"}, "give uid or email, not both"),
        (
            "fullstory_get_session_quick_summary",
            {"sessionId": "42"},
            "sessionId must be userId:sessionNumber",
        ),
        (
            "fullstory_create_segment_export",
            {**EXPORT, "timezone": "Mars/Olympus"},
            "timezone must be an IANA time zone",
        ),
    ],
)
def test_bad_parameters_are_400_naming_the_parameter(
    opal: OpalFake, tool: str, params: dict[str, Any], detail: str
) -> None:
    response = opal.call(tool, **params)
    assert response.status_code == 400
    assert response.json()["detail"].startswith(detail)
    assert opal.fullstory_calls() == []  # refused before FullStory was asked anything


def test_bare_parameters_and_envelope_errors(opal: OpalFake) -> None:
    bare = opal.http.post("/opal/tools/fullstory_list_sessions", json={"uid": "jane-checkout"})
    assert bare.status_code == 200
    not_object = opal.http.post("/opal/tools/fullstory_list_sessions", json=[1])
    assert not_object.status_code == 400 and "object" in not_object.json()["detail"]
    malformed = opal.http.post(
        "/opal/tools/fullstory_list_sessions",
        content=b'{"parameters": ',
        headers={"Content-Type": "application/json"},
    )
    assert malformed.status_code == 400
    assert malformed.json()["detail"].startswith("request body is not valid JSON")
    wrong_method = opal.http.get("/opal/tools/fullstory_list_sessions")
    assert wrong_method.status_code == 405 and wrong_method.headers["Allow"] == "POST"
    assert set(wrong_method.json()) == {"detail"}
    unknown = opal.http.post("/opal/tools/fullstory_teleport", json={})
    assert unknown.status_code == 404
    assert unknown.json() == {
        "detail": "no tool named 'fullstory_teleport'; GET /opal/discovery lists them"
    }


PARAM_VALUES = st.one_of(
    st.none(), st.integers(-5, 150), st.text(max_size=8), st.booleans(), st.floats(-1, 2)
)


@settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],  # the calls change nothing
)
@given(
    params=st.fixed_dictionaries(
        {}, optional={"uid": PARAM_VALUES, "email": PARAM_VALUES, "limit": PARAM_VALUES}
    )
)
def test_http_answers_exactly_what_the_validator_says(
    opal: OpalFake, params: dict[str, Any]
) -> None:
    response = opal.call("fullstory_list_sessions", **params)
    try:
        validate("fullstory_list_sessions", **params)
    except ParameterError as exc:
        assert (response.status_code, response.json()) == (400, {"detail": str(exc)})
    else:
        assert response.status_code == 200, response.text
