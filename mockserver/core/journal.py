"""The request journal: what each tenant's clients sent and what the fake answered.

A bounded ring buffer per tenant (``deque(maxlen=capacity)``), so a load test can run forever in
flat memory: WireMock's unbounded journal is a recurring complaint (WireMock #29, #152). Bodies are
kept as raw text cut to ``text_limit`` characters and parsed to JSON only when read, which keeps
recording cheap and means an entry never aliases an object the handlers may later mutate.
"""

from __future__ import annotations

import heapq
import sys
import threading
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any, NamedTuple

import orjson

from mockserver.core.clock import Clock, parse_rfc3339

DEFAULT_CAPACITY = 1000
DEFAULT_TEXT_LIMIT = 64 * 1024
DEFAULT_TARGET_LIMIT = 8 * 1024
# Everything an entry holds besides its bodies and target: the entry object, its time, its
# small fixed fields, the method (cut to METHOD_LIMIT) and fault label (cut to FAULT_LIMIT).
ENTRY_OVERHEAD = 4 * 1024
METHOD_LIMIT = 32
FAULT_LIMIT = 256


_EMPTY: Mapping[str, Any] = MappingProxyType({})


class JournalRecord(NamedTuple):
    """One request and its answer as the HTTP layer saw them; the journal adds seq and time.

    ``key_id`` is a non-secret label for the API key (never the key). ``operation_id`` is None
    for requests that matched no route. Raw bodies may be ``bytes`` or ``str``; pass ``b""``
    for bodies that are not text (export file downloads). ``fault`` describes an injected fault.
    A NamedTuple: immutable, and built in half a frozen dataclass's time (one per request).
    """

    tenant: str
    key_id: str | None
    operation_id: str | None
    method: str
    path: str
    status: int
    query: Mapping[str, Sequence[str]] = _EMPTY
    path_params: Mapping[str, str] = _EMPTY
    request_raw: bytes | str = b""
    response_raw: bytes | str = b""
    fault: str | None = None


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """One recorded exchange: when, who, which operation, the request and the answer (bodies
    clipped to the journal's limits), and any fault injected."""

    seq: int  # strictly increasing per journal, across tenants
    time: datetime  # the injected clock's reading when the exchange was recorded
    tenant: str
    key_id: str | None
    operation_id: str | None
    method: str
    path: str
    query: dict[str, list[str]]
    path_params: dict[str, str]
    request_raw: bytes  # clipped to the text limit; decoded only when read (keeps record() cheap)
    request_truncated: bool
    status: int
    response_raw: bytes
    response_truncated: bool
    fault: str | None
    target_truncated: bool = False  # path, query or path parameters were cut to the limit

    @property
    def request_text(self) -> str:
        # A multi-byte character cut in half becomes U+FFFD: fine for a display-only copy.
        return self.request_raw.decode("utf-8", errors="replace")

    @property
    def response_text(self) -> str:
        return self.response_raw.decode("utf-8", errors="replace")

    @property
    def request_body(self) -> Any:
        """The request body as JSON, or None if it was empty, not JSON, or truncated."""
        return _parse_json(self.request_text, self.request_truncated)

    @property
    def response_body(self) -> Any:
        """The response body as JSON, or None if it was empty, not JSON, or truncated."""
        return _parse_json(self.response_text, self.response_truncated)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready; times keep microseconds so :meth:`from_dict` round-trips exactly."""
        return {
            "seq": self.seq,
            "time": _format_time(self.time),
            "tenant": self.tenant,
            "key_id": self.key_id,
            "operation_id": self.operation_id,
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "path_params": self.path_params,
            "request_body": self.request_body,
            "request_text": self.request_text,
            "request_truncated": self.request_truncated,
            "status": self.status,
            "response_body": self.response_body,
            "response_text": self.response_text,
            "response_truncated": self.response_truncated,
            "fault": self.fault,
            "target_truncated": self.target_truncated,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> JournalEntry:
        """Inverse of :meth:`to_dict` (the parsed bodies are derived, so they are ignored)."""
        return cls(
            seq=int(data["seq"]),
            time=parse_rfc3339(data["time"]),
            tenant=str(data["tenant"]),
            key_id=data["key_id"],
            operation_id=data["operation_id"],
            method=str(data["method"]),
            path=str(data["path"]),
            query={str(k): [str(v) for v in vs] for k, vs in data["query"].items()},
            path_params={str(k): str(v) for k, v in data["path_params"].items()},
            request_raw=str(data["request_text"]).encode(),
            request_truncated=bool(data["request_truncated"]),
            status=int(data["status"]),
            response_raw=str(data["response_text"]).encode(),
            response_truncated=bool(data["response_truncated"]),
            fault=data["fault"],
            target_truncated=bool(data.get("target_truncated", False)),  # absent before 0.x
        )

    def to_stored_dict(self) -> dict[str, Any]:
        """:meth:`to_dict` without the parsed bodies (derived, so not worth storing)."""
        stored = self.to_dict()
        del stored["request_body"], stored["response_body"]
        return stored

    def describe(self) -> str:
        """One line for humans: ``#12 POST /v2/sessions/x/summary -> 200 [op] (fault: ...)``."""
        target = self.path
        if self.query:
            target += "?" + "&".join(f"{k}={v}" for k, vs in self.query.items() for v in vs)
        line = f"#{self.seq} {self.method} {target} -> {self.status} [{self.operation_id or '-'}]"
        return f"{line} (fault: {self.fault})" if self.fault else line


