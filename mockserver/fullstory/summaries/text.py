"""The ``summary`` text: sections chosen by what the prompts ask for, worded by :mod:`.wording`.

A prompt that asks for brevity gets two or three sentences; one that asks about technical
problems gets every error with its timestamp; one about support gets every issue and the
outcome; and so on (:func:`focus_of`). Without such words the text is a synopsis: the journey,
the outcome and any problems. Every problem the text names is in the session's events, quoted
the way the facts hold it; nothing is said about what the session does not contain.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from mockserver.fullstory.summaries.facts import ClickFact, ErrorFact, FailedRequest, SessionFacts
from mockserver.fullstory.summaries.insights import Insights
from mockserver.fullstory.summaries.wording import Wording, join, plural, quoted

_FOCUS_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "brief",
        re.compile(
            r"\b(brief(ly)?|short|quick|concise|tl;?dr|(two|2)(-| to )(three|3)"
            r" sentences|one sentence)\b",
            re.I,
        ),
    ),
    ("technical", re.compile(r"technical|console|exception|network|javascript|debug", re.I)),
    ("support", re.compile(r"support|issue|frustrat|problem|troubleshoot|complain", re.I)),
    ("funnel", re.compile(r"funnel|conversion|checkout|drop-?off|blocker|purchase", re.I)),
    ("intent", re.compile(r"intent|motivation|trying to|goal", re.I)),
    ("behavior", re.compile(r"behavio|persona|engagement|navigation|pattern", re.I)),
    ("cmp", re.compile(r"\bcmp\b|consent|banner|toast|modal|error messages?", re.I)),
    ("recommend", re.compile(r"recommend|suggest|next steps?|actionable", re.I)),
    ("timestamps", re.compile(r"timestamp|timeline|when", re.I)),
    ("bullets", re.compile(r"bullet|list format|as a list", re.I)),
)
MAX_PAGES_NAMED = 8


def focus_of(pre_prompt: str, post_prompt: str) -> frozenset[str]:
    text = f"{pre_prompt}\n{post_prompt}"
    return frozenset(name for name, pattern in _FOCUS_WORDS if pattern.search(text))


@dataclass(frozen=True, slots=True)
class Mentions:
    """How problems are named; one place, so the text and tests agree on the forms."""

    timestamps: bool

    def at(self, time: str) -> str:
        return f" at {time}" if self.timestamps and time else ""

    def error(self, error: ErrorFact) -> str:
        return f"{error.kind} {quoted(error.message)}{self.at(error.time)}"

    def request(self, request: FailedRequest) -> str:
        return f"{request.method} {request.path} failed with HTTP {request.status}" + self.at(
            request.time
        )

    def click(self, click: ClickFact, what: str) -> str:
        return (
            f"{what} on {quoted(click.text or click.selector or 'an element')}{self.at(click.time)}"
        )


def render(
    facts: SessionFacts,
    insights: Insights,
    pre_prompt: str,
    post_prompt: str,
    temperature: float | None,
) -> str:
    focus = focus_of(pre_prompt, post_prompt)
    words = Wording(temperature)
    mentions = Mentions(timestamps="technical" in focus or "timestamps" in focus)
    if not facts.event_count:
        return words.pick(
            "empty",
            (
                "The selected part of the session holds no events.",
                "No events fall within the selected part of the session.",
            ),
        )
    if "brief" in focus:
        sentences = _brief(facts, insights, words, mentions)
    else:
        sentences = [_journey(facts, words)]
        for name, section in _SECTIONS:
            if name in focus:
                sentences += section(facts, insights, words, mentions)
        if not focus & {name for name, _ in _SECTIONS}:
            sentences += _issues(facts, insights, words, mentions)
        sentences.append(_outcome(insights, words))
    sentences = [s for s in dict.fromkeys(sentences) if s]
    if "bullets" in focus:
        return "\n".join(f"- {s}" for s in sentences)
    return " ".join(sentences)


def _brief(
    facts: SessionFacts, insights: Insights, words: Wording, mentions: Mentions
) -> list[str]:
    first, last = (
        facts.pages[0].path if facts.pages else "",
        facts.pages[-1].path if facts.pages else "",
    )
    visit = (
        words.say(
            "brief-visit",
            ("The user viewed {n}, from {a} to {b}.", "Across {n} the user went from {a} to {b}."),
            n=plural(len(facts.pages), "page"),
            a=first,
            b=last,
        )
        if len(facts.pages) > 1
        else words.say(
            "brief-one", ("The user stayed on {a}.", "The user remained on {a}."), a=first
        )
        if facts.pages
        else ""
    )
    problems = _problem_mentions(facts, mentions)
    issue = ""
    if problems:
        shown = problems[:3]
        more = len(problems) - len(shown)
        tail = f" and {plural(more, 'more problem')}" if more else ""
        issue = f"They ran into {join(shown)}{tail}."
    return [visit, _outcome(insights, words), issue]


def _journey(facts: SessionFacts, words: Wording) -> str:
    if not facts.pages:
        return words.say(
            "journey-none", ("The session holds {n}.",), n=plural(facts.event_count, "event")
        )
    paths = [p.path for p in facts.pages]
    named = paths[:MAX_PAGES_NAMED]
    more = len(paths) - len(named)
    route = " → ".join(named) + (f" → … ({plural(more, 'more page')})" if more else "")
    minutes = facts.duration_seconds / 60
    length = f"{minutes:.0f} minutes" if minutes >= 2 else f"{facts.duration_seconds:.0f} seconds"
    return words.say(
        "journey",
        (
            "Over {length} the user viewed {n}: {route}.",
            "In a session of {length} the user went through {n}: {route}.",
            "The user spent {length} on {n}: {route}.",
        ),
        length=length,
        n=plural(len(paths), "page"),
        route=route,
    )


def _outcome(insights: Insights, words: Wording) -> str:
    phrases = {
        "converted": (
            "The session ended with a completed purchase.",
            "The user completed a purchase.",
        ),
        "blocked by errors": (
            "The user did not finish: errors got in the way at the {stage} stage.",
            "Problems at the {stage} stage kept the user from finishing.",
        ),
        "abandoned": (
            "The user left at the {stage} stage without buying.",
            "The session ended at the {stage} stage, without a purchase.",
        ),
        "sought support": (
            "The user was looking for help.",
            "The session centred on getting help.",
        ),
        "browsed": (
            "The user browsed without starting a purchase.",
            "The visit stayed at browsing.",
        ),
        "empty": ("",),
    }[insights.outcome]
    return words.say("outcome-" + insights.outcome, phrases, stage=insights.stage)


def _problem_mentions(facts: SessionFacts, mentions: Mentions) -> list[str]:
    found = [mentions.error(e) for e in facts.errors]
    found += [mentions.request(r) for r in facts.failed_requests]
    found += [mentions.click(c, "rage clicks") for c in facts.rage_clicks]
    found += [mentions.click(c, "a dead click") for c in facts.dead_clicks]
    found += [mentions.click(c, "an error click") for c in facts.error_clicks]
    return list(dict.fromkeys(found))


def _issues(
    facts: SessionFacts, insights: Insights, words: Wording, mentions: Mentions
) -> list[str]:
    problems = _problem_mentions(facts, mentions)
    if not problems:
        return []
    lead = words.pick("issues", ("Problems seen: ", "Issues encountered: ", "The user hit "))
    return [lead + "; ".join(problems) + "."]


def _support(
    facts: SessionFacts, insights: Insights, words: Wording, mentions: Mentions
) -> list[str]:
    out = _issues(facts, insights, words, mentions)
    frustration = len(facts.rage_clicks) + len(facts.dead_clicks) + len(facts.mouse_thrash)
    if frustration:
        out.append(
            f"Frustration signals: {plural(frustration, 'signal')} "
            f"(rage clicks, dead clicks or mouse thrashing)."
        )
    return out


def _technical(
    facts: SessionFacts, insights: Insights, words: Wording, mentions: Mentions
) -> list[str]:
    out: list[str] = []
    for error in facts.errors:
        named = mentions.error(error)
        out.append(f"{named[0].upper()}{named[1:]} on {error.page}{_trigger(facts, error.time)}.")
    out += [f"Console warning {quoted(w.message)}{mentions.at(w.time)}." for w in facts.warnings]
    for request in facts.failed_requests:
        out.append(f"{mentions.request(request)} on {request.page}{_trigger(facts, request.time)}.")
    out += [
        f"Slow page load on {page}: {millis} ms{mentions.at(time)}."
        for time, page, millis in facts.slow_loads
    ]
    out += [f"The user made {mentions.click(c, 'rage clicks')}." for c in facts.rage_clicks]
    out += [f"The user made {mentions.click(c, 'an error click')}." for c in facts.error_clicks]
    return out


def _trigger(facts: SessionFacts, time: str) -> str:
    """The last click at or before ``time`` (RFC 3339 strings of one session sort by time)."""
    before = [c for c in facts.clicks if c.time <= time]
    if not before:
        return ""
    click = before[-1]
    return f", after a click on {quoted(click.text or click.selector or 'an element')}"


def _funnel(
    facts: SessionFacts, insights: Insights, words: Wording, mentions: Mentions
) -> list[str]:
    out = [f"Furthest funnel stage: {insights.stage} ({insights.stage_evidence})."]
    if insights.drop_off:
        out.append(f"Drop-off point: {insights.drop_off}.")
    blockers = [mentions.error(e) for e in facts.errors] + [
        mentions.request(r) for r in facts.failed_requests
    ]
    if blockers:
        out.append(f"Conversion blockers: {'; '.join(blockers)}.")
    hesitation = [mentions.click(c, "a dead click") for c in facts.dead_clicks]
    hesitation += [mentions.click(c, "rage clicks") for c in facts.rage_clicks]
    if hesitation:
        out.append(f"Hesitation signals: {'; '.join(hesitation)}.")
    return out


def _intent(
    facts: SessionFacts, insights: Insights, words: Wording, mentions: Mentions
) -> list[str]:
    signals = f" Signals: {'; '.join(insights.signals)}." if insights.signals else ""
    return [
        f"Intent: {insights.intent} (confidence {insights.confidence_label}, "
        f"{insights.confidence:.2f}); likely goal: {insights.goal}.{signals}"
    ]


def _behavior(
    facts: SessionFacts, insights: Insights, words: Wording, mentions: Mentions
) -> list[str]:
    features = list(dict.fromkeys(c.text for c in facts.clicks if c.text))[:5]
    used = f" Most used features: {join([quoted(f) for f in features])}." if features else ""
    return [
        f"Persona: {insights.persona}; navigation: {insights.navigation}; "
        f"engagement: {insights.engagement} ({plural(facts.event_count, 'event')}, "
        f"{plural(len(facts.clicks), 'click')}).{used}"
    ]


def _cmp(facts: SessionFacts, insights: Insights, words: Wording, mentions: Mentions) -> list[str]:
    out = [
        f"Error message shown: {quoted(text)}{mentions.at(time)}."
        for time, text in facts.visual_errors
    ]
    out += [f"Consent management issue: {issue}." for issue in facts.cmp_issues]
    out += _issues(facts, insights, words, mentions)
    return out


def _recommend(
    facts: SessionFacts, insights: Insights, words: Wording, mentions: Mentions
) -> list[str]:
    if not insights.recommendations:
        return []
    return [f"Recommendations: {'; '.join(insights.recommendations)}."]


_Section = Callable[[SessionFacts, Insights, Wording, Mentions], list[str]]
_SECTIONS: tuple[tuple[str, _Section], ...] = (
    ("behavior", _behavior),
    ("intent", _intent),
    ("funnel", _funnel),
    ("support", _support),
    ("technical", _technical),
    ("cmp", _cmp),
    ("recommend", _recommend),
)
