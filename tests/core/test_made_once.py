"""MadeOnce: one value per source object, made again when the source is replaced; bounded."""

from __future__ import annotations

from dataclasses import replace

import pytest

from mockserver.core.keys import ApiKey, KeyLevel
from mockserver.core.made_once import MadeOnce
from mockserver.http.auth import Principal, principal_of


def test_the_same_source_gets_the_same_value_a_replaced_one_a_new_one() -> None:
    made: list[str] = []

    def make(source: ApiKey) -> Principal:
        made.append(source.key_id)
        return principal_of(source)

    memo = MadeOnce(make)
    key = ApiKey.parse("na1.abc=o-T:standard")
    first = memo.get(key.secret, key)
    assert memo.get(key.secret, key) is first
    assert first == principal_of(key)
    promoted = replace(key, level=KeyLevel.ADMIN)  # an equal-named key, a new record
    assert memo.get(key.secret, promoted).level is KeyLevel.ADMIN
    assert made == [key.key_id, key.key_id]


def test_it_is_bounded() -> None:
    memo: MadeOnce[int, int] = MadeOnce(lambda n: n * 2, limit=3)
    values = [memo.get(str(n), n) for n in range(10)]
    assert values == [n * 2 for n in range(10)]
    assert len(memo) <= 3
    with pytest.raises(ValueError, match="at least 1"):
        MadeOnce(lambda n: n, limit=0)
