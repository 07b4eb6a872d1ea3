"""Relationship strength, tiers and states (mutuals.strength.model): properties with
hypothesis, a slow per-interaction reference for the vectorized code, and a check on real
data — the e-mails of one department of a European research institution
(tests/data/email-eu-core-dept3-temporal: 12,216 e-mails among 89 people, 802 days)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from mutuals.strength import model
from mutuals.strength.model import (
    CADENCE_DAYS,
    KIND_BY_NAME,
    TIER_SIZES,
    Kind,
    assign_tiers,
    relationship_state,
    relationship_strengths,
)
from tests.datasets import DATA_DIR as DATA

DAY = model.SECONDS_PER_DAY
NOW = 1_800_000_000.0
FAST = settings(max_examples=60, deadline=None)

# One interaction: (seconds after its conversation starts, from_member, kind).
message = st.tuples(
    st.floats(min_value=1, max_value=3_600),
    st.booleans(),
    st.sampled_from(list(Kind)),
)
# A conversation: the days since the previous one started (always more than the conversation
# gap, so conversations are unambiguous) and its interactions in order.
conversation = st.tuples(
    st.floats(min_value=model.CONVERSATION_GAP_DAYS + 1, max_value=120),
    st.lists(message, min_size=1, max_size=5),
)
history = st.lists(conversation, min_size=1, max_size=6)


def flatten(conversations):
    """(times, from_member, kinds, conversation number) of a generated history, in time order,
    ending at most 400 days before NOW."""
    times, mine, kinds, which = [], [], [], []
    start = NOW - 400 * DAY - sum(gap for gap, _ in conversations) * DAY
    for number, (gap, items) in enumerate(conversations):
        start += gap * DAY
        offset = 0.0
        for step, from_member, kind in items:
            offset += step
            times.append(start + offset)
            mine.append(from_member)
            kinds.append(int(kind))
            which.append(number)
    return (
        np.array(times),
        np.array(mine, dtype=np.bool_),
        np.array(kinds, dtype=np.int8),
        np.array(which),
    )


def score(times, mine, kinds, *, started=None, now=NOW):
    """Strength of a single tie."""
    started = times.min() - 30 * DAY if started is None else started
    return relationship_strengths(
        pair_index=np.zeros(times.shape[0], dtype=np.int64),
        timestamps=times,
        from_member=mine,
        kinds=kinds,
        tie_started=np.array([started]),
        now=now,
    )[0]


# --- the contract ----------------------------------------------------------------------------


def test_kind_names_and_codes_are_the_contract():
    assert list(KIND_BY_NAME) == [
        "message",
        "reply",
        "comment",
        "reaction",
        "reshare",
        "shared_event",
        "meeting",
        "call",
        "introduction",
        "mentorship_checkin",
        "collaboration",
        "other",
    ]
    assert [int(kind) for kind in KIND_BY_NAME.values()] == list(range(12))


def test_constants_are_consistent():
    assert math.isclose(sum(model.COMPONENT_WEIGHTS.values()), 1.0)
    assert set(model.COMPONENT_WEIGHTS) == set(model.COMPONENTS)
    # A deeper kind never turns a two-way exchange into a one-way act.
    assert min(model.KIND_WEIGHTS[k] for k in model.MUTUAL_KINDS) > max(
        w for k, w in model.KIND_WEIGHTS.items() if k not in model.MUTUAL_KINDS
    )
    assert TIER_SIZES == (("inner", 5), ("close", 15), ("active", 50), ("wider", 150))
    assert CADENCE_DAYS == {
        "inner": 14,
        "close": 30,
        "active": 90,
        "wider": 180,
        "acquaintance": 365,
    }


@pytest.mark.parametrize(
    ("change", "message_fragment"),
    [
        ({"kinds": np.array([0, 12], dtype=np.int8)}, "kinds"),
        ({"pair_index": np.array([0, 2], dtype=np.int64)}, "pair_index"),
        ({"pair_index": np.array([0, -1], dtype=np.int64)}, "pair_index"),
        ({"timestamps": np.array([NOW])}, "1-D and equal"),
        ({"timestamps": np.array([NOW, np.nan])}, "finite"),
        ({"now": math.inf}, "finite"),
    ],
)
def test_bad_input_is_refused(change, message_fragment):
    arguments: dict[str, Any] = {
        "pair_index": np.array([0, 1], dtype=np.int64),
        "timestamps": np.array([NOW - DAY, NOW]),
        "from_member": np.array([True, False]),
        "kinds": np.array([0, 1], dtype=np.int8),
        "tie_started": np.array([NOW - 9 * DAY, NOW - 9 * DAY]),
        "now": NOW,
    } | change
    with pytest.raises(ValueError, match=message_fragment):
        relationship_strengths(**arguments)


# --- range, symmetry, independence -----------------------------------------------------------


@FAST
@given(
    st.lists(
        st.tuples(
            st.integers(0, 6),
            st.floats(NOW - 3_000 * DAY, NOW + 5 * DAY),
            st.booleans(),
            st.sampled_from(list(Kind)),
        ),
        max_size=60,
    ),
    st.lists(st.floats(NOW - 4_000 * DAY, NOW + DAY), min_size=7, max_size=7),
)
def test_strengths_lie_in_0_1_and_are_the_same_from_both_ends(rows, started):
    """Any ledger, including silent ties, future timestamps and ties started in the future."""
    pair = np.array([row[0] for row in rows], dtype=np.int64)
    times = np.array([row[1] for row in rows], dtype=np.float64)
    mine = np.array([row[2] for row in rows], dtype=np.bool_)
    kinds = np.array([int(row[3]) for row in rows], dtype=np.int8)
    arguments: dict[str, Any] = {
        "pair_index": pair,
        "timestamps": times,
        "kinds": kinds,
        "tie_started": np.array(started),
        "now": NOW,
    }
    forward = relationship_strengths(from_member=mine, **arguments)
    backward = relationship_strengths(from_member=~mine, **arguments)
    assert forward.shape == (7,)
    assert ((forward > 0) & (forward <= 1)).all()
    np.testing.assert_allclose(forward, backward)
    silent = np.bincount(pair, minlength=7) == 0
    if silent.any() and (~silent).any():
        # every tie with an interaction outranks every silent one
        assert forward[~silent].min() > forward[silent].max()


@FAST
@given(history, history, st.randoms(use_true_random=False))
def test_each_tie_is_scored_on_its_own_whatever_the_input_order(first, second, random):
    a = flatten(first)[:3]
    b_times, b_mine, b_kinds, _ = flatten(second)
    b = (b_times + 0.5, b_mine, b_kinds)  # distinct from the first tie's times
    alone = [score(*a), score(*b)]
    times = np.r_[a[0], b[0]]
    assume(np.unique(times).shape[0] == times.shape[0])  # equal times keep input order
    order = np.array(random.sample(range(times.shape[0]), times.shape[0]))
    together = relationship_strengths(
        pair_index=np.r_[np.zeros(a[0].shape[0]), np.ones(b[0].shape[0])].astype(np.int64)[order],
        timestamps=times[order],
        from_member=np.r_[a[1], b[1]][order],
        kinds=np.r_[a[2], b[2]][order],
        tie_started=np.array([a[0].min() - 30 * DAY, b[0].min() - 30 * DAY]),
        now=NOW,
    )
    np.testing.assert_allclose(together, alone)


# --- monotonicity: all else equal, never lower -----------------------------------------------


@FAST
@given(history, st.floats(min_value=1, max_value=399))
def test_more_recent_interactions_never_lower_strength(conversations, days_later):
    times, mine, kinds, _ = flatten(conversations)
    started = times.min() - 30 * DAY
    before = score(times, mine, kinds, started=started)
    after = score(times + days_later * DAY, mine, kinds, started=started)
    assert after >= before - 1e-12


@FAST
@given(history, st.data())
def test_the_quieter_side_opening_a_conversation_never_lowers_strength(conversations, data):
    """Mirror one conversation opened by the side that opens more often: the same times,
    kinds and turns, only who reached out changes, and the balance improves."""
    times, mine, kinds, which = flatten(conversations)
    openers = np.array([mine[which == number][0] for number in range(len(conversations))])
    member_opens = int(openers.sum())
    other_opens = openers.shape[0] - member_opens
    assume(member_opens != other_opens)
    majority = member_opens > other_opens
    candidates = [n for n in range(openers.shape[0]) if openers[n] == majority]
    chosen = data.draw(st.sampled_from(candidates))
    mirrored = mine.copy()
    mirrored[which == chosen] = ~mirrored[which == chosen]
    assert score(times, mirrored, kinds) >= score(times, mine, kinds) - 1e-12


@FAST
@given(history, st.data())
def test_an_answer_instead_of_a_second_message_never_lowers_strength(conversations, data):
    """Within a conversation, a message in the middle of one side's run becomes the other
    side's answer: the same conversations and openers, more turns."""
    times, mine, kinds, which = flatten(conversations)
    candidates = [
        i
        for i in range(1, times.shape[0])
        if which[i] == which[i - 1]
        and mine[i] == mine[i - 1]
        and (i + 1 == times.shape[0] or which[i + 1] != which[i] or mine[i + 1] == mine[i])
    ]
    assume(candidates)
    i = data.draw(st.sampled_from(candidates))
    answered = mine.copy()
    answered[i] = ~answered[i]
    assert score(times, answered, kinds) >= score(times, mine, kinds) - 1e-12


