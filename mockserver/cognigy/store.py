"""One tenant's Cognigy contact profiles, registered on the tenant as the ``cognigy`` store.

Kept per project: a sorted index per sortable field and a word index for ``filter``, so a list
page costs a bisection and the items it walks. A contact id belongs to at most one profile of a
project (a second claim is a conflict); merging moves it, with the other profile's data.
Every change calls ``changed`` (the state file is saved before the answer goes out).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import orjson

from mockserver.cognigy import profile_schema
from mockserver.cognigy.ids import MONGO_ID, IdMaker
from mockserver.cognigy.listing import SORT_FIELDS, Cursor, CursorBook, parse_sort
from mockserver.cognigy.profile import Profile
from mockserver.cognigy.profile_schema import Field
from mockserver.core.clock import Clock
from mockserver.core.lru import ChangeCache, LruCache
from mockserver.core.merge_patch import fill_in, merge_patch
from mockserver.core.ordered_index import Key, OrderedIndex, Page
from mockserver.core.stores import Changed, unchanged
from mockserver.core.text_index import TextIndex, words, words_of
from mockserver.http.errors import Conflict, InvalidArgument, NotFound

STORE_NAME = "cognigy"
MAX_PROFILES = 250_000  # per tenant
MAX_CONTACT_IDS = 100  # per profile, merges included
MAX_PROFILE_BYTES = 65_536  # the ``profile`` object, encoded, merges included
MAX_SPARSE_CACHED = 16  # sorted sparse-filter matches kept per project
MAX_PAGES_CACHED = 32  # encoded list pages kept per tenant (emptied by any change)


@dataclass(slots=True)
class _Project:
    """One project's indexes."""

    sorted: dict[str, OrderedIndex] = field(
        default_factory=lambda: {name: OrderedIndex() for name in SORT_FIELDS}
    )
    text: TextIndex = field(default_factory=TextIndex)
    # (filter, sort field) → the sorted keys of a sparse filter's matches, so paging through
    # it does not sort them again; emptied by any change to the project.
    sparse: OrderedDict[tuple[str, str], list[Key]] = field(default_factory=OrderedDict)

    def put(self, profile: Profile) -> None:
        self.sparse.clear()
        for name, value in SORT_FIELDS.items():
            self.sorted[name].put(profile.id, value(profile))
        self.text.put(profile.id, profile.words)

    def remove(self, profile: Profile) -> None:
        self.sparse.clear()
        for index in self.sorted.values():
            index.remove(profile.id)
        self.text.remove(profile.id)

    def member_keys(self, filter_text: str, field: str, members: AbstractSet[str]) -> Any:
        index = self.sorted[field]
        if not index.is_sparse(members):
            return None
        cached = self.sparse.get((filter_text, field))
        if cached is None:
            cached = self.sparse[(filter_text, field)] = index.keys_of(members)
            while len(self.sparse) > MAX_SPARSE_CACHED:
                self.sparse.popitem(last=False)
        return cached


@dataclass(frozen=True, slots=True)
class _EncodedPage:
    """A list page as :meth:`ProfileStore.list_profiles_json` keeps it: cursors aside, the same
    query on the same profiles gives the same page."""

    page: Page
    total: int
    items: orjson.Fragment  # the encoded ``items`` array


_new = tuple.__new__


def _fragment(items: list[orjson.Fragment]) -> orjson.Fragment:
    return orjson.Fragment(orjson.dumps(items))


class ListQuery(NamedTuple):
    """What a profile listing asks for: the project, the text filter, the sort, and the page
    (``limit``/``skip`` or a cursor). A NamedTuple, not a frozen dataclass: built on every
    list request, and a frozen dataclass sets each of its seven fields through
    ``object.__setattr__``."""

    project_id: str
    filter: str = ""
    sort: str | None = None
    limit: int = 25
    skip: int = 0
    next: str | None = None
    previous: str | None = None