@dataclass(frozen=True, slots=True)
class JournalQuery:
    """Filters combined with AND; None means "any".

    ``since`` is inclusive and ``until`` exclusive. ``body_contains`` is a case-sensitive
    substring of the request or response raw text. ``limit`` keeps the newest matches.
    """

    tenant: str | None = None
    operation_id: str | None = None
    method: str | None = None
    status: int | None = None
    since: datetime | None = None
    until: datetime | None = None
    body_contains: str | None = None
    path_prefix: str | None = None
    limit: int | None = None

    def matches(self, entry: JournalEntry) -> bool:
        return (
            (self.tenant is None or entry.tenant == self.tenant)
            and (self.operation_id is None or entry.operation_id == self.operation_id)
            and (self.method is None or entry.method.upper() == self.method.upper())
            and (self.status is None or entry.status == self.status)
            and (self.since is None or entry.time >= self.since)
            and (self.until is None or entry.time < self.until)
            and (self.path_prefix is None or entry.path.startswith(self.path_prefix))
            and (
                self.body_contains is None
                or self.body_contains in entry.request_text
                or self.body_contains in entry.response_text
            )
        )


class Journal:
    """Per-tenant ring buffers of :class:`JournalEntry`; thread-safe, O(1) per record."""

    def __init__(
        self,
        clock: Clock,
        capacity: int = DEFAULT_CAPACITY,
        text_limit: int = DEFAULT_TEXT_LIMIT,
        *,
        target_limit: int = DEFAULT_TARGET_LIMIT,
    ) -> None:
        _check_positive("capacity", capacity)
        _check_positive("text_limit", text_limit, allow_zero=True)
        _check_positive("target_limit", target_limit, allow_zero=True)
        self._clock = clock
        self._target_limit = target_limit
        self._bare_path_limit = _bare_path_limit(target_limit)
        self._lock = threading.Lock()
        self._capacity = capacity
        self._text_limit = text_limit
        self._next_seq = 1
        self._tenants: dict[str, deque[JournalEntry | _Stored]] = {}
        # Rises whenever entries go other than by falling off a full ring (clear, restore, a
        # smaller cap): a copy kept up to date by appending new entries must then start over.
        self._rewrites = 0
        # (body, limit, its cut): see _clip_response.
        self._last_cut: tuple[bytes, int, bytes] | None = None

    @property
    def capacity(self) -> int:
        """Entries kept per tenant; older ones fall off."""
        return self._capacity

    def set_capacity(self, capacity: int) -> None:
        """Change the cap now, keeping each tenant's newest entries."""
        _check_positive("capacity", capacity)
        with self._lock:
            self._rewrites += 1
            self._capacity = capacity
            for tenant, entries in self._tenants.items():
                self._tenants[tenant] = deque(entries, maxlen=capacity)

    @property
    def text_limit(self) -> int:
        """Characters of each raw body kept; applies to entries recorded from now on."""
        return self._text_limit

    @property
    def target_limit(self) -> int:
        """Bytes of memory the path, query and path parameters of one entry may take."""
        return self._target_limit

    @property
    def entry_ceiling(self) -> int:
        """The most memory one entry takes, in bytes: the journal's ceiling is this times the
        capacity times the tenants with entries (a client with no key fills one tenant's)."""
        return 2 * self._text_limit + self._target_limit + ENTRY_OVERHEAD

    def set_text_limit(self, text_limit: int) -> None:
        _check_positive("text_limit", text_limit, allow_zero=True)
        with self._lock:
            self._text_limit = text_limit

    def record(self, record: JournalRecord) -> JournalEntry:
        """Journal one exchange; the entry as readers will see it."""
        return _entry(self.add_fields(*record))

    def add(self, record: JournalRecord) -> None:
        """:meth:`record` for a caller that does not need the entry back: the entry's fields
        are kept as a tuple, clipped and bounded as always, and become a
        :class:`JournalEntry` only when read (most entries never are). The request path's
        recorder calls :meth:`add_fields` instead, with no record built."""
        self.add_fields(*record)

    def _clip_response(self, raw: bytes | str, limit: int) -> tuple[bytes, bool]:
        """:func:`_clip`, reusing the cut of the last long body when the same bytes object is
        answered again (a cached answer: a large session's events, over and over): the
        entries then share one immutable cut instead of copying ``limit`` bytes each."""
        if not isinstance(raw, bytes) or len(raw) <= limit:
            return _clip(raw, limit)
        last = self._last_cut
        if last is not None and last[0] is raw and last[1] == limit:
            return last[2], True
        cut = raw[:limit]
        self._last_cut = (raw, limit, cut)  # holds one body alive, at most
        return cut, True

    def add_fields(  # noqa: PLR0917 - a JournalRecord's fields, in its order
        self,
        tenant: str,
        key_id: str | None,
        operation_id: str | None,
        method: str,
        path: str,
        status: int,
        query: Mapping[str, Sequence[str]],
        path_params: Mapping[str, str],
        request_raw: bytes | str,
        response_raw: bytes | str,
        fault: str | None,
    ) -> _Stored:
        """:meth:`add` for a caller holding a record's fields rather than a record (the request
        path's recorder: no record built, then unpacked, for every request the server answers,
        twice for an Opal tool call). Returns the stored tuple (what :meth:`record` reads)."""
        at = self._clock.timestamp()  # the same instant the entry's time will say
        limit = self._text_limit
        # Bodies within the limit (nearly all) are kept as they are: what _clip would return
        # for them, without the calls.
        if type(request_raw) is bytes and len(request_raw) <= limit:
            request_truncated = False
        else:
            request_raw, request_truncated = _clip(request_raw, limit)
        if type(response_raw) is bytes and len(response_raw) <= limit:
            response_truncated = False
        else:
            response_raw, response_truncated = self._clip_response(response_raw, limit)
        # An empty query or path parameters kept as None (see _entry): an evicted entry then
        # has less to free.
        kept_query: dict[str, list[str]] | None = None
        kept_params: dict[str, str] | None = None
        target_truncated = False
        if query or path_params or len(path) > self._bare_path_limit:
            path, kept_query, kept_params, target_truncated = _targeted(
                path, query, path_params, self._target_limit
            )
            kept_query, kept_params = kept_query or None, kept_params or None
        # else a short path alone (most requests): what _targeted keeps of it, uncut
        if fault is not None:
            fault = fault[:FAULT_LIMIT]
        method = method[:METHOD_LIMIT]
        # acquire/release rather than ``with``: no bound __enter__/__exit__ made per request.
        lock = self._lock
        lock.acquire()
        try:
            seq = self._next_seq
            self._next_seq = seq + 1
            stored = (
                seq,
                at,
                tenant,
                key_id,
                operation_id,
                method,
                path,
                kept_query,
                kept_params,
                request_raw,
                request_truncated,
                status,
                response_raw,
                response_truncated,
                fault,
                target_truncated,
            )
            entries = self._tenants.get(tenant)
            if entries is None:
                entries = self._tenants[tenant] = deque(maxlen=self._capacity)
            entries.append(stored)
        finally:
            lock.release()
        return stored

    def query(self, query: JournalQuery | None = None) -> list[JournalEntry]:
        """Matching entries, oldest first."""
        query = query or JournalQuery()
        with self._lock:
            candidates = self._ordered(query.tenant)
            found = [entry for entry in candidates if query.matches(entry)]
        if query.limit is not None:
            found = found[-query.limit :] if query.limit > 0 else []
        return found

    def count(self, tenant: str | None = None) -> int:
        with self._lock:
            if tenant is not None:
                return len(self._tenants.get(tenant, ()))
            return sum(len(entries) for entries in self._tenants.values())

    def __len__(self) -> int:
        return self.count()

    def tenants(self) -> list[str]:
        with self._lock:
            return sorted(t for t, entries in self._tenants.items() if entries)

    def clear(self, tenant: str | None = None) -> None:
        """Forget entries (of one tenant, or all); sequence numbers keep rising."""
        with self._lock:
            self._rewrites += 1
            if tenant is None:
                self._tenants.clear()
            else:
                self._tenants.pop(tenant, None)

    def changes_since(self, seq: int, rewrites: int) -> tuple[list[JournalEntry], bool, int, int]:
        """What a copy holding entries up to ``seq`` (made at ``rewrites``) lacks:
        ``(entries, whole, next_seq, rewrites)``. ``whole`` means the copy must be replaced by
        ``entries`` (every entry); otherwise ``entries`` are the ones to append."""
        with self._lock:
            whole = rewrites != self._rewrites
            kept = self._ordered_stored(None)
            if not whole:
                kept = (item for item in kept if _seq_of(item) > seq)
            entries = [_entry(item) for item in kept]
            return entries, whole, self._next_seq, self._rewrites

    def settings_snapshot(self) -> dict[str, Any]:
        """:meth:`snapshot` without the entries."""
        with self._lock:
            return {
                "capacity": self._capacity,
                "text_limit": self._text_limit,
                "next_seq": self._next_seq,
                "entries": [],
            }

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            entries = [entry.to_dict() for entry in self._ordered(None)]
            return {
                "capacity": self._capacity,
                "text_limit": self._text_limit,
                "next_seq": self._next_seq,
                "entries": entries,
            }

    def restore(self, data: Mapping[str, Any]) -> None:
        capacity = int(data["capacity"])
        text_limit = int(data["text_limit"])
        _check_positive("capacity", capacity)
        _check_positive("text_limit", text_limit, allow_zero=True)
        tenants: dict[str, deque[JournalEntry | _Stored]] = {}
        last_seq = 0
        for raw in data["entries"]:
            entry = JournalEntry.from_dict(raw)
            tenants.setdefault(entry.tenant, deque(maxlen=capacity)).append(entry)
            last_seq = max(last_seq, entry.seq)
        with self._lock:
            self._rewrites += 1
            self._capacity = capacity
            self._text_limit = text_limit
            self._next_seq = max(int(data["next_seq"]), last_seq + 1)
            self._tenants = tenants

    def _ordered(self, tenant: str | None) -> Iterator[JournalEntry]:
        # Caller holds the lock.
        return map(_entry, self._ordered_stored(tenant))

    def _ordered_stored(self, tenant: str | None) -> Iterator[JournalEntry | _Stored]:
        # Caller holds the lock. Each deque is already in seq order, so a merge is enough.
        if tenant is not None:
            return iter(list(self._tenants.get(tenant, ())))
        return heapq.merge(*(list(d) for d in self._tenants.values()), key=_seq_of)


