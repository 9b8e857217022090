"""FullStory identifiers: session ids, and the invertible codecs behind every generated id.

Every generated id (device id, session id, customer session uid, app user id, e-mail token) is a
keyed Feistel permutation of a dense index, so looking an entity up by its id is O(1): invert the
id, regenerate the entity from the index, and check the regenerated id is the one asked for.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from mockserver.core.rng import FeistelPermutation, SeedFamily, derive_seed

INT64_MAX = 2**63 - 1
# 62-bit permutations: every id is positive and below 2**63, so it is a valid int64.
ID_HALF_BITS = 31
ID_MASK = (1 << (2 * ID_HALF_BITS)) - 1
# E-mail tokens are short on purpose (realistic "jane.doe.48213@" addresses): a 30-bit domain
# covers the largest supported population (10**9 users < 2**30).
EMAIL_HALF_BITS = 15
EMAIL_DOMAIN = 1 << (2 * EMAIL_HALF_BITS)
# A user has at most this many sessions; (user index, session number) packs into one value.
MAX_SESSIONS_PER_USER = 64
USER_UID_PREFIX = "usr_"
_USER_UID_WIDTH = 12  # 36**12 > 2**62, so every token fits in 12 base36 digits
_BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz"

_DIGITS = re.compile(r"[0-9]{1,19}")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


class InvalidSessionId(ValueError):
    """A session id that is not ``DeviceID:SessionID`` (int64s) nor ``uuid:uuid``."""


@dataclass(frozen=True, slots=True)
class SessionId:
    """A FullStory session id: ``DeviceID:SessionID`` or the Client ID form ``uuid:uuid``."""

    user_part: str
    session_part: str

    def __str__(self) -> str:
        return f"{self.user_part}:{self.session_part}"

    @property
    def is_numeric(self) -> bool:
        return self.user_part.isdigit() and self.session_part.isdigit()


def parse_session_id(raw: str) -> SessionId:
    """Parse an already URL-decoded session id; raises :class:`InvalidSessionId` when malformed."""
    parts = raw.split(":")
    if len(parts) != 2:
        raise InvalidSessionId(f"session id {raw!r} must be two parts separated by one ':'")
    user_part, session_part = parts
    if not user_part or not session_part:
        raise InvalidSessionId(f"session id {raw!r} has an empty part")
    if _DIGITS.fullmatch(user_part) and _DIGITS.fullmatch(session_part):
        for part in parts:
            if int(part) > INT64_MAX:
                raise InvalidSessionId(f"session id part {part!r} overflows int64")
        return SessionId(user_part, session_part)
    if _UUID.fullmatch(user_part) and _UUID.fullmatch(session_part):
        return SessionId(user_part.lower(), session_part.lower())
    raise InvalidSessionId(
        f"session id {raw!r} must be 'DeviceID:SessionID' (decimal int64s) or 'uuid:uuid'"
    )


def to_base36(value: int, width: int = 0) -> str:
    digits: list[str] = []
    while value:
        value, rem = divmod(value, 36)
        digits.append(_BASE36[rem])
    return "".join(reversed(digits)).rjust(width, "0") or "0"


def _parse_int(text: str, base: int) -> int | None:
    try:
        return int(text, base)
    except ValueError:
        return None


class IdCodec:
    """Turns dense indexes into realistic ids and back, in O(1), for one world seed.

    Decoders return ``None`` for anything they cannot invert; callers still regenerate the
    entity and compare ids, so a decoder may be permissive without ever giving a wrong answer.
    """

    __slots__ = ("_device", "_email", "_filler", "_session", "_session_uid", "_user_uid")

    def __init__(self, seed: int) -> None:
        self._device = FeistelPermutation(derive_seed(seed, "ids", "device"), ID_HALF_BITS)
        self._session = FeistelPermutation(derive_seed(seed, "ids", "session"), ID_HALF_BITS)
        self._session_uid = FeistelPermutation(
            derive_seed(seed, "ids", "session-uid"), ID_HALF_BITS
        )
        self._user_uid = FeistelPermutation(derive_seed(seed, "ids", "user-uid"), ID_HALF_BITS)
        self._email = FeistelPermutation(derive_seed(seed, "ids", "email"), EMAIL_HALF_BITS)
        # derive_seed(seed, "ids", "session-uid-filler", value), its prefix hashed once.
        self._filler = SeedFamily(seed, "ids", "session-uid-filler")

    # -- users -------------------------------------------------------------------------------

    def device_id(self, index: int) -> str:
        return str(self._device.forward(index))

    def index_from_device_id(self, device_id: str) -> int | None:
        value = _parse_int(device_id, 10) if device_id.isdigit() else None
        if value is None or value > ID_MASK:
            return None
        return self._device.inverse(value)

    def user_uid(self, index: int) -> str:
        return USER_UID_PREFIX + to_base36(self._user_uid.forward(index), _USER_UID_WIDTH)

    def index_from_user_uid(self, uid: str) -> int | None:
        token = uid[len(USER_UID_PREFIX) :] if uid.startswith(USER_UID_PREFIX) else ""
        if len(token) != _USER_UID_WIDTH or not token.isalnum() or not token.isascii():
            return None
        value = _parse_int(token, 36)
        if value is None or value > ID_MASK:
            return None
        return self._user_uid.inverse(value)

    def email_token(self, index: int) -> str:
        return str(self._email.forward(index))

    def index_from_email_token(self, token: str) -> int | None:
        value = _parse_int(token, 10) if token.isdigit() and len(token) <= 10 else None
        if value is None or value >= EMAIL_DOMAIN:
            return None
        return self._email.inverse(value)

    # -- sessions ----------------------------------------------------------------------------

    def session_part(self, index: int, number: int) -> str:
        return str(self._session.forward(_pack(index, number)))

    def decode_session_part(self, session_part: str) -> tuple[int, int] | None:
        value = _parse_int(session_part, 10) if session_part.isdigit() else None
        if value is None or value > ID_MASK:
            return None
        return divmod(self._session.inverse(value), MAX_SESSIONS_PER_USER)

    def session_uid(self, index: int, number: int) -> str:
        """A UUIDv4-shaped customer session id whose low 62 bits carry the permuted value.

        The other 60 free bits are a keyed hash of that value, so the UUID looks random.
        """
        value = self._session_uid.forward(_pack(index, number))
        filler = self._filler.member(value) >> 4  # 60 bits
        bits = (filler >> 12) << 80 | 0x4 << 76 | (filler & 0xFFF) << 64 | 0b10 << 62 | value
        # str(uuid.UUID(int=bits)), without building the UUID (one per session of a scan).
        hexed = f"{bits:032x}"
        return f"{hexed[:8]}-{hexed[8:12]}-{hexed[12:16]}-{hexed[16:20]}-{hexed[20:]}"

    def decode_session_uid(self, session_uid: str) -> tuple[int, int] | None:
        if not _UUID.fullmatch(session_uid):
            return None
        bits = uuid.UUID(session_uid).int
        return divmod(self._session_uid.inverse(bits & ID_MASK), MAX_SESSIONS_PER_USER)


def _pack(index: int, number: int) -> int:
    if not 0 <= number < MAX_SESSIONS_PER_USER:
        raise ValueError(f"session number {number} is outside 0..{MAX_SESSIONS_PER_USER - 1}")
    return index * MAX_SESSIONS_PER_USER + number


def stable_int63(*labels: object) -> int:
    """A positive int64 derived from ``labels`` alone (ids of pinned entities, view ids)."""
    return derive_seed(0, "stable-id", *labels) & ID_MASK
