from __future__ import annotations

import pytest

from mockserver.http.errors import InvalidArgument, RequiredField
from mockserver.http.spec import Operation, Parameter, RequestBody, ResponseSpec
from mockserver.http.validation import RequestValidator, ResponseValidator


def _operation(body: bool = False) -> Operation:
    return Operation(
        api="t",
        operation_id="op",
        method="POST" if body else "GET",
        path="/things/{id}",
        parameters=(
            Parameter("id", "path", True, {"type": "string", "minLength": 3}),
            Parameter(
                "limit",
                "query",
                False,
                {"type": "integer", "minimum": 1, "maximum": 100, "default": 20},
            ),
            Parameter("flag", "query", False, {"type": "boolean"}),
            Parameter("tags", "query", False, {"type": "array", "items": {"type": "integer"}}),
            Parameter("who", "query", False, {"type": "string"}),
        ),
        body=RequestBody(
            required=False,
            media_type="application/json",
            schema={
                "type": "object",
                "properties": {"n": {"type": "integer"}},
                "additionalProperties": False,
            },
        )
        if body
        else None,
        responses={
            200: ResponseSpec(200, {"type": "object", "required": ["ok"]}, ()),
            429: ResponseSpec(429, None, ("Retry-After",)),
        },
        secured=True,
    )


def test_defaults_and_casts() -> None:
    inputs = RequestValidator(_operation()).validate(
        {"id": "abc"}, {"flag": ["false"], "tags": ["1", "2"]}, None
    )
    assert inputs.path == {"id": "abc"}
    assert inputs.query == {"limit": 20, "flag": False, "tags": [1, 2]}


@pytest.mark.parametrize(
    ("query", "fragment"),
    [
        ({"limit": ["0"]}, "limit is invalid"),
        ({"limit": ["101"]}, "limit is invalid"),
        ({"limit": ["ten"]}, "limit is invalid"),
        ({"limit": ["1.5"]}, "limit is invalid"),
        ({"flag": ["maybe"]}, "flag is invalid"),
    ],
)
def test_bad_query_values_are_invalid_argument(query: dict[str, list[str]], fragment: str) -> None:
    with pytest.raises(InvalidArgument, match=fragment):
        RequestValidator(_operation()).validate({"id": "abc"}, query, None)


def test_last_repeated_scalar_wins() -> None:
    inputs = RequestValidator(_operation()).validate({"id": "abc"}, {"who": ["a", "b"]}, None)
    assert inputs.query["who"] == "b"


def test_missing_path_parameter_is_required_field() -> None:
    with pytest.raises(RequiredField, match="id is required"):
        RequestValidator(_operation()).validate({}, {}, None)


def test_body_parsing() -> None:
    validator = RequestValidator(_operation(body=True))
    assert validator.validate({"id": "abc"}, {}, b"").body == {}
    assert validator.validate({"id": "abc"}, {}, b'{"n": 3}').body == {"n": 3}
    with pytest.raises(InvalidArgument, match="not valid JSON"):
        validator.validate({"id": "abc"}, {}, b"{nope")
    with pytest.raises(InvalidArgument, match="request body is invalid"):
        validator.validate({"id": "abc"}, {}, b'{"n": "x"}')
    with pytest.raises(InvalidArgument, match="not valid JSON"):
        validator.validate({"id": "abc"}, {}, b'{"n": NaN}')


def test_response_validator_reports_schema_headers_and_status() -> None:
    validator = ResponseValidator(_operation())
    assert validator.problems(200, {"ok": 1}, {}) == []
    assert validator.problems(200, {}, {})
    assert validator.problems(429, None, {}) == ["missing header Retry-After"]
    assert validator.problems(418, None, {}) == ["status 418 is not documented for op"]


def _listing(rules: dict[str, object]) -> Operation:
    return Operation(
        api="t",
        operation_id="list",
        method="GET",
        path="/list",
        parameters=tuple(Parameter(n, "query", False, {"type": "string"}) for n in ("a", "b", "c")),
        body=None,
        responses={200: ResponseSpec(200, None, ())},
        secured=True,
        extensions={"x-query-rules": rules},
    )


def test_query_rules_one_of_required_and_exclusive() -> None:
    validator = RequestValidator(
        _listing({"one-of-required": ["a", "b"], "exclusive": {"c": ["a"]}})
    )
    with pytest.raises(RequiredField, match="one of a, b is required"):
        validator.validate({}, {"c": ["x"]}, None)
    with pytest.raises(InvalidArgument, match="c cannot be combined with a"):
        validator.validate({}, {"a": ["x"], "c": ["y"]}, None)
    assert validator.validate({}, {"b": ["x"], "c": ["y"]}, None).query == {"b": "x", "c": "y"}


def test_query_rules_naming_unknown_parameters_stop_startup() -> None:
    from mockserver.http.spec import SpecError

    with pytest.raises(SpecError, match="unknown parameters"):
        RequestValidator(_listing({"one-of-required": ["a", "zzz"]}))
