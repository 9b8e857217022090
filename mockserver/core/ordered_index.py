"""Records kept in sort order by ``(value, id)``, paged by position from a cursor key.

A page costs O(log n) to find its start plus the items it walks: all of them are on the page
when there is no filter; with a filter, non-members are stepped over, and a filter that keeps
few records is sorted on its own (its size, not the index's) instead. Nothing is sorted per
page and no page scans the whole index.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Sequence, Set
from dataclasses import dataclass
from itertools import islice
from typing import Any

from sortedcontainers import SortedList

Key = tuple[Any, str]  # (sort value, record id): unique, so the order is total

# A filter keeping fewer than 1/SPARSE of the records is sorted by itself: walking the whole
# index would step over SPARSE non-members per hit.
SPARSE = 32


@dataclass(frozen=True, slots=True)
class Page:
    """One page of keys from an ordered index, and whether records lie beyond it either
    way."""

    keys: list[Key]  # in the requested order
    has_next: bool  # records follow the last key (in the requested order)
    has_previous: bool  # records precede the first key


class OrderedIndex:
    def __init__(self) -> None:
        self._sorted: Any = SortedList()
        self._keys: dict[str, Key] = {}

    def __len__(self) -> int:
        return len(self._keys)

    def key(self, record_id: str) -> Key | None:
        return self._keys.get(record_id)

    def put(self, record_id: str, value: Any) -> None:
        new = (value, record_id)
        old = self._keys.get(record_id)
        if old == new:
            return
        if old is not None:
            self._sorted.remove(old)
        self._sorted.add(new)
        self._keys[record_id] = new

    def remove(self, record_id: str) -> None:
        old = self._keys.pop(record_id, None)
        if old is not None:
            self._sorted.remove(old)

    def is_sparse(self, members: Set[str]) -> bool:
        """Whether a filter keeps so few records that sorting them beats walking the index."""
        return len(members) * SPARSE < len(self._keys)

    def keys_of(self, members: Set[str]) -> list[Key]:
        """The sort keys of ``members``, sorted (for :meth:`page`'s ``member_keys``)."""
        return sorted(k for m in members if (k := self._keys.get(m)) is not None)

    def page(
        self,
        *,
        limit: int,
        skip: int = 0,
        descending: bool = False,
        members: Set[str] | None = None,
        member_keys: Sequence[Key] | None = None,
        after: Key | None = None,
        before: Key | None = None,
    ) -> Page:
        """``limit`` records after ``after`` (or, with ``before``, the ``limit`` records just
        before it, still in the requested order), ``skip`` matching records left out first.
        ``members``: only these record ids count (a filter); ``member_keys``: their sorted keys,
        if the caller keeps them (:meth:`keys_of`), so a sparse filter is not sorted again."""
        if after is not None and before is not None:
            raise ValueError("page from one cursor, after or before, not both")
        view = _View.of(self, members) if member_keys is None else _View(member_keys, None)
        backward = before is not None
        boundary = before if backward else after
        ascending = descending == backward  # the walk's direction in key order
        position = view.start(boundary, ascending)
        if members is None and limit > 0:
            taken, more = view.take(position, ascending, skip, limit)
        else:
            walk = view.walk(position, ascending, skip)
            taken = list(islice(walk, limit))
            more = next(walk, None) is not None
        if taken:
            behind = view.exists_beyond(taken[0], not ascending)
        else:
            behind = boundary is not None and (
                view.contains(boundary) or view.exists_beyond(boundary, not ascending)
            )
        if backward:
            taken.reverse()
            return Page(taken, has_next=behind, has_previous=more)
        return Page(taken, has_next=more, has_previous=behind)


@dataclass(frozen=True, slots=True)
class _View:
    """The keys a page walks: the whole index (checking membership) or a filter's own keys."""

    keys: Sequence[Key]
    members: Set[str] | None

    @classmethod
    def of(cls, index: OrderedIndex, members: Set[str] | None) -> _View:
        if members is not None and index.is_sparse(members):
            return cls(index.keys_of(members), None)
        return cls(index._sorted, members)

    def _bisect(self, key: Key, right: bool) -> int:
        keys: Any = self.keys
        if isinstance(keys, list):
            return (bisect.bisect_right if right else bisect.bisect_left)(keys, key)
        found: int = keys.bisect_right(key) if right else keys.bisect_left(key)
        return found

    def start(self, boundary: Key | None, ascending: bool) -> int:
        """Position of the first key strictly beyond ``boundary`` in the walk's direction."""
        if ascending:
            return 0 if boundary is None else self._bisect(boundary, right=True)
        return len(self.keys) - 1 if boundary is None else self._bisect(boundary, False) - 1

    def walk(self, position: int, ascending: bool, skip: int) -> Iterator[Key]:
        keys, members = self.keys, self.members
        if members is None:  # every key counts: jump over the skipped ones
            position += skip if ascending else -skip
            skip = 0
        if not 0 <= position < len(keys):
            return
        if members is None:
            yield from _run(keys, position, ascending)
            return
        for key in _run(keys, position, ascending):
            if key[1] not in members:
                continue
            if skip:
                skip -= 1
                continue
            yield key

    def take(self, position: int, ascending: bool, skip: int, limit: int) -> tuple[list[Key], bool]:
        """What :meth:`walk` gives when every key counts, by one slice: up to ``limit`` keys
        from ``position`` after ``skip`` (``limit`` > 0), and whether more follow. A list page
        with no filter is the common case; stepping a generator per key cost more than all the
        rest of the page."""
        count = len(self.keys)
        first = position + skip if ascending else position - skip
        if not 0 <= first < count:
            return [], False
        if ascending:
            end = min(first + limit, count)
            return list(self.keys[first:end]), end < count
        stop = max(first - limit + 1, 0)
        return list(self.keys[stop : first + 1])[::-1], stop > 0

    def exists_beyond(self, key: Key, ascending: bool) -> bool:
        return next(self.walk(self.start(key, ascending), ascending, 0), None) is not None

    def contains(self, key: Key) -> bool:
        position = self._bisect(key, right=False)
        found = position < len(self.keys) and self.keys[position] == key
        return found and (self.members is None or key[1] in self.members)


def _run(keys: Sequence[Key], position: int, ascending: bool) -> Iterator[Key]:
    """The keys from ``position`` to the end (ascending) or down to the first. A SortedList is
    walked by its own iterator: indexing it costs O(log n) per key."""
    if isinstance(keys, SortedList):
        run: Iterator[Key] = (
            keys.islice(position, None) if ascending else keys.islice(0, position + 1, reverse=True)
        )
        return run
    steps = range(position, len(keys)) if ascending else range(position, -1, -1)
    return map(keys.__getitem__, steps)
