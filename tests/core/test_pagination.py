from __future__ import annotations

import pytest

from mockserver.core.pagination import BadPageToken, make_token, page, read_token


def test_pages_walk_the_list_and_stop() -> None:
    items = list(range(7))
    first, token = page(items, None, 3, {"q": 1})
    assert first == [0, 1, 2] and token is not None
    second, token = page(items, token, 3, {"q": 1})
    assert second == [3, 4, 5] and token is not None
    last, token = page(items, token, 10, {"q": 1})  # limit may change between pages
    assert last == [6] and token is None


def test_tokens_are_bound_to_the_parameters() -> None:
    token = make_token(3, {"q": 1})
    assert read_token(token, {"q": 1}) == 3
    with pytest.raises(BadPageToken, match="other parameters"):
        read_token(token, {"q": 2})
    for junk in ("", "!!", "e30", make_token(-1, {"q": 1})):
        with pytest.raises(BadPageToken):
            read_token(junk, {"q": 1})
