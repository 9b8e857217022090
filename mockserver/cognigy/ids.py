"""Cognigy's ids are MongoDB ObjectIds: 24 lower-case hex characters (``^[a-z0-9]{24}$``): the
creation time in Unix seconds (8), a per-process random value (10) and a counter (6). Here the
"process" value comes from the tenant's seed, so the same seed and requests give the same ids
in any process, and ids rise in creation order as MongoDB's do."""

from __future__ import annotations

import hashlib
import re
import threading

from mockserver.core.rng import derive_seed

MONGO_ID = re.compile(r"[a-z0-9]{24}")
MAX_TIMESTAMP = 2**31 - 1  # the documented range of Cognigy's Unix timestamps


class IdMaker:
    def __init__(self, seed: int, label: str, issued: int = 0) -> None:
        self.seed = seed
        self.label = label
        self.issued = issued  # how many ids were handed out (saved with the store)
        self._lock = threading.Lock()
        # The "process" part is the same for every id: hashed and formatted once, not per id
        # (a list page mints a cursor id per request).
        self._machine = f"{derive_seed(seed, label) % 2**40:010x}"
        self._prefix = (-1, "")  # (the last Unix second asked for, the id's first 18 chars)

    def make(self, unix_seconds: int) -> str:
        with self._lock:
            self.issued += 1
            n = self.issued
        stamp, prefix = self._prefix
        if stamp != unix_seconds:  # a new second: format its time and the machine part once
            stamp = unix_seconds
            if not 0 <= stamp <= MAX_TIMESTAMP:  # a comparison, not min(max()): the common case
                stamp = min(max(stamp, 0), MAX_TIMESTAMP)
            # %-formatting: the same text as f"{stamp:08x}{machine}" (non-negative) in half
            # the time.
            prefix = "%08x%s" % (stamp, self._machine)  # noqa: UP031
            self._prefix = (unix_seconds, prefix)  # one tuple: threads read it whole
        # The same text as f"{prefix}{n % 2**24:06x}", in half the time; a list page mints a
        # cursor id per request, many in one second.
        return prefix + "%06x" % (n & 0xFFFFFF)


def user_id(key_id: str) -> str:
    """The Mongo id of the user behind an API key (``createdBy`` / ``lastChangedBy``)."""
    return hashlib.sha256(f"cognigy-user\x1f{key_id}".encode()).hexdigest()[:24]
