"""Mentor matching, pure Python (no Django): suggestions for one mentee and stable assignment
for a programme.

Suggestions (`suggest`) score each open offer for a mentee's need, 0–100, from named weights:
topic overlap (the share of the mentee's topics the mentor offers), goals against the offer
(the share of the goals' meaningful words the offer's text speaks to), the preferred format
and duration, and room (free seats, and whether the mentor is available now). Full or paused
offers are never suggested. Every point comes with a reason a person can read.

Stable assignment (`stable_assignment`) is capacitated deferred acceptance with mentees
proposing (Gale–Shapley; Roth's college-admissions form): each mentee proposes down their
ranking, each mentor holds the best proposals up to their capacity and lets the rest go.
Only pairs who ranked each other are acceptable. The result has no blocking pair, respects
every capacity, and is the mentee-optimal stable assignment: no stable assignment gives any
mentee a mentor they rank higher (tested against brute force in tests/test_matching.py).
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

# --- Suggestion weights (they add up to 100) --------------------------------------------
TOPIC_WEIGHT = 40
GOALS_WEIGHT = 25
FORMAT_WEIGHT = 10
DURATION_WEIGHT = 10
ROOM_WEIGHT = 15
# An offer whose mentor is only available from a later date loses this much.
LATER_PENALTY = 10
MAX_SUGGESTIONS = 10

_WORD = re.compile(r"[a-z0-9][a-z0-9+#.-]*[a-z0-9+#]|[a-z0-9]")
_STOPWORD_TEXT = """
    a about above after again all also am an and any are as at be been before being below
    better between both but by can could did do does doing down during each few for from
    further get getting good had has have having help how i if in into is it its itself just
    learn learning like make me more most my myself need new no nor not of off on once only or
    other our out over own really same should so some such than that the their them then
    there these they this those through to too under until up very want was we well were what
    when where which while who why will with would you your able way ways better become
    understand confident confidence"""
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())


def _stem(word: str) -> str:
    for suffix in ("ations", "ation", "ings", "ing", "ies", "ers", "er", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def words(text: str) -> set[str]:
    """The meaningful word stems of a text (lower-cased, stop words dropped)."""
    return {_stem(w) for w in _WORD.findall(text.lower()) if w not in _STOPWORDS and len(w) > 2}


@dataclass(frozen=True)
class Need:
    """What a mentee asks for."""

    topics: frozenset[str]  # topic slugs
    goals: tuple[str, ...] = ()
    format: str = ""
    weeks: int | None = None


@dataclass(frozen=True)
class OfferFacts:
    """What matching knows of one mentor offer."""

    offer_id: int
    mentor_id: int
    topics: Mapping[str, str]  # slug → name
    text: str  # title and description
    formats: frozenset[str]
    min_weeks: int
    max_weeks: int
    capacity: int
    active: int
    paused: bool = False
    available_from: date | None = None
    format_labels: Mapping[str, str] = field(default_factory=dict)

    @property
    def free_seats(self) -> int:
        return max(self.capacity - self.active, 0)


@dataclass(frozen=True)
class Suggestion:
    offer_id: int
    mentor_id: int
    score: int
    reasons: tuple[str, ...]


def score_offer(need: Need, offer: OfferFacts, *, today: date) -> Suggestion | None:
    """Score one offer for one need; None when it cannot take the mentee (paused or full)."""
    if offer.paused or offer.free_seats <= 0:
        return None
    reasons: list[str] = []
    score = 0.0
    shared = [offer.topics[slug] for slug in sorted(need.topics) if slug in offer.topics]
    if need.topics:
        score += TOPIC_WEIGHT * len(shared) / len(need.topics)
    if shared:
        reasons.append(f"Mentors on {', '.join(shared)}")
    goal_words = words(" ".join(need.goals))
    if goal_words:
        offer_words = words(offer.text) | words(" ".join(offer.topics.values()))
        hits = sorted(goal_words & offer_words)
        score += GOALS_WEIGHT * len(hits) / len(goal_words)
        if hits:
            reasons.append(f"Their offer speaks to your goals: {', '.join(hits[:4])}")
    if need.format and need.format in offer.formats:
        score += FORMAT_WEIGHT
        reasons.append(f"Offers {offer.format_labels.get(need.format, need.format).lower()}")
    if need.weeks is not None and offer.min_weeks <= need.weeks <= offer.max_weeks:
        score += DURATION_WEIGHT
        reasons.append(f"{need.weeks} weeks fits their {offer.min_weeks}–{offer.max_weeks}")
    score += ROOM_WEIGHT * offer.free_seats / offer.capacity
    reasons.append(
        f"{offer.free_seats} of {offer.capacity} place{'s' if offer.capacity != 1 else ''} free"
    )
    if offer.available_from and offer.available_from > today:
        score -= LATER_PENALTY
        reasons.append(f"Available from {offer.available_from:%d %b}")
    final = max(0, min(100, round(score)))
    return Suggestion(offer.offer_id, offer.mentor_id, final, tuple(reasons))


def suggest(
    need: Need, offers: Iterable[OfferFacts], *, today: date, limit: int = MAX_SUGGESTIONS
) -> list[Suggestion]:
    """The best offers for a need, best first (ties by offer id, so the order is stable).
    Offers sharing neither a topic nor a goal word are left out: they are not a match."""
    scored = [
        s
        for offer in offers
        if (s := score_offer(need, offer, today=today)) is not None
        and any(r.startswith(("Mentors on", "Their offer speaks")) for r in s.reasons)
    ]
    scored.sort(key=lambda s: (-s.score, s.offer_id))
    return scored[:limit]


# --- Stable assignment ------------------------------------------------------------------


def _dedupe(ranking: Sequence[int]) -> list[int]:
    seen: set[int] = set()
    return [x for x in ranking if not (x in seen or seen.add(x))]  # type: ignore[func-returns-value]


def stable_assignment(
    mentee_prefs: Mapping[int, Sequence[int]],
    mentor_prefs: Mapping[int, Sequence[int]],
    capacities: Mapping[int, int],
) -> dict[int, int]:
    """Mentee-proposing deferred acceptance with mentor capacities: mentee → mentor.

    A pair is acceptable when each ranked the other; mentees left without an acceptable
    mentor with room stay unassigned (absent from the result). Deterministic: mentees propose
    in id order, rankings are read first-to-last and repeats ignored."""
    prefs = {m: _dedupe(r) for m, r in mentee_prefs.items()}
    rank = {t: {m: i for i, m in enumerate(_dedupe(r))} for t, r in mentor_prefs.items()}
    held: dict[int, list[int]] = {t: [] for t in rank}
    next_choice = dict.fromkeys(prefs, 0)
    free = deque(sorted(prefs))
    while free:
        mentee = free.popleft()
        ranking = prefs[mentee]
        while next_choice[mentee] < len(ranking):
            mentor = ranking[next_choice[mentee]]
            next_choice[mentee] += 1
            if mentor not in rank or mentee not in rank[mentor] or capacities.get(mentor, 0) < 1:
                continue
            held[mentor].append(mentee)
            if len(held[mentor]) <= capacities[mentor]:
                break
            worst = max(held[mentor], key=rank[mentor].__getitem__)
            held[mentor].remove(worst)
            if worst != mentee:
                free.append(worst)
                break
    return {mentee: mentor for mentor, mentees in held.items() for mentee in mentees}


def blocking_pairs(
    assignment: Mapping[int, int],
    mentee_prefs: Mapping[int, Sequence[int]],
    mentor_prefs: Mapping[int, Sequence[int]],
    capacities: Mapping[int, int],
) -> list[tuple[int, int]]:
    """Pairs (mentee, mentor) who would both rather be together than with what they have: the
    mentee is unassigned or ranks the mentor above theirs, and the mentor has a free place or
    ranks the mentee above one of theirs. Empty for a stable assignment."""
    rank = {t: {m: i for i, m in enumerate(_dedupe(r))} for t, r in mentor_prefs.items()}
    by_mentor: dict[int, list[int]] = {t: [] for t in rank}
    for mentee, mentor in assignment.items():
        by_mentor.setdefault(mentor, []).append(mentee)
    pairs = []
    for mentee, ranking in mentee_prefs.items():
        ranking = _dedupe(ranking)
        current = assignment.get(mentee)
        better = ranking[: ranking.index(current)] if current in ranking else ranking
        for mentor in better:
            if mentor not in rank or mentee not in rank[mentor] or capacities.get(mentor, 0) < 1:
                continue
            theirs = by_mentor.get(mentor, [])
            if len(theirs) < capacities[mentor] or any(
                rank[mentor][mentee] < rank[mentor][other] for other in theirs
            ):
                pairs.append((mentee, mentor))
    return pairs
