"""The funnel stages and intents a summary can name. In a module of their own: the built-in
profiles' response schemas list them, and every tenant starts with those profiles, while the
insights that choose among them (and the facts they read) are needed only when a summary is
generated, not to start a server (~30 ms of imports)."""

from __future__ import annotations

FUNNEL: tuple[str, ...] = ("landing", "browse", "product", "cart", "checkout", "purchase")
INTENTS: tuple[str, ...] = (
    "exploring",
    "researching",
    "ready to buy",
    "seeking support",
    "comparing",
)