# A journaled exchange as recorded: JournalEntry's fields in order, its time as a Unix
# timestamp (a tuple and a float cost a fraction of the entry and its datetime), an empty
# query or path parameters as None (an entry is read as new empty dicts each time).
_Stored = tuple[Any, ...]


def _entry(item: JournalEntry | _Stored) -> JournalEntry:
    if isinstance(item, JournalEntry):  # restored from a snapshot or the state file
        return item
    seq, at, tenant, key_id, operation_id, method, path, query, path_params, *rest = item
    return JournalEntry(
        seq,
        datetime.fromtimestamp(at, UTC),
        tenant,
        key_id,
        operation_id,
        method,
        path,
        query if query is not None else {},
        path_params if path_params is not None else {},
        *rest,
    )


def _seq_of(item: JournalEntry | _Stored) -> int:
    return item.seq if isinstance(item, JournalEntry) else int(item[0])


def _clip(raw: bytes | str, limit: int) -> tuple[bytes, bool]:
    # Kept as bytes, at most `limit` of them: a str is cut at a character boundary, raw bytes
    # where the limit falls (a character cut in half then reads as U+FFFD).
    if isinstance(raw, bytes):
        return raw[:limit], len(raw) > limit
    data = raw.encode("utf-8", errors="replace")
    if len(data) <= limit:
        return data, False
    return data[:limit].decode("utf-8", errors="ignore").encode(), True