class ProfileStore:
    def __init__(self, clock: Clock, seed: int, changed: Changed = unchanged) -> None:
        self.clock = clock
        self.seed = seed
        self.changed = changed
        self._lock = threading.RLock()
        self._ids = IdMaker(seed, "cognigy-profile")
        self._cursor_ids = IdMaker(seed, "cognigy-cursor")
        self.cursors = CursorBook(lambda: self._cursor_ids.make(self.now()))
        self._profiles: dict[str, Profile] = {}
        self._contacts: dict[tuple[str, str], str] = {}  # (project, contact id) → profile id
        self._projects: dict[str, _Project] = {}
        self._schemas: dict[str, tuple[Field, ...]] = {}
        # Encoded list pages by query (list_profiles_json); any change to a profile empties it.
        self._pages: ChangeCache[tuple[Any, ...], _EncodedPage] = ChangeCache(
            LruCache(MAX_PAGES_CACHED)
        )

    def now(self) -> int:
        return int(self.clock.timestamp())

    def __len__(self) -> int:
        return len(self._profiles)

    # -- reads --------------------------------------------------------------------------------

    def get(self, profile_id: str) -> Profile:
        profile = self._profiles.get(profile_id)
        if profile is None:
            raise NotFound(f"profile {profile_id} does not exist")
        return profile

    def owner_of(self, project_id: str, contact_id: str) -> str | None:
        return self._contacts.get((project_id, contact_id))

    def list_profiles(self, query: ListQuery) -> dict[str, Any]:
        """A page as IProfileIndexResponse_2_0 (``items``, ``total`` and the two cursors)."""
        sort, boundary = self._where(query)
        with self._lock:
            page, total = self._page(query, sort, boundary)
            items = [self._profiles[key[1]].index_item() for key in page.keys]
        return self._answer(query, sort, page, items, total)

    def list_profiles_json(self, query: ListQuery) -> bytes:
        """:meth:`list_profiles`, encoded: the same bytes. A page's items are encoded once
        (from each profile's encoded item) and kept until the tenant's profiles change, so
        asking again for a page costs its cursors, not its walk and its items."""
        sort, boundary = self._where(query)
        # Flat (no nested tuples): hashed on every lookup. A boundary Key's id is never None.
        after, at = (None, None) if boundary is None else boundary
        key = (query.project_id, query.filter, sort[0], sort[1], query.limit, query.skip,
               query.previous is None, after, at)  # fmt: skip

        def encoded_page() -> _EncodedPage:
            with self._lock:  # a page is built from one state of the profiles
                page, total = self._page(query, sort, boundary)
                items = [self._profiles[k[1]].index_item_json() for k in page.keys]
            return _EncodedPage(page, total, _fragment(items))

        # A hit takes no lock (core/lru.py says why that is safe): every change empties the
        # cache under this store's lock, and a page built across a change is not kept, so a
        # hit answers the profiles as they were before or after a concurrent write, as a
        # locked read would.
        found = self._pages.get_or_create(key, encoded_page)
        return orjson.dumps(self._answer(query, sort, found.page, found.items, found.total))

    def _where(self, query: ListQuery) -> tuple[tuple[str, bool], Key | None]:
        """The query's sort, and the key its cursor (if any) points at."""
        sort = parse_sort(query.sort)
        if query.next is not None and query.previous is not None:
            raise InvalidArgument("send next or previous, not both")
        cursor_id = query.next or query.previous
        if cursor_id is None:
            return sort, None
        cursor = self.cursors.find(cursor_id)
        if (cursor.project_id, cursor.sort, cursor.filter) != (
            query.project_id,
            sort,
            query.filter,
        ):
            raise InvalidArgument(
                "this cursor belongs to another list (projectId, sort and filter must stay "
                "the same while paging)"
            )
        return sort, cursor.key

    def _page(
        self, query: ListQuery, sort: tuple[str, bool], boundary: Key | None
    ) -> tuple[Page, int]:
        """The page's keys and the list's total (the caller holds the lock)."""
        project = self._projects.get(query.project_id) or _Project()
        members = project.text.matching(query.filter)
        index = project.sorted[sort[0]]
        keys = None if members is None else project.member_keys(query.filter, sort[0], members)
        page = index.page(
            limit=query.limit,
            skip=query.skip,
            descending=sort[1],
            members=members,
            member_keys=keys,
            after=boundary if query.next is not None else None,
            before=boundary if query.previous is not None else None,
        )
        return page, len(index) if members is None else len(members)

    def _answer(
        self, query: ListQuery, sort: tuple[str, bool], page: Page, items: Any, total: int
    ) -> dict[str, Any]:
        """The response body; every answer hands out cursors of its own."""
        keys = page.keys
        issue = self.cursors.issue
        project, text = query.project_id, query.filter
        return {
            "items": items,
            "total": total,
            # Cursors through tuple.__new__, as ListQuery (see index_profiles): every answer.
            "nextCursor": (
                issue(_new(Cursor, (project, sort, text, keys[-1]))) if page.has_next else None
            ),
            "previousCursor": (
                issue(_new(Cursor, (project, sort, text, keys[0]))) if page.has_previous else None
            ),
        }

    def schema(self, project_id: str) -> dict[str, Any]:
        return profile_schema.describe(self._schemas.get(project_id, ()))

    # -- writes -------------------------------------------------------------------------------

    def create(self, project_id: str, body: Mapping[str, Any], user: str) -> Profile:
        data = dict(body.get("profile") or {})
        contacts = list(body.get("contactIds") or [])
        with self._lock:
            self._check_room()
            self._check_data(project_id, data)
            self._check_free(project_id, contacts, None)
            profile = self._new_profile(
                project_id, data, contacts, bool(body.get("active", True)), user
            )
        self.changed()
        return profile

    def _check_room(self) -> None:
        if len(self._profiles) >= MAX_PROFILES:
            raise InvalidArgument(f"a tenant may hold at most {MAX_PROFILES} profiles")

    def _new_profile(
        self, project_id: str, data: dict[str, Any], contacts: list[str], active: bool, user: str
    ) -> Profile:
        """A new profile, installed (the caller holds the lock and has checked the room)."""
        now = self.now()
        profile = Profile(
            id=self._ids.make(now),
            project_id=project_id,
            data=data,
            active=active,
            contact_ids=contacts,
            created_at=now,
            last_changed=now,
            created_by=user,
            last_changed_by=user,
        )
        self._install(profile)
        return profile

    def update(self, profile_id: str, body: Mapping[str, Any], user: str) -> Profile:
        with self._lock:
            profile = self.get(profile_id)
            data = profile.data
            if body.get("profile") is not None:
                data = merge_patch(profile.data, body["profile"])
                self._check_data(profile.project_id, data)
            contacts = profile.contact_ids
            if body.get("contactIds") is not None:
                contacts = list(body["contactIds"])
                self._check_free(profile.project_id, contacts, profile.id)
            active = body.get("active")
            self._replace(
                profile,
                user,
                data=data,
                contact_ids=contacts,
                active=profile.active if active is None else bool(active),
            )
        self.changed()
        return profile

    def delete(self, profile_id: str) -> None:
        with self._lock:
            self._uninstall(self.get(profile_id))
        self.changed()

    def merge(self, profile_id: str, contact_id: str, project_id: str, user: str) -> Profile:
        """The profile holding ``contact_id`` (if another) is folded into this one: its contact
        ids and its data move here (this profile's values win) and it is deleted. A contact id
        no profile holds is simply added."""
        with self._lock:
            target = self.get(profile_id)
            if project_id != target.project_id:
                raise NotFound(f"profile {profile_id} does not exist in project {project_id}")
            owner = self.owner_of(project_id, contact_id)
            if owner == target.id:
                return target
            source = self._profiles[owner] if owner is not None else None
            moved = source.contact_ids if source is not None else [contact_id]
            contacts = target.contact_ids + [c for c in moved if c not in target.contact_ids]
            if len(contacts) > MAX_CONTACT_IDS:
                raise InvalidArgument(f"a profile may hold at most {MAX_CONTACT_IDS} contact ids")
            data = fill_in(target.data, source.data) if source is not None else target.data
            _check_size(data)
            if source is not None:
                self._uninstall(source)
            self._replace(target, user, data=data, contact_ids=contacts, active=target.active)
        self.changed()
        return target

    def unmerge(self, profile_id: str, contact_id: str, user: str) -> Profile:
        """The contact id leaves this profile for a new, empty one of its own."""
        with self._lock:
            # The split is a new profile: the tenant's bound holds for it as for a create.
            self._check_room()
            profile = self._drop_contact(profile_id, contact_id, user)
            split = self._new_profile(profile.project_id, {}, [contact_id], True, user)
        self.changed()
        return split

    def remove_contact(self, profile_id: str, contact_id: str, user: str) -> None:
        with self._lock:
            self._drop_contact(profile_id, contact_id, user)
        self.changed()

    def _drop_contact(self, profile_id: str, contact_id: str, user: str) -> Profile:
        """Take ``contact_id`` off the profile holding it (caller holds the lock)."""
        profile = self._holding(profile_id, contact_id)
        remaining = [c for c in profile.contact_ids if c != contact_id]
        self._replace(profile, user, contact_ids=remaining)
        return profile

    def remove_data(self, profile_id: str, user: str) -> None:
        with self._lock:
            self._replace(self.get(profile_id), user, data={})
        self.changed()

    def set_schema(self, project_id: str, details: Any) -> dict[str, Any]:
        custom = profile_schema.parse_details(details)
        with self._lock:
            self._schemas[project_id] = custom
        self.changed()
        return self.schema(project_id)

    # -- bookkeeping --------------------------------------------------------------------------

    def _holding(self, profile_id: str, contact_id: str) -> Profile:
        profile = self.get(profile_id)
        if contact_id not in profile.contact_ids:
            raise NotFound(f"profile {profile_id} has no contact id {contact_id!r}")
        return profile

    def _check_data(self, project_id: str, data: Mapping[str, Any]) -> None:
        profile_schema.check_profile(data, self._schemas.get(project_id, ()))
        _check_size(data)

    def _check_free(self, project_id: str, contacts: list[str], owner: str | None) -> None:
        if len(set(contacts)) != len(contacts):
            raise InvalidArgument("contactIds must not repeat")
        for contact in contacts:
            holder = self._contacts.get((project_id, contact))
            if holder is not None and holder != owner:
                raise Conflict(f"contact id {contact!r} belongs to profile {holder}")

    def _replace(self, profile: Profile, user: str, **changes: Any) -> None:
        project = self._project(profile.project_id)
        project.remove(profile)
        for contact in profile.contact_ids:
            del self._contacts[(profile.project_id, contact)]
        for name, value in changes.items():
            setattr(profile, name, value)
        profile.last_changed = max(self.now(), profile.created_at)
        profile.last_changed_by = user
        self._index(profile, project)

    def _install(self, profile: Profile) -> None:
        self._profiles[profile.id] = profile
        self._index(profile, self._project(profile.project_id))

    def _index(self, profile: Profile, project: _Project) -> None:
        profile.forget_encoded()
        self._pages.invalidate()
        profile.words = frozenset(words_of(profile.data) | words(" ".join(profile.contact_ids)))
        for contact in profile.contact_ids:
            self._contacts[(profile.project_id, contact)] = profile.id
        project.put(profile)

    def _uninstall(self, profile: Profile) -> None:
        self._pages.invalidate()
        del self._profiles[profile.id]
        for contact in profile.contact_ids:
            del self._contacts[(profile.project_id, contact)]
        project = self._project(profile.project_id)
        project.remove(profile)

    def _project(self, project_id: str) -> _Project:
        project = self._projects.get(project_id)
        if project is None:
            project = self._projects[project_id] = _Project()
        return project

    # -- persistence (core.stores.TenantStore) --------------------------------------------------

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {
                "ids_issued": self._ids.issued,
                "profiles": [p.saved() for p in self._profiles.values()],
                "schemas": {
                    project: [f.to_dict() for f in fields]
                    for project, fields in self._schemas.items()
                },
            }

    def restore(self, data: Any) -> None:
        if not isinstance(data, Mapping):
            raise TypeError("the cognigy store must be an object")
        issued = data.get("ids_issued", 0)
        if type(issued) is not int or issued < 0:
            raise ValueError("ids_issued must be a count")
        profiles = [Profile.from_saved(p) for p in data.get("profiles", [])]
        schemas = {}
        for project, details in (data.get("schemas") or {}).items():
            if not MONGO_ID.fullmatch(str(project)):
                raise ValueError(f"schema project {project!r} is not a Mongo id")
            schemas[str(project)] = profile_schema.parse_details(details)
        fresh = ProfileStore(self.clock, self.seed)
        fresh._schemas = schemas
        for profile in profiles:
            if profile.id in fresh._profiles:
                raise ValueError(f"profile {profile.id} is saved twice")
            fresh._check_free(profile.project_id, profile.contact_ids, None)
            fresh._install(profile)
        with self._lock:  # all checked: swap the content in
            self.cursors.clear()  # they point into the content being replaced
            self._pages.invalidate()
            self._ids.issued = issued
            self._profiles, self._contacts = fresh._profiles, fresh._contacts
            self._projects, self._schemas = fresh._projects, fresh._schemas


def _check_size(data: Mapping[str, Any]) -> None:
    if len(orjson.dumps(data)) > MAX_PROFILE_BYTES:
        raise InvalidArgument(f"a profile's data may take at most {MAX_PROFILE_BYTES} bytes")
