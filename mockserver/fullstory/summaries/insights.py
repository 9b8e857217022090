"""Judgements drawn from :class:`~.facts.SessionFacts`: funnel stage, outcome, intent, persona.

Every judgement comes with the facts that support it, so what the summary says can be traced
back to events. Stage and intent rules read URL paths and custom event names, the signals a
storefront's sessions carry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mockserver.fullstory.summaries.facts import SessionFacts
from mockserver.fullstory.summaries.vocabulary import FUNNEL
from mockserver.fullstory.summaries.wording import quoted

_STAGE_PATHS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("purchase", re.compile(r"confirm|thank|order-complete|receipt|success", re.I)),
    ("checkout", re.compile(r"checkout|payment|billing|shipping", re.I)),
    ("cart", re.compile(r"/cart|/basket|/bag\b", re.I)),
    ("product", re.compile(r"/products?/|/p/|/item", re.I)),
    ("browse", re.compile(r"/categor|/collections?|/search|/shop|/catalog", re.I)),
)
_STAGE_EVENTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("purchase", re.compile(r"order (completed|placed)|purchase", re.I)),
    ("checkout", re.compile(r"checkout|payment info", re.I)),
    ("cart", re.compile(r"added to cart|cart viewed", re.I)),
    ("product", re.compile(r"product viewed", re.I)),
    ("browse", re.compile(r"search|list viewed|category viewed", re.I)),
)
_SUPPORT = re.compile(r"support|contact|help|faq|returns?\b|refund|order-status|track", re.I)


@dataclass(frozen=True, slots=True)
class Insights:
    """What a session's facts suggest: the funnel stage and outcome, the user's intent and
    how sure, signals and persona."""

    stage: str  # furthest funnel stage reached ("" when there are no events)
    stage_evidence: str
    outcome: str  # converted | blocked by errors | abandoned | sought support | browsed | empty
    intent: str
    confidence: float
    signals: tuple[str, ...]
    persona: str
    engagement: str  # low | medium | high
    navigation: str
    sentiment: str  # positive | neutral | negative
    drop_off: str  # the page where the session ended without converting ("" if converted)
    goal: str
    recommendations: tuple[str, ...]

    @property
    def converted(self) -> bool:
        return self.outcome == "converted"

    @property
    def abandoned(self) -> bool:
        return self.outcome in ("abandoned", "blocked by errors")

    @property
    def confidence_label(self) -> str:
        return "high" if self.confidence >= 0.8 else "medium" if self.confidence >= 0.6 else "low"


def stage_reached(facts: SessionFacts) -> tuple[str, str]:
    """The furthest funnel stage and what shows it (a page path or a custom event name)."""
    best, evidence = (0, "") if not facts.pages else (1, facts.pages[0].path)
    for page in facts.pages:
        for stage, pattern in _STAGE_PATHS:
            rank = FUNNEL.index(stage)
            if pattern.search(page.path) and rank > best:
                best, evidence = rank, page.path
    for name in facts.custom_names:
        for stage, pattern in _STAGE_EVENTS:
            rank = FUNNEL.index(stage)
            if pattern.search(name) and rank > best:
                best, evidence = rank, quoted(name)
    if not facts.event_count:
        return "", ""
    return FUNNEL[best], evidence


def support_pages(facts: SessionFacts) -> tuple[str, ...]:
    return tuple(dict.fromkeys(p.path for p in facts.pages if _SUPPORT.search(p.path)))


def product_pages(facts: SessionFacts) -> tuple[str, ...]:
    return tuple(dict.fromkeys(p.path for p in facts.pages if _STAGE_PATHS[3][1].search(p.path)))


def analyse(facts: SessionFacts) -> Insights:
    stage, evidence = stage_reached(facts)
    support = support_pages(facts)
    outcome = _outcome(facts, stage, support)
    intent, signals = _intent(facts, stage, evidence, support)
    confidence = min(0.95, round(0.5 + 0.15 * len(signals), 2)) if signals else 0.4
    last_page = facts.pages[-1].path if facts.pages else ""
    return Insights(
        stage=stage,
        stage_evidence=evidence,
        outcome=outcome,
        intent=intent,
        confidence=confidence,
        signals=signals,
        persona=_persona(facts, stage, support),
        engagement=_engagement(facts),
        navigation=_navigation(facts),
        sentiment=(
            "negative"
            if facts.has_problems
            else "positive"
            if outcome == "converted"
            else "neutral"
        ),
        drop_off="" if outcome == "converted" else last_page,
        goal=_goal(intent, stage),
        recommendations=_recommendations(facts, outcome),
    )


def _outcome(facts: SessionFacts, stage: str, support: tuple[str, ...]) -> str:
    if not facts.event_count:
        return "empty"
    if stage == "purchase":
        return "converted"
    if facts.errors or facts.failed_requests or facts.error_clicks or facts.rage_clicks:
        return "blocked by errors"
    if stage in ("cart", "checkout"):
        return "abandoned"
    if support:
        return "sought support"
    return "browsed"


def _intent(
    facts: SessionFacts, stage: str, evidence: str, support: tuple[str, ...]
) -> tuple[str, tuple[str, ...]]:
    products = product_pages(facts)
    if support and stage not in ("cart", "checkout", "purchase"):
        return "seeking support", tuple(f"visited {path}" for path in support[:3])
    if stage in ("cart", "checkout", "purchase"):
        signals = [f"reached the {stage} stage ({evidence})"]
        signals += [
            f"sent {quoted(n)}" for n in dict.fromkeys(facts.custom_names) if "cart" in n.lower()
        ]
        return "ready to buy", tuple(signals[:4])
    if len(products) >= 2:
        return "comparing", tuple(f"viewed {path}" for path in products[:4])
    if facts.searches or len(facts.pages) >= 4:
        signals = [f"searched for {quoted(term)}" for term in facts.searches[:2]]
        signals += [f"viewed {len(facts.pages)} pages"] if len(facts.pages) >= 4 else []
        return "researching", tuple(signals)
    return "exploring", (f"viewed {facts.pages[0].path}",) if facts.pages else ()


def _persona(facts: SessionFacts, stage: str, support: tuple[str, ...]) -> str:
    if support:
        return "support seeker"
    if stage in ("checkout", "purchase") and len(facts.pages) <= 6:
        return "goal-directed buyer"
    if len(facts.pages) >= 8 or len(facts.clicks) >= 25:
        return "power user"
    if len(facts.pages) >= 3:
        return "explorer"
    return "first-timer"


def _engagement(facts: SessionFacts) -> str:
    if facts.event_count > 60 or facts.duration_seconds > 900:
        return "high"
    if facts.event_count > 15 or facts.duration_seconds > 120:
        return "medium"
    return "low"


def _navigation(facts: SessionFacts) -> str:
    paths = [p.path for p in facts.pages]
    if facts.searches:
        return "search-driven"
    if len(paths) != len(set(paths)):
        return "exploratory, returning to pages already seen"
    return "linear"


def _goal(intent: str, stage: str) -> str:
    return {
        "ready to buy": "complete a purchase",
        "seeking support": "get help with an order or account",
        "comparing": "compare products",
        "researching": "learn about the products on offer",
        "exploring": "look around the site",
    }[intent]


def _recommendations(facts: SessionFacts, outcome: str) -> tuple[str, ...]:
    found: list[str] = []
    for request in dict.fromkeys((r.method, r.path, r.status) for r in facts.failed_requests):
        found.append(f"Investigate {request[0]} {request[1]} failing with HTTP {request[2]}")
    for message in dict.fromkeys(e.message for e in facts.errors if e.kind == "exception"):
        found.append(f"Fix the exception {quoted(message)}")
    for text in dict.fromkeys(c.text or c.selector for c in facts.rage_clicks):
        found.append(f"Make {quoted(text)} respond visibly when clicked")
    for text in dict.fromkeys(c.text or c.selector for c in facts.dead_clicks):
        found.append(f"Make {quoted(text)} clickable or stop it looking clickable")
    if outcome in ("abandoned", "blocked by errors"):
        found.append("Reach out to the user about the unfinished purchase")
    if outcome == "sought support":
        found.append("Follow up on the user's support request")
    return tuple(found)
