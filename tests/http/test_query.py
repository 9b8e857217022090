from __future__ import annotations

from urllib.parse import parse_qs

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mockserver.http.query import parse_query


def expected(raw: bytes) -> dict[str, list[str]]:
    return parse_qs(raw.decode("latin-1"), keep_blank_values=True) if raw else {}


@pytest.mark.parametrize(
    "raw",
    [b"", b"a", b"a=", b"=", b"=x", b"a=1&a=2", b"a=1&&b", b"&", b"a==b", b"a;b=1",
     b"x=\xff\xfe", b"email=a%40b.c&limit=5", b"q=a+b", b"uid=u1&limit=20&uid=u2"],
)  # fmt: skip
def test_same_as_parse_qs(raw: bytes) -> None:
    assert parse_query(raw) == expected(raw)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([b"a", b"b", b"=", b"&", b"%", b"+", b"%41", b"\xe9", b";", b"",
                                 b"%e9", b"%C3%A9", b"%zz", b"%4"])))  # fmt: skip
def test_same_as_parse_qs_for_any_mix(parts: list[bytes]) -> None:
    raw = b"".join(parts)
    assert parse_query(raw) == expected(raw)
