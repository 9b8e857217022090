"""The kit's own rules about which checks apply to a case."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from mockserver.contract.suite.kit import additional_checks, credentials_accepted, excluded_checks


def case(raw: dict[str, Any], query: dict[str, str] | None = None, auth: bool = True) -> Any:
    operation = SimpleNamespace(definition=SimpleNamespace(raw=raw), label="POST /x")
    headers = {"Authorization": "Bearer t"} if auth else {}
    return SimpleNamespace(operation=operation, query=query or {}, headers=headers)


def test_semantic_operations_trade_acceptance_for_a_credentials_check() -> None:
    semantic = case({"x-semantic-checks": ["scenario must parse"]})
    assert excluded_checks(semantic) and additional_checks(semantic) == [credentials_accepted]
    plain = case({})
    assert excluded_checks(plain) == [] and additional_checks(plain) == []


def test_query_rules_are_read_from_the_spec() -> None:
    rules = {"x-query-rules": {"one-of-required": ["uid", "email"], "exclusive": {"s": ["uid"]}}}
    assert excluded_checks(case(rules, {}))
    assert excluded_checks(case(rules, {"uid": "1", "s": "2"}))
    assert not excluded_checks(case(rules, {"email": "a@b"}))


def test_wrong_credentials_still_fail_where_400_is_allowed() -> None:
    semantic = case({"x-semantic-checks": ["x"]})
    with pytest.raises(AssertionError, match="valid credentials were refused"):
        credentials_accepted(None, SimpleNamespace(status_code=401), semantic)
    assert credentials_accepted(None, SimpleNamespace(status_code=400), semantic) is None
    no_auth = case({"x-semantic-checks": ["x"]}, auth=False)  # a negative case: 401 is right
    assert credentials_accepted(None, SimpleNamespace(status_code=401), no_auth) is None
