"""Download links of export files: signed URLs on the fake's own storage path, shaped like the
Google Cloud Storage V4 signed URLs FullStory hands out, valid for a few minutes.

The tenant's signing secret is tenant state (snapshots, state file), so links survive a restart
with ``--state-file`` and die with a reset. The links handed out are kept too (the newest
MAX_LINKS), so a snapshot shows what a client was given.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote, urlencode

from mockserver.core.signing import Signer, compact_time, new_secret, parse_compact_time
from mockserver.core.stores import Changed, unchanged

STORAGE_PREFIX = "/__storage"
BUCKET = "fullstoryapp-search-export"
LINK_TTL = timedelta(minutes=5)  # "will typically be a 5 minute expiration window"
MAX_LINKS = 1000
ALGORITHM = "GOOG4-HMAC-SHA256"


def object_path(tenant_id: str, search_export_id: str) -> str:
    return f"{STORAGE_PREFIX}/{BUCKET}/{quote(tenant_id, safe='')}/{search_export_id}"


@dataclass(frozen=True, slots=True)
class LinkCheck:
    """Why a download is refused (``None`` fields: it is not)."""

    code: str | None = None
    message: str = ""
    details: str = ""


class LinkStore:
    def __init__(self, tenant_id: str, changed: Changed = unchanged) -> None:
        self._tenant_id = tenant_id
        self._changed = changed
        self._lock = threading.Lock()
        self._signer = Signer(new_secret())
        self._issued: list[dict[str, str]] = []

    def issue(self, origin: str, search_export_id: str, now: datetime) -> tuple[str, datetime]:
        """A signed URL for the export's file and the moment it expires."""
        date, ttl = compact_time(now), str(int(LINK_TTL.total_seconds()))
        signature = self._signer.sign(self._tenant_id, search_export_id, date, ttl)
        query = urlencode(
            {
                "X-Goog-Algorithm": ALGORITHM,
                "X-Goog-Date": date,
                "X-Goog-Expires": ttl,
                "X-Goog-SignedHeaders": "host",
                "X-Goog-Signature": signature,
            }
        )
        url = f"{origin}{object_path(self._tenant_id, search_export_id)}?{query}"
        expires = now + LINK_TTL
        with self._lock:
            self._issued.append({"search_export_id": search_export_id, "url": url,
                                 "expires": expires.isoformat()})  # fmt: skip
            del self._issued[:-MAX_LINKS]
        self._changed()
        return url, expires

    def check(self, search_export_id: str, query: Mapping[str, str], now: datetime) -> LinkCheck:
        date, ttl = query.get("X-Goog-Date", ""), query.get("X-Goog-Expires", "")
        signature = query.get("X-Goog-Signature", "")
        if not (date and ttl.isdigit() and signature and query.get("X-Goog-Algorithm")):
            return LinkCheck(
                "MissingSecurityHeader", "Your request was missing a required header.",
                "X-Goog-Algorithm, X-Goog-Date, X-Goog-Expires and X-Goog-Signature are required",
            )  # fmt: skip
        if not self._signer.verify(signature, self._tenant_id, search_export_id, date, ttl):
            return LinkCheck(
                "SignatureDoesNotMatch",
                "Access denied.",
                "The request signature we calculated does not match the signature you provided."
                " Check your Google secret key and signing method.",
            )
        try:
            expires = parse_compact_time(date) + timedelta(seconds=int(ttl))
        except ValueError:
            return LinkCheck("AuthenticationRequired", "Access denied.", f"bad X-Goog-Date {date}")
        if now >= expires:
            return LinkCheck(
                "ExpiredToken", "Invalid argument.",
                f"Request signature expired at: {expires.strftime('%Y-%m-%dT%H:%M:%S+00:00')}",
            )  # fmt: skip
        return LinkCheck()

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {"secret": self._signer.secret, "issued": list(self._issued)}

    def restore(self, data: Any) -> None:
        if not isinstance(data, Mapping):
            raise TypeError("links must be an object")
        secret = str(data["secret"])
        bytes.fromhex(secret)  # ValueError if it is not a secret this store made
        issued = [
            {k: str(link[k]) for k in ("search_export_id", "url", "expires")}
            for link in data["issued"]
        ][-MAX_LINKS:]
        with self._lock:
            self._signer = Signer(secret)
            self._issued = issued
