"""Bounded caches: an LRU map, and one for answers derived from mutable state.

Generation and rendering are pure functions of their inputs, so their results can be kept; the
bounds (items and, optionally, weight) keep a cache from growing with what clients ask for.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


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
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._items)

    def peek(self, key: K) -> V | None:
        """The cached value, without making it the most recent."""
        with self._lock:
            return self._items.get(key)

    def get_or_create(self, key: K, factory: Callable[[], V]) -> V:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = factory()
        self.put(key, value)
        return value

    def put(self, key: K, value: V) -> None:
        """Store ``value`` as the most recent item, evicting the oldest beyond the bounds."""
        with self._lock:
            previous = self._items.pop(key, None)
            if previous is not None:
                self._weight -= self._weight_of(previous)
            self._items[key] = value
            self._weight += self._weight_of(value)
            while len(self._items) > 1 and (
                len(self._items) > self._capacity
                or (self._max_weight is not None and self._weight > self._max_weight)
            ):
                _, evicted = self._items.popitem(last=False)
                self._weight -= self._weight_of(evicted)

    def _weight_of(self, value: V) -> int:
        return self._weigh(value) if self._weigh is not None else 0

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._weight = 0


class ChangeCache(Generic[K, V]):
    """Values derived from mutable state, kept until the state changes: the owner calls
    :meth:`invalidate` after each change (under the lock that guards the state, or after it).

    Entries are keyed by the state's version as well as by ``key``: a value built while a change
    happened is stored under the version read before building, which :meth:`invalidate` has
    already left behind, so it is never answered (a lookup never sees stale state).
    """

    def __init__(self, items: LruCache[tuple[int, K], V]) -> None:
        """``items``: an empty LruCache with the bounds wanted, keyed by (version, key)."""
        self._items = items
        self._version = 0

    def __len__(self) -> int:
        return len(self._items)

    def get_or_create(self, key: K, factory: Callable[[], V]) -> V:
        """The value cached under ``key`` since the last change, else ``factory()`` (kept unless
        it raises: errors are never cached)."""
        return self._items.get_or_create((self._version, key), factory)

    def invalidate(self) -> None:
        """Forget every value: the state they came from has changed."""
        self._version += 1  # first: a build racing with this stores under the old version
        self._items.clear()