@FAST
@given(history, st.data())
def test_a_deeper_kind_of_interaction_never_lowers_strength(conversations, data):
    """One interaction becomes a weightier kind (a reaction becomes a call); the tie keeps at
    least as many distinct kinds (multiplexity is measured separately)."""
    times, mine, kinds, _ = flatten(conversations)
    i = data.draw(st.integers(0, times.shape[0] - 1))
    heavier = [k for k in Kind if model.KIND_WEIGHTS[k] > model.KIND_WEIGHTS[Kind(int(kinds[i]))]]
    assume(heavier)
    deeper = kinds.copy()
    deeper[i] = data.draw(st.sampled_from(heavier))
    assume(np.unique(deeper).shape[0] >= np.unique(kinds).shape[0])
    assert score(times, mine, deeper) >= score(times, mine, kinds) - 1e-12


def components_of_one_tie(times, mine, kinds, *, started, now=NOW):
    return {
        name: values[0]
        for name, values in model.relationship_components(
            pair_index=np.zeros(times.shape[0], dtype=np.int64),
            timestamps=times,
            from_member=mine,
            kinds=kinds,
            tie_started=np.array([started]),
            now=now,
        ).items()
    }


@FAST
@given(
    st.lists(
        st.tuples(
            st.integers(0, 3),
            st.floats(NOW - 3_000 * DAY, NOW + 5 * DAY),
            st.booleans(),
            st.sampled_from(list(Kind)),
        ),
        max_size=60,
    ),
    st.lists(st.floats(NOW - 4_000 * DAY, NOW + DAY), min_size=4, max_size=4),
)
def test_every_component_lies_in_0_1(rows, started):
    """Including the rhythm-based frequency for ties born in the future, clock skew and
    ties with thousands of days between conversations."""
    components = model.relationship_components(
        pair_index=np.array([row[0] for row in rows], dtype=np.int64),
        timestamps=np.array([row[1] for row in rows], dtype=np.float64),
        from_member=np.array([row[2] for row in rows], dtype=np.bool_),
        kinds=np.array([int(row[3]) for row in rows], dtype=np.int8),
        tie_started=np.array(started),
        now=NOW,
    )
    for name, values in components.items():
        assert values.shape == (4,), name
        assert np.isfinite(values).all(), name
        assert (values >= 0).all(), name
        assert (values <= 1).all(), name
    interacted = np.bincount([row[0] for row in rows], minlength=4) > 0
    assert (components["frequency"][~interacted] == 0).all()
    assert (components["frequency"][interacted] < 1).all()