def _bare_path_limit(budget: int) -> int:
    """The longest path that :func:`_targeted` keeps uncut within ``budget`` when it comes with
    no query and no path parameters (its bound for a path alone, solved for the length)."""
    slot = _Target._SLOT
    room = min(budget // 2 - 1, budget - 4 * slot) - _STR_HEADER_BOUND - slot
    return room // 4 if room >= 0 else -1


def _targeted(
    path: str,
    query: Mapping[str, Sequence[str]],
    path_params: Mapping[str, str],
    budget: int,
) -> tuple[str, dict[str, list[str]], dict[str, str], bool]:
    """The path, query and path parameters to journal within ``budget`` (see :class:`_Target`),
    and whether any was cut.

    The common case first, in one pass: an upper bound of what :class:`_Target` would charge
    (a str's size bounded by its length, every slot and list counted) that leaves more than its
    thresholds to spare at every step means it would keep everything uncut, so the target is
    copied whole while the bound is added up. One loop in this frame, not a measuring helper
    and a comprehension (each a call): this runs for every request the server answers."""
    slot = _Target._SLOT
    total = _STR_HEADER_BOUND + 4 * len(path) + slot
    if total <= budget // 2 - 1:  # the path alone may take half
        copied: dict[str, list[str]] = {}
        for name, values in query.items():
            total += 2 * slot + _STR_HEADER_BOUND + 4 * len(name)
            for value in values:
                total += _STR_HEADER_BOUND + 4 * len(value) + slot
            copied[name] = list(values)
        if path_params:
            for name, value in path_params.items():
                total += 3 * slot + 2 * _STR_HEADER_BOUND + 4 * (len(name) + len(value))
        if total + 4 * slot <= budget:
            return path, copied, dict(path_params) if path_params else {}, False
    target = _Target(budget)
    path = target.text(path, share=0.5)  # leave room for the query
    # Most requests have no query or no path parameters: nothing to copy then.
    kept = target.query(query) if query else {}
    params: dict[str, str] = {}
    if path_params:
        measured = target.query({k: [v] for k, v in path_params.items()})
        params = {k: vs[0] for k, vs in measured.items()}
    return path, kept, params, target.truncated


# At most what ``sys.getsizeof`` says of a str of n characters is this plus 4 bytes each
# (CPython's compact strings: a header under 80 bytes, at most 4 bytes a character).
_STR_HEADER_BOUND = 80


class _Target:
    """Copies a request's path, query and path parameters into a memory budget (bytes, as
    Python stores them), in order, cutting the text that does not fit: a client that sends a
    huge URL gets its start journaled, and the entry says it was cut."""

    _SLOT = 64  # what a list or dict slot around each text costs, generously

    def __init__(self, budget: int) -> None:
        self.left = budget
        self.truncated = False

    def text(self, value: str, share: float = 1.0) -> str:
        """``value``, or as much of its start as fits in ``share`` of what is left."""
        budget = int(self.left * share)
        cost = sys.getsizeof(value) + self._SLOT
        if cost <= budget:
            self.left -= cost
            return value
        self.truncated = True
        width = 1 if value.isascii() else 4  # bytes a character may take (PEP 393)
        room = max(0, (budget - sys.getsizeof("") - self._SLOT) // width)
        self.left = max(0, self.left - self._SLOT - sys.getsizeof("") - room * width)
        return value[:room]

    def query(self, query: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
        kept: dict[str, list[str]] = {}
        for name, values in query.items():
            if self.left <= self._SLOT * 2:
                self.truncated = True
                break
            self.left -= self._SLOT  # the list
            kept[self.text(name)] = [self.text(value) for value in values if self._room()]
        return kept

    def _room(self) -> bool:
        if self.left > self._SLOT:
            return True
        self.truncated = True
        return False


def _parse_json(text: str, truncated: bool) -> Any:
    if truncated or not text:
        return None
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return None


def _format_time(at: datetime) -> str:
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _check_positive(name: str, value: int, *, allow_zero: bool = False) -> None:
    low = 0 if allow_zero else 1
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise ValueError(f"{name} must be an integer >= {low}, not {value!r}")
