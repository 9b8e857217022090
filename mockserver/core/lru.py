"""Bounded caches: an LRU map, and one for answers derived from mutable state.

Generation and rendering are pure functions of their inputs, so their results can be kept; the
bounds (items and, optionally, weight) keep a cache from growing with what clients ask for.

Reads take no lock; writes do. This is safe because the project runs on CPython 3.11 (pinned in
pyproject.toml), whose GIL makes each call into the C ``OrderedDict`` (``get``, ``move_to_end``)
one step no other thread can split, as long as hashing and comparing the key runs no Python code:
keys here are built-in values (ints, strings, and flat tuples of str/int/bool/None). The server
runs handlers on the asyncio loop (one thread: nothing interleaves inside these methods, which
never await), but other threads can call into the stores that own them (the state saver's
worker; a test's thread beside the pytest plugin's server thread). A reader racing a writer sees
the map before or after each of the writer's calls, so it finds the value (which is immutable or
never changed after it is stored) or misses and builds it, as it would have a moment earlier or
later. Writers (put, clear) change the map and the weight in several steps, so they hold the
lock against each other.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Final, Generic, TypeVar, cast

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

_MISSING: Final = object()  # a cached value may be None


class LruCache(Generic[K, V]):
    """A small thread-safe LRU map. Values are built outside the lock: generation is pure, so
    two threads racing on one key build equal values and either may win."""

    def __init__(
        self,
        capacity: int,
        *,
        weigh: Callable[[V], int] | None = None,
        max_weight: int | None = None,
    ) -> None:
        """At most ``capacity`` items and, with ``weigh``, at most ``max_weight`` in total
        (the most recent item is always kept, however heavy)."""
        self._capacity = capacity
        self._weigh = weigh
        self._max_weight = max_weight
        self._weight = 0
        self._items: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()  # writers only (see the module's docstring)
        self._cleared = 0  # how many times clear() ran

    def __len__(self) -> int:
        return len(self._items)

    def peek(self, key: K) -> V | None:
        """The cached value, without making it the most recent."""
        return self._items.get(key)

    def get_or_create(self, key: K, factory: Callable[[], V]) -> V:
        """The value kept under ``key`` (made the most recent), else ``factory()``: kept unless
        it raises or :meth:`clear` ran while it was built (it may come from the state cleared)."""
        items = self._items
        found = items.get(key, _MISSING)  # a hit: this lookup and the recency move, no lock
        if found is not _MISSING:
            try:  # noqa: SIM105 (contextlib.suppress costs a context manager per hit)
                items.move_to_end(key)
            except KeyError:  # a writer evicted it since the lookup: the value is still right
                pass
            return cast(V, found)
        cleared = self._cleared  # read before building
        value = factory()
        with self._lock:
            if self._cleared == cleared:
                self._put(key, value)
        return value

    def put(self, key: K, value: V) -> None:
        """Store ``value`` as the most recent item, evicting the oldest beyond the bounds."""
        with self._lock:
            self._put(key, value)

    def _put(self, key: K, value: V) -> None:
        """:meth:`put`, for a caller holding the lock."""
        items = self._items
        previous = items.pop(key, _MISSING)
        if previous is not _MISSING:
            self._weight -= self._weight_of(cast(V, previous))
        items[key] = value
        self._weight += self._weight_of(value)
        while len(items) > 1 and (
            len(items) > self._capacity
            or (self._max_weight is not None and self._weight > self._max_weight)
        ):
            _, evicted = items.popitem(last=False)
            self._weight -= self._weight_of(evicted)

    def _weight_of(self, value: V) -> int:
        return self._weigh(value) if self._weigh is not None else 0

    def clear(self) -> None:
        with self._lock:
            self._cleared += 1  # first: a value being built now is not stored
            self._items.clear()
            self._weight = 0


class ChangeCache(Generic[K, V]):
    """Values derived from mutable state, kept until the state changes: the owner calls
    :meth:`invalidate` after each change (under the lock that guards the state, or after it).

    A value is stored only if no :meth:`invalidate` ran while it was built (checked under the
    map's writer lock, which the invalidation takes too), so a value built while a change
    happened is never answered (a lookup never sees stale state). Keys are the caller's own,
    not wrapped with a version: a hit hashes the caller's key twice (the lookup and the recency
    move) and builds nothing, where (version, key) was built and hashed three times under a lock.
    """

    def __init__(self, items: LruCache[K, V]) -> None:
        """``items``: an empty LruCache with the bounds wanted."""
        self._items = items

    def __len__(self) -> int:
        return len(self._items)

    def get_or_create(self, key: K, factory: Callable[[], V]) -> V:
        """The value cached under ``key`` since the last change, else ``factory()`` (kept unless
        it raises, or a change came while it was built: errors are never cached)."""
        return self._items.get_or_create(key, factory)

    def invalidate(self) -> None:
        """Forget every value: the state they came from has changed."""
        self._items.clear()


def bounded(memo: dict[K, V], most: int) -> dict[K, V]:
    """``memo``, emptied first when it holds ``most`` entries: the bound of a memo of pure
    values, where forgetting everything at once costs less than keeping recency (and a memo
    following what is asked now refills with it)."""
    if len(memo) >= most:
        memo.clear()
    return memo
