"""The pure matching module: suggestions with reasons, and the programme's stable assignment
checked against brute force on small random programmes (every assignment enumerated)."""

from __future__ import annotations

import itertools
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from mutuals.mentorship.matching import (
    Need,
    OfferFacts,
    blocking_pairs,
    stable_assignment,
    suggest,
    words,
)

TODAY = date(2026, 11, 26)


def offer(offer_id: int, **overrides: object) -> OfferFacts:
    values: dict[str, object] = {
        "offer_id": offer_id,
        "mentor_id": 100 + offer_id,
        "topics": {"risk-management": "Risk management", "agile": "Agile"},
        "text": "Pricing schedule risk into supplier contracts; negotiating with suppliers.",
        "formats": frozenset({"call"}),
        "min_weeks": 8,
        "max_weeks": 12,
        "capacity": 2,
        "active": 0,
        "format_labels": {"call": "Video or phone calls"},
    }
    values.update(overrides)
    return OfferFacts(**values)  # type: ignore[arg-type]


NEED = Need(
    topics=frozenset({"risk-management"}),
    goals=("Negotiate supplier contracts with schedule risk priced in",),
    format="call",
    weeks=10,
)


def test_a_matching_offer_scores_high_with_a_reason_for_every_point() -> None:
    [best] = suggest(NEED, [offer(1)], today=TODAY)
    assert best.score >= 80
    assert best.reasons[0] == "Mentors on Risk management"
    assert any(r.startswith("Their offer speaks to your goals: ") for r in best.reasons)
    assert "Offers video or phone calls" in best.reasons
    assert "10 weeks fits their 8–12" in best.reasons
    assert "2 of 2 places free" in best.reasons


def test_full_and_paused_offers_are_never_suggested() -> None:
    full = offer(1, active=2)
    paused = offer(2, paused=True)
    assert suggest(NEED, [full, paused], today=TODAY) == []


def test_topics_goals_format_duration_and_room_order_the_suggestions() -> None:
    exact = offer(1)
    wrong_format = offer(2, formats=frozenset({"async"}))
    too_short = offer(3, max_weeks=8)
    busy = offer(4, capacity=4, active=3)
    later = offer(5, available_from=date(2027, 1, 10))
    unrelated = offer(6, topics={"design": "Design"}, text="Typography and layout.")
    ranked = suggest(NEED, [later, busy, too_short, wrong_format, exact, unrelated], today=TODAY)
    assert ranked[0].offer_id == 1
    assert 6 not in [s.offer_id for s in ranked]  # shares neither a topic nor a goal
    assert "Available from 10 Jan" in next(s for s in ranked if s.offer_id == 5).reasons
    assert all(s.score < ranked[0].score for s in ranked[1:])


def test_goal_words_are_stemmed_and_stop_words_dropped() -> None:
    assert words("I want to be negotiating contracts") == {"negotiat", "contract"}


# --- Stable assignment against brute force -------------------------------------------------

Programme = tuple[dict[int, list[int]], dict[int, list[int]], dict[int, int]]


@st.composite
def programmes(draw: st.DrawFn) -> Programme:
    """Up to 5 mentees (ids 1–5) and 3 mentors (ids 11–13) with capacities 1–2, each ranking
    a random subset of the other side in a random order."""
    mentees = list(range(1, draw(st.integers(1, 5)) + 1))
    mentors = list(range(11, 11 + draw(st.integers(1, 3))))
    mentee_prefs = {
        m: list(draw(st.permutations(mentors)))[: draw(st.integers(0, len(mentors)))]
        for m in mentees
    }
    mentor_prefs = {
        t: list(draw(st.permutations(mentees)))[: draw(st.integers(0, len(mentees)))]
        for t in mentors
    }
    capacities = {t: draw(st.integers(1, 2)) for t in mentors}
    return mentee_prefs, mentor_prefs, capacities


def all_stable(programme: Programme) -> list[dict[int, int]]:
    """Every assignment (mentee → acceptable mentor or nobody) within capacities, kept when
    it has no blocking pair."""
    mentee_prefs, mentor_prefs, capacities = programme
    mentees = sorted(mentee_prefs)
    options = [
        [None, *[t for t in mentee_prefs[m] if m in mentor_prefs.get(t, [])]] for m in mentees
    ]
    stable = []
    for choice in itertools.product(*options):
        assignment = {m: t for m, t in zip(mentees, choice, strict=True) if t is not None}
        loads = [list(assignment.values()).count(t) for t in capacities]
        if any(load > capacities[t] for load, t in zip(loads, capacities, strict=True)):
            continue
        if not blocking_pairs(assignment, mentee_prefs, mentor_prefs, capacities):
            stable.append(assignment)
    return stable


def rank_of(prefs: list[int], mentor: int | None) -> int:
    return prefs.index(mentor) if mentor is not None else len(prefs)


@settings(max_examples=300, deadline=None)
@given(programmes())
def test_deferred_acceptance_is_the_mentee_optimal_stable_assignment(programme: Programme) -> None:
    mentee_prefs, mentor_prefs, capacities = programme
    result = stable_assignment(mentee_prefs, mentor_prefs, capacities)
    # Only mutually acceptable pairs, within every capacity.
    for mentee, mentor in result.items():
        assert mentor in mentee_prefs[mentee]
        assert mentee in mentor_prefs[mentor]
    for mentor, capacity in capacities.items():
        assert list(result.values()).count(mentor) <= capacity
    # No blocking pair.
    assert blocking_pairs(result, mentee_prefs, mentor_prefs, capacities) == []
    # It is one of the stable assignments brute force finds, and every mentee likes it at
    # least as well as any other stable assignment.
    stable = all_stable(programme)
    assert result in stable
    for other in stable:
        for mentee, prefs in mentee_prefs.items():
            assert rank_of(prefs, result.get(mentee)) <= rank_of(prefs, other.get(mentee))


def test_a_mentor_at_capacity_keeps_the_mentees_they_rank_highest() -> None:
    mentee_prefs = {1: [11], 2: [11], 3: [11, 12]}
    mentor_prefs = {11: [3, 2, 1], 12: [3]}
    result = stable_assignment(mentee_prefs, mentor_prefs, {11: 2, 12: 1})
    assert result == {3: 11, 2: 11}


def test_unranked_pairs_are_never_assigned() -> None:
    assert stable_assignment({1: [11]}, {11: []}, {11: 3}) == {}
    assert stable_assignment({1: []}, {11: [1]}, {11: 3}) == {}


def test_blocking_pairs_names_who_would_rather_be_together() -> None:
    mentee_prefs = {1: [11, 12], 2: [11]}
    mentor_prefs = {11: [1, 2], 12: [1]}
    assert blocking_pairs({1: 12, 2: 11}, mentee_prefs, mentor_prefs, {11: 1, 12: 1}) == [(1, 11)]