@FAST
@given(history, st.booleans(), st.sampled_from(list(Kind)))
def test_a_conversation_today_never_lowers_frequency(conversations, from_member, kind):
    """However overdue a tie was, getting back in touch now raises its rhythm's estimate:
    one more contact, and the silence it ends no longer counts against it."""
    times, mine, kinds, _ = flatten(conversations)
    started = times.min() - 30 * DAY
    before = components_of_one_tie(times, mine, kinds, started=started)["frequency"]
    after = components_of_one_tie(
        np.r_[times, NOW],
        np.r_[mine, from_member],
        np.r_[kinds, np.int8(kind)],
        started=started,
    )["frequency"]
    assert after >= before - 1e-12


def test_silence_is_judged_against_the_ties_own_rhythm():
    """Eight weeks without a word: overdue for a tie that talked every week for a year, about
    on time for one that talked every six weeks. The weekly tie had more contact, yet its
    frequency is lower; once the weekly tie is back in touch it is far ahead again."""
    last = NOW - 56 * DAY
    started = last - 365 * DAY

    def frequency(gap_days, end):
        times = np.arange(end - 364 * DAY, end + 1, gap_days * DAY)
        n = times.shape[0]
        return components_of_one_tie(
            times, np.ones(n, dtype=np.bool_), np.zeros(n, dtype=np.int8), started=started
        )["frequency"]

    weekly_silent, six_weekly_silent = frequency(7, last), frequency(42, last)
    assert weekly_silent < 0.5 * six_weekly_silent
    assert frequency(7, NOW) > 0.9 > six_weekly_silent
    # one old contact is no rhythm at all
    lone = components_of_one_tie(
        np.array([NOW - 300 * DAY]),
        np.array([True]),
        np.zeros(1, dtype=np.int8),
        started=NOW - 301 * DAY,
    )["frequency"]
    assert lone < 0.01


