"""List parameters of ``GET /new/v2.0/profiles``: sort fields, and the cursors handed out."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from types import MappingProxyType
from typing import Any, NamedTuple

from mockserver.cognigy.profile import Profile
from mockserver.core.ordered_index import Key
from mockserver.http.errors import InvalidArgument


def _text(name: str) -> Callable[[Profile], Any]:
    def value(profile: Profile) -> Any:
        found = profile.data.get(name)
        return found.casefold() if isinstance(found, str) else ""

    return value


# Every sortable field keeps its own sorted index per project. Names as the index item spells
# them; ``firstname`` etc. are accepted for ``profile.firstname``.
SORT_FIELDS: MappingProxyType[str, Callable[[Profile], Any]] = MappingProxyType(
    {
        "_id": lambda p: p.id,
        "createdAt": lambda p: p.created_at,
        "lastChanged": lambda p: p.last_changed,
        "profile.firstname": _text("firstname"),
        "profile.lastname": _text("lastname"),
        "profile.email": _text("email"),
    }
)
ALIASES = MappingProxyType({"firstname": "profile.firstname", "lastname": "profile.lastname",
                            "email": "profile.email", "id": "_id"})  # fmt: skip
DEFAULT_SORT = ("_id", False)
MAX_CURSORS = 1024  # per tenant; the oldest is forgotten first


def parse_sort(text: str | None) -> tuple[str, bool]:
    """``field:asc|desc`` → (field, descending)."""
    if text is None or not text.strip():
        return DEFAULT_SORT
    if "," in text:
        raise InvalidArgument("sort by one field only (field:asc or field:desc)")
    name, _, direction = text.strip().partition(":")
    field = ALIASES.get(name, name)
    if field not in SORT_FIELDS:
        raise InvalidArgument(f"cannot sort by {name!r}; sortable: {', '.join(SORT_FIELDS)}")
    if direction.lower() not in ("", "asc", "desc", "1", "-1"):
        raise InvalidArgument(f"sort direction must be asc or desc, not {direction!r}")
    return field, direction.lower() in ("desc", "-1")


class Cursor(NamedTuple):
    """Where a page ended, in the query it belongs to (its key outlives the profile). A
    NamedTuple: a list answer makes one or two of these every time."""

    project_id: str
    sort: tuple[str, bool]
    filter: str
    key: Key


class CursorBook:
    """Cursors handed out, by their 24-character id; bounded, not persisted (like a
    database cursor, it dies with the server)."""

    def __init__(self, make_id: Callable[[], str]) -> None:
        self._make_id = make_id
        self._cursors: OrderedDict[str, Cursor] = OrderedDict()
        self._lock = threading.Lock()

    def issue(self, cursor: Cursor) -> str:
        cursor_id = self._make_id()
        cursors = self._cursors
        with self._lock:
            cursors[cursor_id] = cursor
            if len(cursors) > MAX_CURSORS:  # one at most: each issue adds one
                cursors.popitem(last=False)
        return cursor_id

    def clear(self) -> None:
        with self._lock:
            self._cursors.clear()

    def find(self, cursor_id: str) -> Cursor:
        with self._lock:
            cursor = self._cursors.get(cursor_id)
        if cursor is None:
            raise InvalidArgument(f"cursor {cursor_id} is unknown or expired; list from the start")
        return cursor
