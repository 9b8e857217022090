"""Cognigy ids: the fast formatting gives the documented ObjectId text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from mockserver.cognigy.ids import MAX_TIMESTAMP, MONGO_ID, IdMaker


def reference(maker: IdMaker, unix_seconds: int, n: int) -> str:
    """The id as first written: time (clamped), machine part, counter, in hex."""
    stamp = min(max(unix_seconds, 0), MAX_TIMESTAMP)
    return f"{stamp:08x}{maker._machine}{n % 2**24:06x}"


@settings(max_examples=50)
@given(st.lists(st.integers(min_value=-5, max_value=MAX_TIMESTAMP + 5), min_size=1, max_size=8))
def test_ids_match_the_reference_across_seconds(seconds: list[int]) -> None:
    maker = IdMaker(7, "test")
    for n, unix_seconds in enumerate([*seconds, *seconds], start=1):  # repeats hit the cache
        made = maker.make(unix_seconds)
        assert made == reference(maker, unix_seconds, n) and MONGO_ID.fullmatch(made)


def test_the_counter_wraps_at_six_hex_digits() -> None:
    maker = IdMaker(7, "test", issued=2**24 - 1)
    assert maker.make(100).endswith("000000") and maker.issued == 2**24