def test_worked_examples_order_as_a_person_would():
    """A recent back-and-forth with a meeting beats the same volume of unanswered messages,
    which beats one old message; a tie never written to is weakest."""
    minute = 60.0
    recent = NOW - 3 * DAY
    kinds = np.array([Kind.MESSAGE, Kind.REPLY, Kind.MESSAGE, Kind.MEETING], dtype=np.int8)
    times = recent + np.arange(4) * minute
    exchange = score(times, np.array([True, False, True, False]), kinds)
    one_sided = score(times, np.array([True, True, True, True]), np.zeros(4, dtype=np.int8))
    old = score(np.array([NOW - 300 * DAY]), np.array([True]), np.zeros(1, dtype=np.int8))
    silent = relationship_strengths(
        pair_index=np.zeros(0, dtype=np.int64),
        timestamps=np.zeros(0),
        from_member=np.zeros(0, dtype=np.bool_),
        kinds=np.zeros(0, dtype=np.int8),
        tie_started=np.array([NOW - 10 * DAY, NOW - 1_000 * DAY]),
        now=NOW,
    )
    assert exchange > one_sided > old > silent.max()
    # the silent floor fades with the tie's age but stays positive
    assert model.MIN_STRENGTH <= silent[1] < silent[0] <= model.SILENT_CEILING


# --- the vectorized code against a per-interaction reference ---------------------------------


def reference_rhythm(conversations, started, now):
    """The frequency component of one tie, term by term (MBG/NBD, documented in the module)."""
    r, alpha = model.RHYTHM_PRIOR_CONVERSATIONS, model.RHYTHM_PRIOR_DAYS
    a, b = model.DROPOUT_PRIOR_A, model.DROPOUT_PRIOR_B
    birth = min(started, conversations[0][0])
    repeats = [(t, w) for t, w in conversations if t > birth]
    x = len(repeats)
    x_weighted = sum(w for _, w in repeats)
    age = (now - birth) / DAY
    last_repeat = (repeats[-1][0] - birth) / DAY if repeats else 0.0
    odds_lapsed = a / (b + x) * ((alpha + age) / (alpha + last_repeat)) ** (r + x)
    still_active = 1 / (1 + odds_lapsed)
    horizon = model.FREQUENCY_HORIZON_DAYS
    contact_if_active = 1 - ((alpha + age) / (alpha + age + horizon)) ** (r + x_weighted)
    return still_active * contact_if_active


