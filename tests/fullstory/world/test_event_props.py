"""url_properties' fast path for plain URLs gives what urlsplit + parse_qs give."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from mockserver.fullstory.world.event_props import split_url_properties, url_properties

PIECE = st.text(alphabet="ab=&?/%+;# \t:.-_é", max_size=12)


@settings(max_examples=300)
@given(
    scheme=st.sampled_from(["https", "http", "h2x", "1x", ""]),
    host=st.sampled_from(["www.acme.com", "acme.com:8443", "", "h?x"]),
    path=PIECE,
    query=st.none() | PIECE,
)
def test_fast_and_general_paths_agree(scheme: str, host: str, path: str, query: str | None) -> None:
    url = f"{scheme}://{host}/{path}" + ("" if query is None else f"?{query}")
    assert url_properties(url) == split_url_properties(url)


def test_generated_shapes() -> None:
    shape = url_properties("https://www.acme.com/api/inventory?skus=&page=2&page=3")
    assert shape["query"] == {"skus": {"values": [""]}, "page": {"values": ["2", "3"]}}
    assert url_properties("https://www.acme.com/cart")["query"] == {}
