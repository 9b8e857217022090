"""Paging an ordered index: forward and backward, with and without a filter (dense and sparse),
never skips or repeats a record, and agrees with sorting everything."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from mockserver.core.ordered_index import Key, OrderedIndex

values = st.dictionaries(st.text("abc", min_size=1, max_size=3), st.integers(0, 5), max_size=60)


def _index(records: dict[str, int]) -> OrderedIndex:
    index = OrderedIndex()
    for record_id, value in records.items():
        index.put(record_id, value)
    return index


@settings(max_examples=60, deadline=None)
@given(
    records=values,
    limit=st.integers(1, 7),
    descending=st.booleans(),
    keep=st.sampled_from(["all", "dense", "sparse"]),
)
def test_paging_visits_every_match_once_in_order(
    records: dict[str, int], limit: int, descending: bool, keep: str
) -> None:
    index = _index(records)
    members = None
    if keep == "dense":
        members = {r for r in records if records[r] % 2 == 0}
    elif keep == "sparse":
        members = set(sorted(records)[:1])
    expected = sorted(
        ((v, r) for r, v in records.items() if members is None or r in members),
        reverse=descending,
    )
    forward: list[Key] = []
    after: Key | None = None
    while True:
        page = index.page(limit=limit, descending=descending, members=members, after=after)
        forward += page.keys
        assert page.has_previous == (len(forward) > len(page.keys))
        if not page.has_next:
            break
        after = page.keys[-1]
    assert forward == expected
    backward: list[Key] = []
    before: Key | None = expected[-1] if expected else None
    if before is not None:
        backward = [before]
        while True:
            page = index.page(limit=limit, descending=descending, members=members, before=before)
            backward = page.keys + backward
            if not page.has_previous:
                break
            before = page.keys[0]
    assert backward == expected


def test_skip_and_a_cursor_whose_record_is_gone() -> None:
    index = _index({f"r{i}": i for i in range(10)})
    page = index.page(limit=3, skip=2)
    assert [k[1] for k in page.keys] == ["r2", "r3", "r4"]
    assert page.has_previous and page.has_next
    index.remove("r4")
    after = index.page(limit=3, after=(4, "r4"))  # the key outlives the record
    assert [k[1] for k in after.keys] == ["r5", "r6", "r7"]
    index.put("r5", 100)  # moving a record re-sorts it
    assert index.page(limit=1, descending=True).keys == [(100, "r5")]
    assert len(index) == 9


@settings(max_examples=80, deadline=None)
@given(
    records=values,
    limit=st.integers(1, 7),
    skip=st.integers(0, 8),
    descending=st.booleans(),
    side=st.sampled_from(["none", "after", "before"]),
    boundary=st.tuples(st.integers(-1, 6), st.text("abc", min_size=1, max_size=3)),
)
def test_a_page_without_a_filter_is_the_page_of_a_filter_keeping_everything(
    *,
    records: dict[str, int],
    limit: int,
    skip: int,
    descending: bool,
    side: str,
    boundary: Key,
) -> None:
    """No filter takes one slice; a filter keeping every record walks key by key: the same
    page, the same neighbours, from any boundary (present or not) in either direction."""
    index = _index(records)
    after = boundary if side == "after" else None
    before = boundary if side == "before" else None
    sliced = index.page(limit=limit, skip=skip, descending=descending, after=after, before=before)
    walked = index.page(
        limit=limit,
        skip=skip,
        descending=descending,
        members=set(records),
        after=after,
        before=before,
    )
    assert sliced == walked
