"""``Accept`` negotiation against the media types an operation's spec lists for its answer.

Only APIs that document more than JSON take part (a mount with ``representations``); the rest
answer JSON whatever the client asks, as FullStory does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class _Range:
    """One media range of an ``Accept`` header, with its quality and its place in the
    header."""

    kind: str  # "text" or "*"
    subtype: str  # "csv" or "*"
    quality: float
    position: int

    def specificity(self, media_type: str) -> int | None:
        """How closely this range names ``media_type`` (2 exact, 1 ``type/*``, 0 ``*/*``), or
        None when it does not cover it."""
        kind, _, subtype = media_type.partition("/")
        if self.kind == "*" and self.subtype == "*":
            return 0
        if self.kind != kind:
            return None
        if self.subtype == "*":
            return 1
        return 2 if self.subtype == subtype else None


def parse_accept(header: str) -> list[_Range]:
    """The ranges of an Accept header; malformed parts are skipped (as servers commonly do)."""
    ranges = []
    for position, part in enumerate(header.split(",")):
        media, *params = (piece.strip() for piece in part.split(";"))
        kind, slash, subtype = media.lower().partition("/")
        if not slash or not kind or not subtype:
            continue
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    quality = 0.0
        ranges.append(_Range(kind, subtype, quality, position))
    return ranges


def choose(accept: str | None, offered: Sequence[str]) -> str | None:
    """The offered media type the client prefers: highest quality (from the most specific range
    covering it), then the client's own order, then the spec's. No Accept header (or a blank
    one) takes the first offered; None when nothing offered is acceptable."""
    if not offered:
        return None
    if accept is None or not accept.strip():
        return offered[0]
    ranges = parse_accept(accept)
    best: tuple[float, int, int] | None = None
    chosen = None
    for index, media_type in enumerate(offered):
        matches = [(r.specificity(media_type), r) for r in ranges]
        covering = [(s, r) for s, r in matches if s is not None]
        if not covering:
            continue
        _, rule = max(covering, key=lambda item: (item[0], -item[1].position))
        if rule.quality <= 0:
            continue
        rank = (rule.quality, -rule.position, -index)
        if best is None or rank > best:
            best, chosen = rank, media_type
    return chosen