def reference_components(pair, times, mine, kinds, started, now):
    """The documented formulas, one interaction at a time (slow, obvious)."""
    n_ties = started.shape[0]
    out = {name: [0.0] * n_ties for name in model.COMPONENTS}
    half = model.HALF_LIFE_DAYS
    for tie in range(n_ties):
        age = max(now - started[tie], 0.0) / DAY
        out["age"][tie] = age / (age + model.AGE_HALF_SATURATION_DAYS)
        rows = sorted((t, i) for i, (p, t) in enumerate(zip(pair, times, strict=True)) if p == tie)
        if not rows:
            continue
        since = [max(now - t, 0.0) / DAY for t, _ in rows]
        out["recency"][tie] = 2 ** (-since[-1] / half)
        depth = 0.0
        opened = {True: 0, False: 0}
        conversations: list[list[float]] = []  # [start, heaviest kind weight]
        for j, (t, i) in enumerate(rows):
            weight = model.KIND_WEIGHTS[Kind(int(kinds[i]))]
            continues = j > 0 and t - rows[j - 1][0] <= model.CONVERSATION_GAP_DAYS * DAY
            if not continues:
                opened[bool(mine[i])] += 1
                conversations.append([min(t, now), weight])
            conversations[-1][1] = max(conversations[-1][1], weight)
            answers = continues and bool(mine[i]) != bool(mine[rows[j - 1][1]])
            if answers or Kind(int(kinds[i])) in model.MUTUAL_KINDS:
                depth += weight * 2 ** (-since[j] / half)
        out["frequency"][tie] = reference_rhythm(conversations, min(started[tie], now), now)
        out["reciprocity"][tie] = (
            2 * min(opened.values()) / (sum(opened.values()) + model.RECIPROCITY_EVIDENCE)
        )
        out["depth"][tie] = depth / (depth + model.DEPTH_HALF_SATURATION)
        distinct = len({int(kinds[i]) for _, i in rows}) - 1
        out["multiplexity"][tie] = distinct / (distinct + model.MULTIPLEXITY_HALF_SATURATION)
    return out


@FAST
@given(
    st.lists(
        st.tuples(
            st.integers(0, 4),
            st.integers(0, 200).map(lambda hours: NOW - hours * 3_600.0 * 7),
            st.booleans(),
            st.sampled_from(list(Kind)),
        ),
        max_size=40,
        unique_by=lambda row: row[1],
    )
)
def test_vectorized_components_match_the_reference(rows):
    pair = np.array([row[0] for row in rows], dtype=np.int64)
    times = np.array([row[1] for row in rows], dtype=np.float64)
    mine = np.array([row[2] for row in rows], dtype=np.bool_)
    kinds = np.array([int(row[3]) for row in rows], dtype=np.int8)
    started = NOW - np.array([10.0, 100.0, 400.0, 1_000.0, 3.0]) * DAY
    got = model.relationship_components(
        pair_index=pair,
        timestamps=times,
        from_member=mine,
        kinds=kinds,
        tie_started=started,
        now=NOW,
    )
    expected = reference_components(pair, times, mine, kinds, started, NOW)
    for name in model.COMPONENTS:
        np.testing.assert_allclose(got[name], expected[name], err_msg=name, atol=1e-12)


# --- tiers -----------------------------------------------------------------------------------


@FAST
@given(st.lists(st.floats(0.001, 1.0), max_size=400))
def test_tiers_follow_rank_with_dunbar_sizes(values):
    strengths = np.array(values)
    tiers = assign_tiers(strengths, minimum_strength=False)
    n = len(values)
    counts = {name: tiers.count(name) for name in model.TIERS}
    assert counts == {
        "inner": min(n, 5),
        "close": min(max(n - 5, 0), 10),
        "active": min(max(n - 15, 0), 35),
        "wider": min(max(n - 50, 0), 100),
        "acquaintance": max(n - 150, 0),
    }
    rank = {name: position for position, name in enumerate(model.TIERS)}
    for i in range(n):
        for j in range(n):
            if strengths[i] > strengths[j]:
                assert rank[tiers[i]] <= rank[tiers[j]]


@FAST
@given(st.lists(st.floats(0.001, 1.0), max_size=200))
def test_a_tier_needs_its_least_strength_whatever_the_rank(values):
    """Issue 19: in a 15-person network rank alone made a tie silent for months "close". Each
    tie takes the looser of its rank's tier and the closest tier its strength meets."""
    strengths = np.array(values)
    by_rank = assign_tiers(strengths, minimum_strength=False)
    tiers = assign_tiers(strengths)
    position = {name: index for index, name in enumerate(model.TIERS)}
    for value, ranked, tier in zip(values, by_rank, tiers, strict=True):
        floor_met = next(
            (name for name, _ in model.TIER_SIZES if value >= model.TIER_MIN_STRENGTH[name]),
            "acquaintance",
        )
        assert position[tier] == max(position[ranked], position[floor_met])


def test_a_small_network_s_quiet_ties_are_not_close():
    # Fifteen relationships: by rank all are inner or close; by strength only the first two.
    strengths = np.array([0.9, 0.55, 0.45, 0.25, 0.15, *([0.05] * 9), 0.002])
    assert assign_tiers(strengths) == [
        "inner",
        "inner",
        "close",
        "active",
        *(["wider"] * 10),
        "acquaintance",
    ]


