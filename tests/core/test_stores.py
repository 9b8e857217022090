from __future__ import annotations

from typing import Any

import pytest

from mockserver.core.stores import TenantStores


class Box:
    def __init__(self) -> None:
        self.items: list[str] = []

    def snapshot(self) -> Any:
        return list(self.items)

    def restore(self, data: Any) -> None:
        if not isinstance(data, list):
            raise TypeError("a box holds a list")
        self.items = [str(item) for item in data]


def test_snapshot_and_restore_by_name() -> None:
    stores, box = TenantStores(), Box()
    stores.register("box", box)
    box.items.append("a")
    saved = stores.snapshot()
    assert saved == {"box": ["a"]}
    other, fresh = TenantStores(), Box()
    other.register("box", fresh)
    other.restore(saved)
    assert fresh.items == ["a"]


def test_missing_store_stays_empty_and_unknown_is_refused() -> None:
    stores, box = TenantStores(), Box()
    stores.register("box", box)
    stores.restore({})
    assert box.items == []
    with pytest.raises(ValueError, match="unknown stores other"):
        stores.restore({"other": []})


def test_a_name_is_registered_once() -> None:
    stores = TenantStores()
    stores.register("box", Box())
    with pytest.raises(ValueError, match="registered already"):
        stores.register("box", Box())
