"""One contact profile as stored, and its JSON shapes (full profile, index item)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson

from mockserver.cognigy.ids import MAX_TIMESTAMP, MONGO_ID


@dataclass(slots=True)
class Profile:
    """One contact profile of a Cognigy project, as stored (timestamps in epoch
    milliseconds)."""

    id: str
    project_id: str
    data: dict[str, Any]  # the ``profile`` object
    active: bool
    contact_ids: list[str]
    created_at: int
    last_changed: int
    created_by: str
    last_changed_by: str
    words: frozenset[str] = field(default=frozenset(), compare=False)  # for the text index
    # The index item's JSON, made the first time a list page shows the profile and forgotten
    # on every change (ProfileStore._index): a page joins 25 encoded items instead of building
    # and encoding 25 dicts per request. Lazy, so profiles never listed cost no memory.
    _item_json: orjson.Fragment | None = field(default=None, init=False, compare=False, repr=False)

    def to_json(self) -> dict[str, Any]:
        """IProfile_2_0, keys in the documented order (the create example round-trips)."""
        return {
            "profile": self.data,
            "active": self.active,
            "contactIds": list(self.contact_ids),
            "_id": self.id,
            "createdAt": self.created_at,
            "lastChanged": self.last_changed,
            "createdBy": self.created_by,
            "lastChangedBy": self.last_changed_by,
        }

    def index_item(self) -> dict[str, Any]:
        """IProfileIndexItem_2_0."""
        return {
            "_id": self.id,
            "active": self.active,
            "profile": self.data,
            "projectId": self.project_id,
            "lastChanged": self.last_changed,
            "contactIds": list(self.contact_ids),
        }

    def index_item_json(self) -> orjson.Fragment:
        """:meth:`index_item`, encoded (the same bytes ``orjson.dumps`` gives in a page)."""
        encoded = self._item_json
        if encoded is None:
            encoded = self._item_json = orjson.Fragment(orjson.dumps(self.index_item()))
        return encoded

    def forget_encoded(self) -> None:
        """Called after every change: the encoded item no longer says what the profile is."""
        self._item_json = None

    def saved(self) -> dict[str, Any]:
        return {**self.to_json(), "projectId": self.project_id}

    @classmethod
    def from_saved(cls, data: Mapping[str, Any]) -> Profile:
        ids = [data["_id"], data["projectId"], data["createdBy"], data["lastChangedBy"]]
        if not all(isinstance(i, str) and MONGO_ID.fullmatch(i) for i in ids):
            raise ValueError("saved profile ids must be 24-character Mongo ids")
        stamps = [data["createdAt"], data["lastChanged"]]
        if not all(type(s) is int and 0 <= s <= MAX_TIMESTAMP for s in stamps):
            raise ValueError("saved profile timestamps must be Unix seconds")
        contacts = data["contactIds"]
        if not isinstance(contacts, list) or not all(isinstance(c, str) for c in contacts):
            raise TypeError("saved contactIds must be a list of text")
        if not isinstance(data["profile"], dict) or not isinstance(data["active"], bool):
            raise TypeError("saved profile must have an object profile and a boolean active")
        return cls(
            id=data["_id"],
            project_id=data["projectId"],
            data=data["profile"],
            active=data["active"],
            contact_ids=list(contacts),
            created_at=stamps[0],
            last_changed=stamps[1],
            created_by=data["createdBy"],
            last_changed_by=data["lastChangedBy"],
        )
