"""Accept negotiation against the media types an operation offers."""

from __future__ import annotations

import pytest

from mockserver.http.negotiation import choose

OFFERED = ("application/json", "application/hal+json", "application/xml", "text/xml")


@pytest.mark.parametrize(
    ("accept", "chosen"),
    [
        (None, "application/json"),
        ("", "application/json"),
        ("*/*", "application/json"),
        ("application/hal+json", "application/hal+json"),
        ("text/*", "text/xml"),
        ("application/xml;q=0.5, application/hal+json", "application/hal+json"),
        ("application/hal+json, application/json", "application/hal+json"),
        ("text/csv, */*;q=0.1", "application/json"),
        ("application/json;q=0, */*", "application/hal+json"),
        ("text/csv", None),
        ("garbage", None),
    ],
)
def test_choose(accept: str | None, chosen: str | None) -> None:
    assert choose(accept, OFFERED) == chosen


def test_nothing_offered_means_no_negotiation() -> None:
    assert choose("text/csv", ()) is None
