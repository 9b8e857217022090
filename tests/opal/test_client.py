"""The in-process requester's query text: the same as urlencode's, character for character."""

from __future__ import annotations

from urllib.parse import urlencode

from hypothesis import given, settings
from hypothesis import strategies as st

from mockserver.opal.client import encode_query

texts = st.one_of(
    st.text(max_size=12),
    st.text("abcXYZ019-._~", max_size=12),
    st.sampled_from(["", " ", "a b", "ä", "+", "&=", "%41", "\u2603", "x\x00y"]),
)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(texts, texts, max_size=5))
def test_encode_query_is_urlencode(params: dict[str, str]) -> None:
    assert encode_query(params) == urlencode(params)


def test_plain_values_are_left_as_they_are() -> None:
    assert encode_query({"uid": "jane-checkout", "limit": "20"}) == "uid=jane-checkout&limit=20"
    assert encode_query({"email": "a b+c@x.io"}) == "email=a+b%2Bc%40x.io"