def test_equal_strengths_are_tiered_in_input_order():
    tiers = assign_tiers(np.full(7, 0.5))
    assert tiers == ["inner"] * 5 + ["close"] * 2
    assert assign_tiers(np.array([])) == []


# --- states ----------------------------------------------------------------------------------


@pytest.mark.parametrize("tier", list(CADENCE_DAYS))
@pytest.mark.parametrize(
    ("cadences_ago", "state"),
    [
        (0.0, "engaged"),
        (0.5, "engaged"),
        (0.51, "warm"),
        (1.0, "warm"),
        (1.01, "fading"),
        (1.99, "fading"),
        (2.0, "stagnant"),
        (10.0, "stagnant"),
        (-3.0, "engaged"),  # a last interaction in the future counts as now
    ],
)
def test_state_follows_time_since_last_interaction_against_the_cadence(tier, cadences_ago, state):
    last = NOW - cadences_ago * CADENCE_DAYS[tier] * DAY
    assert relationship_state(last_interaction=last, tier=tier, resting=False, now=NOW) == state
    # "let this one rest" wins over every date
    assert relationship_state(last_interaction=last, tier=tier, resting=True, now=NOW) == (
        "resting"
    )


def test_state_without_any_interaction_and_unknown_tiers():
    assert (
        relationship_state(last_interaction=None, tier="inner", resting=False, now=NOW)
        == "stagnant"
    )
    assert (
        relationship_state(last_interaction=None, tier="inner", resting=True, now=NOW) == "resting"
    )
    with pytest.raises(ValueError, match="unknown tier"):
        relationship_state(last_interaction=NOW, tier="best friend", resting=False, now=NOW)


def test_an_inner_tie_goes_from_engaged_to_stagnant_over_four_weeks():
    states = [
        relationship_state(last_interaction=NOW, tier="inner", resting=False, now=NOW + days * DAY)
        for days in (1, 7, 8, 14, 15, 27, 28)
    ]
    assert states == ["engaged", "engaged", "warm", "warm", "fading", "fading", "stagnant"]


# --- real data -------------------------------------------------------------------------------


def brute_force_auc(scores, labels):
    positive, negative = scores[labels], scores[~labels]
    greater = (positive[:, None] > negative[None, :]).mean()
    equal = (positive[:, None] == negative[None, :]).mean()
    return greater + equal / 2


def test_strength_predicts_next_month_contact_in_a_real_department():
    """email-Eu-core dept. 3 (SNAP; 89 people, 802 days): at day 360 every pair that had
    e-mailed is scored from its history; the pairs in contact in the next 30 days should rank
    above the rest better than by the last e-mail's date or the e-mail count alone
    (benchmarks/strength.py reports every cut-off)."""
    rows = np.loadtxt(
        DATA / "email-eu-core-dept3-temporal" / "out.email-Eu-core-temporal-Dept3",
        dtype=np.int64,
        comments="%",
    )
    rows = rows[np.argsort(rows[:, 2], kind="stable")]
    src, dst, times = rows[:, 0], rows[:, 1], rows[:, 2].astype(np.float64)
    cutoff = times.min() + 360 * DAY
    low, high = np.minimum(src, dst), np.maximum(src, dst)
    key = low * 1_000 + high
    before = times < cutoff
    pairs, pair_index = np.unique(key[before], return_inverse=True)
    first = np.full(pairs.shape[0], np.inf)
    np.minimum.at(first, pair_index, times[before])
    last = np.full(pairs.shape[0], -np.inf)
    np.maximum.at(last, pair_index, times[before])
    strengths = relationship_strengths(
        pair_index=pair_index.astype(np.int64),
        timestamps=times[before],
        from_member=(src == low)[before],
        kinds=np.zeros(int(before.sum()), dtype=np.int8),
        tie_started=first,
        now=cutoff,
    )
    assert ((strengths > 0) & (strengths <= 1)).all()
    upcoming = key[(times >= cutoff) & (times < cutoff + 30 * DAY)]
    label = np.isin(pairs, upcoming)
    count = np.bincount(pair_index).astype(np.float64)
    assert 0.1 < label.mean() < 0.5
    model_auc = brute_force_auc(strengths, label)
    assert model_auc > 0.8
    assert model_auc > brute_force_auc(last, label)
    assert model_auc > brute_force_auc(count, label)
