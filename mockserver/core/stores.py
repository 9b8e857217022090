"""Per-tenant stores: the mutable data one API keeps for one tenant (summary profiles, export
operations, Cognigy contact profiles, ...).

Each API registers its stores on the tenant under a stable name. Persistence knows no API: it
saves ``{name: store.snapshot()}`` in tenant snapshots and in the state file, and hands each
store its own part back on restore. A store that is missing from saved data starts empty, so an
older file or snapshot still loads when a new API lands.

A store calls the ``changed`` callback it was given after each change it makes, so the pipeline
saves the state file before the client sees the answer ("acknowledged means on disk").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol


class TenantStore(Protocol):
    def snapshot(self) -> Any:
        """The store's whole content as JSON-ready data."""

    def restore(self, data: Any) -> None:
        """Replace the content with a :meth:`snapshot`; raise ``ValueError``, ``KeyError`` or
        ``TypeError`` (before changing anything) if ``data`` is not one."""


Changed = Callable[[], None]


def unchanged() -> None:
    """The ``changed`` callback of a tenant that is not (yet) part of a server."""


class TenantStores:
    """The named stores of one tenant."""

    def __init__(self) -> None:
        self._stores: dict[str, TenantStore] = {}

    def register(self, name: str, store: TenantStore) -> None:
        if name in self._stores:
            raise ValueError(f"a store named {name!r} is registered already")
        self._stores[name] = store

    def __getitem__(self, name: str) -> TenantStore:
        return self._stores[name]

    def names(self) -> list[str]:
        return sorted(self._stores)

    def snapshot(self) -> dict[str, Any]:
        return {name: store.snapshot() for name, store in sorted(self._stores.items())}

    def restore(self, data: Mapping[str, Any]) -> None:
        """Restore every store whose name is in ``data``; unknown names are refused (they come
        from a newer version or a typo, and dropping them would lose data silently)."""
        if not isinstance(data, Mapping):
            raise TypeError("stores must be an object")
        unknown = sorted(set(data) - set(self._stores))
        if unknown:
            raise ValueError(f"unknown stores {', '.join(unknown)}")
        for name, store in self._stores.items():
            if name in data:
                store.restore(data[name])
