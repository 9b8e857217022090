"""The in-process requester hands its query to the pipeline as values: what the pipeline would
have parsed from the urlencoded text (the text an HTTP client sends), name for name."""

from __future__ import annotations

from urllib.parse import urlencode

from hypothesis import given, settings
from hypothesis import strategies as st

from mockserver.http.query import STRUCTURED_QUERY, parse_query, query_of

texts = st.one_of(
    st.text(max_size=12),
    st.text("abcXYZ019-._~", max_size=12),
    st.sampled_from(["", " ", "a b", "ä", "+", "&=", "%41", "\u2603", "x\x00y"]),
)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(texts, texts, max_size=5))
def test_values_are_what_their_urlencoded_text_parses_to(params: dict[str, str]) -> None:
    as_values = {name: [value] for name, value in params.items()}
    assert parse_query(urlencode(params).encode("latin-1")) == as_values
    assert query_of({STRUCTURED_QUERY: as_values, "query_string": b""}) == as_values
    assert query_of({"query_string": urlencode(params).encode("latin-1")}) == as_values
