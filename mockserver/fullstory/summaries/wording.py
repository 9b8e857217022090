"""Phrasing, chosen deterministically.

A real model words the same facts differently as the temperature rises. Here each phrase has a
few variants; at a low temperature (<= 0.2) the first is always used, above that a hash of the
temperature and the phrase's key picks one. Same inputs, same bytes; another temperature may
give other words for the same facts.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

STEADY_TEMPERATURE = 0.2


class Wording:
    def __init__(self, temperature: float | None) -> None:
        self.temperature = 0.0 if temperature is None else float(temperature)

    def pick(self, key: str, variants: Sequence[str]) -> str:
        if self.temperature <= STEADY_TEMPERATURE or len(variants) == 1:
            return variants[0]
        digest = hashlib.sha256(f"{key}|{self.temperature:.3f}".encode()).digest()
        return variants[int.from_bytes(digest[:4], "big") % len(variants)]

    def say(self, key: str, variants: Sequence[str], **values: object) -> str:
        return self.pick(key, variants).format(**values)


def plural(count: int, singular: str, many: str | None = None) -> str:
    return f"{count} {singular if count == 1 else (many or singular + 's')}"


def join(items: Sequence[str], conjunction: str = "and") -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


def quoted(text: str) -> str:
    """Text inside double quotes, with inner double quotes made single (mentions stay parseable)."""
    return '"' + text.replace('"', "'") + '"'
