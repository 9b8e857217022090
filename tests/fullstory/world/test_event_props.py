"""url_properties' fast path for plain URLs gives what urlsplit + parse_qs give."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from mockserver.fullstory.world import event_props as ep
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


def test_url_shapes_are_url_properties_shared_and_bounded() -> None:
    shapes = ep.UrlShapes()
    url = "https://www.example.com/api/inventory?skus=&x=1"
    assert shapes.of(url) == ep.url_properties(url)
    assert shapes.of(url) is shapes.of(url)
    request = ep.request("GET", url, 200, 12, shapes=shapes)
    assert request == ep.request("GET", url, 200, 12)
    for n in range(ep.UrlShapes.MAX_URLS + 5):  # unique URLs (paging cursors) do not grow it
        assert shapes.of(f"https://www.example.com/api/products?cursor={n}")["query"] == {
            "cursor": {"values": [str(n)]}
        }
    assert len(shapes._shapes) <= ep.UrlShapes.MAX_URLS
