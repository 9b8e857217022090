"""A word index: which records contain every word of a query (case-insensitive, whole words).

Lookups cost the size of the smallest posting set, never a scan of every record.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from collections.abc import Set as AbstractSet
from typing import Any

_WORD = re.compile(r"[^\W_]+")
_NONE: frozenset[str] = frozenset()


def words(text: str) -> set[str]:
    return set(_WORD.findall(text.casefold()))


def words_of(value: Any) -> set[str]:
    """Every word in a JSON value's strings and numbers (keys are not content)."""
    found: set[str] = set()
    for leaf in _leaves(value):
        found |= words(leaf)
    return found


def _leaves(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, bool) or value is None:
        return
    elif isinstance(value, int | float):
        yield str(value)
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _leaves(item)
    elif isinstance(value, list):
        for item in value:
            yield from _leaves(item)


class TextIndex:
    def __init__(self) -> None:
        self._postings: dict[str, set[str]] = {}
        self._words: dict[str, frozenset[str]] = {}

    def put(self, record_id: str, record_words: Iterable[str]) -> None:
        self.remove(record_id)
        kept = frozenset(record_words)
        self._words[record_id] = kept
        for word in kept:
            self._postings.setdefault(word, set()).add(record_id)

    def remove(self, record_id: str) -> None:
        for word in self._words.pop(record_id, frozenset()):
            posting = self._postings[word]
            posting.discard(record_id)
            if not posting:
                del self._postings[word]

    def matching(self, query: str) -> AbstractSet[str] | None:
        """Ids of records holding every word of ``query``; None when it has no words (no
        filter). One word: its posting set itself, no copy (read it, never change it, and not
        after the index changes); more: the intersection, built from the smallest set."""
        terms = words(query)
        if not terms:
            return None
        postings = sorted((self._postings.get(term, _NONE) for term in terms), key=len)
        if len(postings) == 1:
            return postings[0]
        return postings[0].intersection(*postings[1:])
