"""The one relationship-strength model (docs/design.md §5, §4; issue 15): pure Python + NumPy,
no Django. The platform's ties (`engagement.ties`) feed it the interaction ledger; the LinkedIn
audit (`imports.strength`) feeds it an export's messages. Its constants are defined here only.

One call scores all of one member's ties from the interaction ledger::

    strength = SILENT_CEILING + (1 − SILENT_CEILING) · Σ W_c · c        (Σ W_c = 1, c ∈ [0, 1])

over six components, each in [0, 1] (all but frequency non-decreasing in what they measure;
frequency deliberately is not in the raw count — see below):

- **recency** ``2^(−Δ/half-life)``, Δ the time since the last interaction: a tie halves
  for every HALF_LIFE_DAYS (90) of silence, unless the network's calibration says otherwise.
- **frequency** the chance the two are in touch within the next FREQUENCY_HORIZON_DAYS, from
  the tie's *own rhythm* (a "buy till you die" model of repeat contact, MBG/NBD: Batislam,
  Denizel & Filiztekin 2007, after Fader, Hardie & Lee 2005). Contacts are conversations:
  interactions on a tie closer together than CONVERSATION_GAP_DAYS form one (an evening of
  forty messages is one contact). The tie is born at its start (or its first interaction, if
  earlier); ``x`` conversations began after that, the last ``t_x`` days after birth, and the
  tie is ``T`` days old. Its rate is ``(RHYTHM_PRIOR_CONVERSATIONS + x) / (RHYTHM_PRIOR_DAYS +
  T)`` — conversations over the tie's whole life, shrunk towards a prior for young ties —
  with each conversation weighed by its heaviest kind (``x_w``). Silence is judged against
  that rhythm: the odds the tie has lapsed are
  ``DROPOUT_PRIOR_A / (DROPOUT_PRIOR_B + x) · ((α + T) / (α + t_x))^(r + x)`` — a weekly tie
  silent for two months is overdue by eight of its gaps, a quarterly one is not overdue at
  all. frequency = P(still active) · P(a contact within the horizon | active)
  ``= 1 / (1 + odds) · (1 − ((α + T) / (α + T + horizon))^(r + x_w))``. More past contact
  raises the rate but also makes the same silence more overdue; a contact *now* always
  raises it.
- **reciprocity** the balance of who *initiates*: whoever acted first opened the
  conversation. With ``a`` and ``b`` conversations opened by each side,
  ``2 · min(a, b) / (a + b + RECIPROCITY_EVIDENCE)``: towards 1 when both reach out equally
  and often, 0 when one side always does; a single exchange is little evidence either way.
- **depth** two-way exchanges: an interaction counts when it answers the other side within a
  conversation (a turn), or when its kind is two-way by nature (MUTUAL_KINDS: meetings, calls,
  mentorship check-ins, collaboration), by its kind weight, decayed with HALF_LIFE_DAYS and
  saturated with DEPTH_HALF_SATURATION. A long back-and-forth and a meeting count; a hundred
  unanswered messages do not.
- **multiplexity** the number of distinct kinds ``m`` on the tie (messages, events,
  mentorship, introductions…): ``(m − 1) / (m − 1 + MULTIPLEXITY_HALF_SATURATION)``.
- **age** time since the tie started (the connection, not the first interaction), saturated
  with AGE_HALF_SATURATION_DAYS: long-standing ties are more durable.

A tie with no interaction at all scores ``MIN_STRENGTH · (1 + 2^(−age/HALF_LIFE_DAYS))``:
the acceptance counts as a faint contact that fades, so a silent tie lies in
``[MIN_STRENGTH, SILENT_CEILING]`` and every tie with an interaction outranks every silent one.

**Calibration per network** (`calibrate`). One set of weights cannot serve a bursty network
(where the absolute clock, recency, predicts best once it winds down) and a steady one (where
each tie's long-run rhythm does). So the recency and frequency weights (which share
W_RECENCY + W_FREQUENCY) and the recency half-life are chosen per network from its own history
before `now`: the model back-tests each setting of CALIBRATION_GRID at CALIBRATION_BACKTESTS
cut-offs FREQUENCY_HORIZON_DAYS apart inside that history (scored on what came before each,
judged by who was in touch in the month after it, ROC AUC) and keeps the best. The defaults
stand unless a setting beats them, and whenever a back-test has fewer than
CALIBRATION_MIN_PAIRS pairs in touch or out of touch. Every setting keeps the properties below.
The audit calibrates on each export (one owner's network, ranked on its own); the platform's
ties keep the defaults, since their strengths are compared across members and calibrating each
member's ledger apart measured worse on that (docs/relationship-strength.md).

**Tiers** (`assign_tiers`): by rank among *relationships* — ties where both sides have acted
(a message each way, or a kind that is two-way by nature) — inner 5, close 15, active 50,
wider 150 (Dunbar's layers); a tie only one side ever acted on, or nobody did, is an
acquaintance whatever its strength (a contact who never answers is not "active"); and each
tier needs a least strength (TIER_MIN_STRENGTH), so rank in a small network does not make a
tie gone quiet "close". **States** (`relationship_state`) read the time since the last
interaction against the cadence of the pair's closer tier (`closer_tier`): one state for both.

Properties (tested): the result is in (0, 1]; the same from both ends of the tie (flipping
``from_member`` changes nothing); moving a tie's interactions later, answering within a
conversation, letting the side that reaches out less open a conversation, and a deeper kind
of interaction never lower it; a conversation today never lowers frequency.

Timestamps are unix seconds (floats); those after ``now`` (clock skew) count as ``now``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

SECONDS_PER_DAY = 86_400.0


class Kind(enum.IntEnum):
    """Kinds of interaction in the ledger; the values are stable (they are array codes)."""

    MESSAGE = 0
    REPLY = 1
    COMMENT = 2
    REACTION = 3
    RESHARE = 4
    SHARED_EVENT = 5
    MEETING = 6
    CALL = 7
    INTRODUCTION = 8
    MENTORSHIP_CHECKIN = 9
    COLLABORATION = 10
    OTHER = 11


KIND_BY_NAME: dict[str, Kind] = {kind.name.lower(): kind for kind in Kind}

# --- the model's constants -------------------------------------------------------------------

# How much one interaction of each kind says about a relationship (the same values as
# engagement.models.INTERACTION_WEIGHTS). A reaction is a nod; a meeting or a collaboration is
# time spent together.
KIND_WEIGHTS: dict[Kind, float] = {
    Kind.MESSAGE: 1.0,
    Kind.REPLY: 1.0,
    Kind.COMMENT: 0.8,
    Kind.REACTION: 0.3,
    Kind.RESHARE: 0.6,
    Kind.SHARED_EVENT: 1.5,
    Kind.MEETING: 3.0,
    Kind.CALL: 2.5,
    Kind.INTRODUCTION: 2.0,
    Kind.MENTORSHIP_CHECKIN: 2.5,
    Kind.COLLABORATION: 4.0,
    Kind.OTHER: 1.0,
}
# Kinds that are a two-way exchange whoever logged them. Each weighs more than every other
# kind, so a deeper kind never turns an exchange into a one-way act.
MUTUAL_KINDS: frozenset[Kind] = frozenset(
    {Kind.MEETING, Kind.CALL, Kind.MENTORSHIP_CHECKIN, Kind.COLLABORATION}
)

# Recency: the strength a tie draws from its last interaction halves every 90 days (DESIGN §5).
HALF_LIFE_DAYS = 90.0
# Interactions on one tie closer together than this belong to one conversation; the first of
# a conversation is an initiation, a change of speaker inside one is a reply.
CONVERSATION_GAP_DAYS = 1.0
# Frequency: the tie's own rhythm of conversations (an MBG/NBD model of repeat contact). A
# tie's rate of conversations per day has a gamma prior worth RHYTHM_PRIOR_CONVERSATIONS
# conversations in RHYTHM_PRIOR_DAYS days (r and α); after each conversation a tie lapses with
# a probability whose beta prior has DROPOUT_PRIOR_A and DROPOUT_PRIOR_B (mean a/(a + b) = 1/4
# at the start, a/(a + b + x) after x conversations: a tie proves itself). Chosen on the
# tuning cut-offs (CollegeMsg day 60, e-mail day 180; docs/relationship-strength.md) from a
# plateau: r 0.75–1.5, α 1–5 days, a 0.03–0.3, b 0.3 score within 0.001 AUC of each other.
RHYTHM_PRIOR_CONVERSATIONS = 1.0
RHYTHM_PRIOR_DAYS = 2.0
DROPOUT_PRIOR_A = 0.1
DROPOUT_PRIOR_B = 0.3
# Frequency is the chance of a conversation within this many days (the "next month" of the
# evaluation; it sets the scale of the rate, not a window on the past).
FREQUENCY_HORIZON_DAYS = 30.0
# Conversations added to the denominator of the initiation balance: with 1 opened by each
# side reciprocity is 2/6, with 10 each 20/24. Tuned: 4 beat 1 and 2.
RECIPROCITY_EVIDENCE = 4.0
# Depth component is 1/2 at this many weighted, decayed two-way exchanges (a meeting is 3).
DEPTH_HALF_SATURATION = 10.0
# Multiplexity component is 1/2 with this many kinds beyond the first.
MULTIPLEXITY_HALF_SATURATION = 2.0
# Age component is 1/2 for a tie this many days old.
AGE_HALF_SATURATION_DAYS = 365.0

# Weights of the components; they sum to 1. Frequency (which already weighs silence against
# the tie's rhythm) and recency predict contact; the other four say what kind of relationship
# it is. Chosen with the frequency constants on the tuning cut-offs (CollegeMsg day 60, e-mail
# day 180): the least weight on recency and frequency among settings within 0.001 AUC of the
# best there (docs/relationship-strength.md).
W_RECENCY = 0.15
W_FREQUENCY = 0.60
W_RECIPROCITY = 0.10
W_DEPTH = 0.05
W_MULTIPLEXITY = 0.05
W_AGE = 0.05

# A silent tie lies in [MIN_STRENGTH, SILENT_CEILING]; every tie with an interaction above it.
MIN_STRENGTH = 0.001
SILENT_CEILING = 2 * MIN_STRENGTH

# Per-network calibration (`calibrate`; issue 15, docs/relationship-strength.md). The grid was
# registered with the evaluation protocol before any run: recency's share of the weight that
# recency and frequency split (W_RECENCY + W_FREQUENCY), and recency's half-life in days.
CALIBRATION_RECENCY_WEIGHTS: tuple[float, ...] = (0.0, 0.05, 0.15, 0.3, 0.45, 0.6, 0.75)
CALIBRATION_HALF_LIVES_DAYS: tuple[float, ...] = (30.0, 90.0, 180.0)
# Back-tests one, two, three horizons before `now`, their AUCs averaged (3 beat 1 on the tuning
# cut-offs, the smallest margin +0.0039 against +0.0023; docs/relationship-strength.md).
CALIBRATION_BACKTESTS = 3
# A back-test needs at least this many pairs in touch in the month after it, and as many not.
CALIBRATION_MIN_PAIRS = 20

COMPONENTS: tuple[str, ...] = (
    "recency",
    "frequency",
    "reciprocity",
    "depth",
    "multiplexity",
    "age",
)
COMPONENT_WEIGHTS: dict[str, float] = {
    "recency": W_RECENCY,
    "frequency": W_FREQUENCY,
    "reciprocity": W_RECIPROCITY,
    "depth": W_DEPTH,
    "multiplexity": W_MULTIPLEXITY,
    "age": W_AGE,
}

# Tiers by rank within one member's network (Dunbar's layers): cumulative sizes.
TIER_SIZES: tuple[tuple[str, int], ...] = (
    ("inner", 5),
    ("close", 15),
    ("active", 50),
    ("wider", 150),
)
TIER_ACQUAINTANCE = "acquaintance"
TIERS: tuple[str, ...] = (*(name for name, _ in TIER_SIZES), TIER_ACQUAINTANCE)
# The least strength each tier needs, whatever the rank (issue 19: in a 15-person network rank
# alone called a tie silent for seven months "close"). A tie below its rank's floor takes the
# first looser tier whose floor it meets. The values read the scale of
# docs/relationship-strength.md "Thresholds on strength elsewhere": 0.5 is regular, current
# contact (two years of monthly exchanges, the last two months ago, is 0.59); 0.3 a relationship
# still in touch within a season (a year of quarterly exchanges is 0.42, a single exchange
# 14 days after connecting 0.33); 0.2 the weakest tie that carries an introduction
# (`MIN_INTRODUCTION_STRENGTH`); "wider" needs any interaction at all (above SILENT_CEILING,
# where every silent tie lies). A strength equal to a floor meets it.
TIER_MIN_STRENGTH: dict[str, float] = {
    "inner": 0.5,
    "close": 0.3,
    "active": 0.2,
    "wider": float(np.nextafter(SILENT_CEILING, 1.0)),
}

# Keep-warm cadence by tier (DESIGN §4), in days.
CADENCE_DAYS: dict[str, int] = {
    "inner": 14,
    "close": 30,
    "active": 90,
    "wider": 180,
    "acquaintance": 365,
}
# States, as fractions of the tier's cadence since the last interaction: "engaged" within half
# of it, "warm" until a check-in is due, "fading" when overdue, "stagnant" after twice it.
ENGAGED_WITHIN_CADENCES = 0.5
STAGNANT_AFTER_CADENCES = 2.0
STATE_ENGAGED = "engaged"
STATE_WARM = "warm"
STATE_FADING = "fading"
STATE_STAGNANT = "stagnant"
STATE_RESTING = "resting"
STATES: tuple[str, ...] = (
    STATE_ENGAGED,
    STATE_WARM,
    STATE_FADING,
    STATE_STAGNANT,
    STATE_RESTING,
)

_N_KINDS = len(Kind)
_KIND_WEIGHT = np.array([KIND_WEIGHTS[kind] for kind in Kind], dtype=np.float64)
_KIND_MUTUAL = np.array([kind in MUTUAL_KINDS for kind in Kind], dtype=np.bool_)
_TIER_BOUNDS = np.array([size for _, size in TIER_SIZES], dtype=np.int64)
# Ascending floors of the tiers from the loosest ranked one ("wider") to "inner".
_TIER_FLOORS = np.array([TIER_MIN_STRENGTH[name] for name, _ in reversed(TIER_SIZES)])


def _saturate(x: NDArray[np.float64], half: float) -> NDArray[np.float64]:
    """x / (x + half): 0 at 0, 1/2 at `half`, towards 1; heavy tails stay distinguishable."""
    result: NDArray[np.float64] = x / (x + half)
    return result


def _rhythm(
    *,
    tie: NDArray[np.int64],
    start: NDArray[np.float64],
    heaviest: NDArray[np.float64],
    tie_started: NDArray[np.float64],
    now: float,
) -> NDArray[np.float64]:
    """The frequency component from conversations (`tie`, `start`, `heaviest` kind weight, in
    tie then time order; times at most `now`): P(the tie is still active) · P(a conversation
    within FREQUENCY_HORIZON_DAYS if it is), MBG/NBD with the RHYTHM_* and DROPOUT_* priors.
    The tie is born at its start or its first interaction, whichever is earlier; conversations
    that begin after the birth are its repeat contacts."""
    n_ties = tie_started.shape[0]
    per_tie = np.bincount(tie, minlength=n_ties)
    active = per_tie > 0
    ends = np.cumsum(per_tie)[active]
    birth = tie_started.copy()
    birth[active] = np.minimum(birth[active], start[ends - per_tie[active]])
    repeat = start > birth[tie]
    x = np.bincount(tie[repeat], minlength=n_ties).astype(np.float64)
    x_weighted = np.bincount(tie[repeat], weights=heaviest[repeat], minlength=n_ties)
    last = birth.copy()
    last[active] = start[ends - 1]
    r, alpha = RHYTHM_PRIOR_CONVERSATIONS, RHYTHM_PRIOR_DAYS
    age = (now - birth) / SECONDS_PER_DAY  # T
    last_repeat = np.where(x > 0, last - birth, 0.0) / SECONDS_PER_DAY  # t_x
    log_lived = np.log(alpha + age)
    # log-odds that the tie has lapsed: a/(b + x) · ((α + T) / (α + t_x))^(r + x)
    lapsed = np.log(DROPOUT_PRIOR_A / (DROPOUT_PRIOR_B + x)) + (r + x) * (
        log_lived - np.log(alpha + last_repeat)
    )
    still_active = np.exp(-np.logaddexp(0.0, lapsed))
    contact_if_active = -np.expm1(
        (r + x_weighted) * (log_lived - np.log(alpha + age + FREQUENCY_HORIZON_DAYS))
    )
    result: NDArray[np.float64] = np.where(active, still_active * contact_if_active, 0.0)
    return result


def relationship_components(
    *,
    pair_index: NDArray[np.int64],
    timestamps: NDArray[np.float64],
    from_member: NDArray[np.bool_],
    kinds: NDArray[np.int8],
    tie_started: NDArray[np.float64],
    now: float,
) -> dict[str, NDArray[np.float64]]:
    """Each component (COMPONENTS) per tie, in [0, 1]; arguments as `relationship_strengths`.

    Ties without interactions get 0 everywhere except age. Useful to explain a score."""
    pair = np.asarray(pair_index, dtype=np.int64)
    times = np.asarray(timestamps, dtype=np.float64)
    mine = np.asarray(from_member, dtype=np.bool_)
    kind = np.asarray(kinds, dtype=np.int64)
    started = np.asarray(tie_started, dtype=np.float64)
    n_ties = started.shape[0]
    n = pair.shape[0]
    if not (times.shape == mine.shape == kind.shape == (n,)) or started.ndim != 1:
        raise ValueError("pair_index, timestamps, from_member and kinds must be 1-D and equal")
    if not np.isfinite(now) or not np.isfinite(started).all():
        raise ValueError("now and tie_started must be finite")
    if n and (not np.isfinite(times).all()):
        raise ValueError("timestamps must be finite")
    if n and (pair.min() < 0 or pair.max() >= n_ties):
        raise ValueError("pair_index must lie in [0, len(tie_started))")
    if n and (kind.min() < 0 or kind.max() >= _N_KINDS):
        raise ValueError(f"kinds must lie in [0, {_N_KINDS})")

    age_days = np.maximum(now - started, 0.0) / SECONDS_PER_DAY
    components = {name: np.zeros(n_ties, dtype=np.float64) for name in COMPONENTS}
    components["age"] = _saturate(age_days, AGE_HALF_SATURATION_DAYS)
    if n == 0:
        return components

    # Group by tie, in time order within each tie (equal times keep their input order). Ledgers
    # usually arrive in time order; then one stable sort by tie is enough, and with fewer than
    # 65,536 ties NumPy sorts 16-bit keys by radix, several times faster than a two-key sort.
    by_time: NDArray[np.intp] | None = None
    if n > 1 and not bool((times[1:] >= times[:-1]).all()):
        by_time = np.argsort(times, kind="stable")
    keys = pair if by_time is None else pair[by_time]
    if n_ties <= np.iinfo(np.uint16).max + 1:
        keys = keys.astype(np.uint16)
    order = np.argsort(keys, kind="stable")
    if by_time is not None:
        order = by_time[order]
    pair, times, mine, kind = pair[order], times[order], mine[order], kind[order]
    weight = _KIND_WEIGHT[kind]

    counts = np.bincount(pair, minlength=n_ties)
    active = counts > 0
    last = np.cumsum(counts)[active] - 1  # position of each active tie's latest interaction

    since_days = np.maximum(now - times, 0.0) / SECONDS_PER_DAY
    recency = np.zeros(n_ties, dtype=np.float64)
    recency[active] = np.exp2(-since_days[last] / HALF_LIFE_DAYS)
    components["recency"] = recency

    # Conversations: an interaction continues one when the previous interaction on the same tie
    # is at most CONVERSATION_GAP_DAYS earlier.
    continues = (pair[1:] == pair[:-1]) & (
        (times[1:] - times[:-1]) <= CONVERSATION_GAP_DAYS * SECONDS_PER_DAY
    )
    opens = np.ones(n, dtype=np.bool_)
    opens[1:] = ~continues
    starts = np.flatnonzero(opens)

    heaviest = np.maximum.reduceat(weight, starts)
    components["frequency"] = _rhythm(
        tie=pair[starts],
        start=np.minimum(times[starts], now),
        heaviest=heaviest,
        tie_started=np.minimum(started, now),
        now=now,
    )

    opened_by_member = np.bincount(pair[opens & mine], minlength=n_ties).astype(np.float64)
    opened_by_other = np.bincount(pair[opens & ~mine], minlength=n_ties).astype(np.float64)
    components["reciprocity"] = (2.0 * np.minimum(opened_by_member, opened_by_other)) / (
        opened_by_member + opened_by_other + RECIPROCITY_EVIDENCE
    )

    answers = np.zeros(n, dtype=np.bool_)
    answers[1:] = continues & (mine[1:] != mine[:-1])
    two_way = answers | _KIND_MUTUAL[kind]
    exchanges = weight * two_way * np.exp2(-since_days / HALF_LIFE_DAYS)
    components["depth"] = _saturate(
        np.bincount(pair, weights=exchanges, minlength=n_ties), DEPTH_HALF_SATURATION
    )

    kinds_present = np.bincount(pair * _N_KINDS + kind, minlength=n_ties * _N_KINDS)
    distinct = (kinds_present.reshape(n_ties, _N_KINDS) > 0).sum(axis=1).astype(np.float64)
    components["multiplexity"] = _saturate(
        np.maximum(distinct - 1.0, 0.0), MULTIPLEXITY_HALF_SATURATION
    )
    return components


@dataclass(frozen=True, slots=True)
class Calibration:
    """The constants a network calibrates (`calibrate`); the rest are the module's."""

    w_recency: float = W_RECENCY
    w_frequency: float = W_FREQUENCY
    half_life_days: float = HALF_LIFE_DAYS

    def __post_init__(self) -> None:
        if not (self.w_recency >= 0.0 and self.w_frequency >= 0.0 and self.half_life_days > 0):
            raise ValueError("calibrated weights must be non-negative and the half-life positive")
        if abs(self.w_recency + self.w_frequency - (W_RECENCY + W_FREQUENCY)) > 1e-9:
            raise ValueError("recency and frequency share W_RECENCY + W_FREQUENCY")

    def describe(self) -> dict[str, float]:
        """Every weight and the half-life, for a report to say what its numbers mean."""
        weights = {**COMPONENT_WEIGHTS, "recency": self.w_recency, "frequency": self.w_frequency}
        return {
            "half_life_days": self.half_life_days,
            **{f"w_{name}": value for name, value in weights.items()},
        }


DEFAULT_CALIBRATION = Calibration()
CALIBRATION_GRID: tuple[Calibration, ...] = tuple(
    Calibration(
        w_recency=recency,
        w_frequency=W_RECENCY + W_FREQUENCY - recency,
        half_life_days=half_life,
    )
    for half_life in CALIBRATION_HALF_LIVES_DAYS
    for recency in CALIBRATION_RECENCY_WEIGHTS
)


def combine(
    components: dict[str, NDArray[np.float64]],
    *,
    tie_age_days: NDArray[np.float64],
    interacted: NDArray[np.bool_],
    calibration: Calibration = DEFAULT_CALIBRATION,
) -> NDArray[np.float64]:
    """The weighted sum mapped into (SILENT_CEILING, 1], or the silent floor for silent ties.

    `components["recency"]` is at HALF_LIFE_DAYS; another half-life h reads it as
    recency^(HALF_LIFE_DAYS / h), the same 2^(−Δ/h)."""
    weights = {
        **COMPONENT_WEIGHTS,
        "recency": calibration.w_recency,
        "frequency": calibration.w_frequency,
    }
    total = np.zeros_like(tie_age_days, dtype=np.float64)
    for name, weight in weights.items():
        part = components[name]
        if name == "recency" and calibration.half_life_days != HALF_LIFE_DAYS:
            part = part ** (HALF_LIFE_DAYS / calibration.half_life_days)
        total += weight * part
    scored = SILENT_CEILING + (1.0 - SILENT_CEILING) * np.minimum(total, 1.0)
    silent = MIN_STRENGTH * (1.0 + np.exp2(-np.maximum(tie_age_days, 0.0) / HALF_LIFE_DAYS))
    result: NDArray[np.float64] = np.where(interacted, scored, silent)
    return result


def relationship_strengths(
    *,
    pair_index: NDArray[np.int64],
    timestamps: NDArray[np.float64],
    from_member: NDArray[np.bool_],
    kinds: NDArray[np.int8],
    tie_started: NDArray[np.float64],
    now: float,
    calibration: Calibration = DEFAULT_CALIBRATION,
) -> NDArray[np.float64]:
    """One strength in (0, 1] per tie of one member.

    `pair_index[i]` in [0, len(tie_started)) names the tie interaction i belongs to;
    `timestamps` are unix seconds; `from_member[i]` is True when the member acted and False
    when the other person did; `kinds` are `Kind` codes; `tie_started` is when each tie began
    (the connection's acceptance). A tie with no interactions gets a small floor that fades
    with its age. `calibration` is the network's (`calibrate`), the defaults otherwise.
    Raises ValueError for mismatched shapes, out-of-range codes or non-finite times.
    Vectorized: cost grows with the number of interactions, not with Python loops."""
    components = relationship_components(
        pair_index=pair_index,
        timestamps=timestamps,
        from_member=from_member,
        kinds=kinds,
        tie_started=tie_started,
        now=now,
    )
    started = np.asarray(tie_started, dtype=np.float64)
    pair = np.asarray(pair_index, dtype=np.int64)
    interacted = np.bincount(pair, minlength=started.shape[0]) > 0
    return combine(
        components,
        tie_age_days=(now - started) / SECONDS_PER_DAY,
        interacted=interacted,
        calibration=calibration,
    )


def roc_auc(scores: NDArray[np.float64], labels: NDArray[np.bool_]) -> float:
    """Mann–Whitney AUC: P(score of a positive > score of a negative), ties counting ½; NaN
    without both classes."""
    positives = int(np.count_nonzero(labels))
    negatives = labels.shape[0] - positives
    if positives == 0 or negatives == 0:
        return float("nan")
    _, inverse, counts = np.unique(scores, return_inverse=True, return_counts=True)
    average_rank = np.cumsum(counts) - (counts - 1) / 2.0  # 1-based, shared by equal scores
    rank_sum = float(average_rank[inverse][labels].sum())
    return float((rank_sum - positives * (positives + 1) / 2.0) / (positives * negatives))


def calibrate(
    *,
    pair_index: NDArray[np.int64],
    timestamps: NDArray[np.float64],
    from_member: NDArray[np.bool_],
    kinds: NDArray[np.int8],
    tie_started: NDArray[np.float64],
    now: float,
    backtests: int = CALIBRATION_BACKTESTS,
) -> Calibration:
    """The network's own calibration from its history before `now` (arguments as
    `relationship_strengths`; the ties may be one member's or a whole network's pairs).

    For k = 1 … `backtests`, the back-test cut-off is `now` − k · FREQUENCY_HORIZON_DAYS: every
    tie with an interaction before it is scored from that history alone and labelled by
    whether it had an interaction in the horizon after it (never reaching `now`). The setting of
    CALIBRATION_GRID with the best mean AUC wins; DEFAULT_CALIBRATION stays unless one beats it,
    or when no back-test has CALIBRATION_MIN_PAIRS ties in touch and as many out of touch."""
    pair = np.asarray(pair_index, dtype=np.int64)
    times = np.asarray(timestamps, dtype=np.float64)
    mine = np.asarray(from_member, dtype=np.bool_)
    kind = np.asarray(kinds, dtype=np.int8)
    started = np.asarray(tie_started, dtype=np.float64)
    n_ties = started.shape[0]
    horizon = FREQUENCY_HORIZON_DAYS * SECONDS_PER_DAY
    settings = (DEFAULT_CALIBRATION, *CALIBRATION_GRID)
    aucs: list[list[float]] = []
    for k in range(1, backtests + 1) if n_ties >= 2 * CALIBRATION_MIN_PAIRS else ():
        cut = now - k * horizon
        before = times < cut
        seen_mask = np.bincount(pair[before], minlength=n_ties) > 0
        seen = np.flatnonzero(seen_mask)
        if seen.shape[0] < 2 * CALIBRATION_MIN_PAIRS:
            continue
        window = (times >= cut) & (times < cut + horizon)
        label = (np.bincount(pair[window], minlength=n_ties) > 0)[seen]
        in_touch = int(np.count_nonzero(label))
        if min(in_touch, seen.shape[0] - in_touch) < CALIBRATION_MIN_PAIRS:
            continue
        # Only the ties seen before the back-test, renumbered 0 … len(seen) − 1.
        local = np.cumsum(seen_mask) - 1
        born = np.minimum(started[seen], cut)
        components = relationship_components(
            pair_index=local[pair[before]],
            timestamps=times[before],
            from_member=mine[before],
            kinds=kind[before],
            tie_started=born,
            now=cut,
        )
        interacted = np.ones(seen.shape[0], dtype=np.bool_)
        age_days = (cut - born) / SECONDS_PER_DAY
        aucs.append(
            [
                roc_auc(
                    combine(
                        components, tie_age_days=age_days, interacted=interacted, calibration=c
                    ),
                    label,
                )
                for c in settings
            ]
        )
    if not aucs:
        return DEFAULT_CALIBRATION
    mean = np.mean(np.array(aucs), axis=0)
    best = int(np.argmax(mean))  # the first of equals: the default when nothing beats it
    return settings[best]


def relationships(
    *,
    pair_index: NDArray[np.int64],
    from_member: NDArray[np.bool_],
    kinds: NDArray[np.int8],
    n_ties: int,
) -> NDArray[np.bool_]:
    """Which ties are relationships: both sides acted (each side at least once, or an
    interaction whose kind is two-way by nature, MUTUAL_KINDS)."""
    pair = np.asarray(pair_index, dtype=np.int64)
    mine = np.asarray(from_member, dtype=np.bool_)
    mutual = _KIND_MUTUAL[np.asarray(kinds, dtype=np.int64)]
    by_member = np.bincount(pair[mine], minlength=n_ties) > 0
    by_other = np.bincount(pair[~mine], minlength=n_ties) > 0
    both = np.bincount(pair[mutual], minlength=n_ties) > 0
    result: NDArray[np.bool_] = (by_member & by_other) | both
    return result


def tier_index_by_rank(ranks: NDArray[np.int64]) -> NDArray[np.int64]:
    """Index into TIERS for 0-based ranks (0 = strongest)."""
    result: NDArray[np.int64] = np.searchsorted(_TIER_BOUNDS, ranks, side="right")
    return result


def tier_index_by_strength(strengths: NDArray[np.float64]) -> NDArray[np.int64]:
    """Index into TIERS of the closest tier whose floor (TIER_MIN_STRENGTH) each strength
    meets: "acquaintance" for a silent tie."""
    values = np.asarray(strengths, dtype=np.float64)
    met = np.searchsorted(_TIER_FLOORS, values, side="right")  # floors at or below it
    result: NDArray[np.int64] = len(TIER_SIZES) - met
    return result


def assign_tiers(
    strengths: NDArray[np.float64],
    *,
    relationship: NDArray[np.bool_] | None = None,
    minimum_strength: bool = True,
) -> list[str]:
    """The tier of each tie, by rank of strength among one member's relationships: the 5
    strongest are "inner", the next 10 "close", then "active" up to 50, "wider" up to 150, the
    rest "acquaintance" — and never closer than its strength allows (TIER_MIN_STRENGTH: a
    small network's fifteenth tie is "close" only if it is still in touch; a silent tie is an
    acquaintance). A tie that is not a relationship (`relationship` False: one side never
    acted, see `relationships`) is an acquaintance and takes no place in the ranks. Equal
    strengths keep their input order (a stable sort).

    `minimum_strength=False` ranks alone: the LinkedIn audit's, whose strengths are calibrated
    per export and read at the export's date, so an export of past years would otherwise have
    no tier above "wider"; its tiers say how the owner's contacts compare, not how current
    each relationship is."""
    values = np.asarray(strengths, dtype=np.float64)
    ranked = (
        np.ones(values.shape[0], dtype=np.bool_)
        if relationship is None
        else np.asarray(relationship, dtype=np.bool_)
    )
    order = np.argsort(-values, kind="stable")
    order = order[ranked[order]]
    ranks = np.full(values.shape[0], _TIER_BOUNDS[-1], dtype=np.int64)
    ranks[order] = np.arange(order.shape[0], dtype=np.int64)
    index = tier_index_by_rank(ranks)
    if minimum_strength:
        index = np.maximum(index, tier_index_by_strength(values))
    return [TIERS[i] for i in index.tolist()]


def closer_tier(first: str, second: str) -> str:
    """The closer of the two members' tiers of one tie: the tier its shared state is read
    against (`relationship_state`). The time since the pair's last interaction is one fact for
    both, and a check-in falls due for the pair at the shorter of their two cadences, so both
    members see the same state (issue 19: a new tie read "Engaged" for one side and "Warm" for
    the other)."""
    return min(first, second, key=TIERS.index)


def relationship_state(
    *, last_interaction: float | None, tier: str, resting: bool, now: float
) -> str:
    """The state of one tie from the time since its last interaction, against its tier's
    keep-warm cadence (CADENCE_DAYS):

    - "resting" whenever the member chose to let this one rest (no nudges, whatever the date);
    - "engaged" within half the cadence; "warm" until the cadence (a check-in falls due);
    - "fading" past the cadence; "stagnant" after no interaction for twice the cadence.

    Between members, `tier` is the pair's (`closer_tier`), so the state is one for both but
    "resting", which is each member's own choice.

    `None` means no interaction ever and no start to count from: "stagnant". Callers who know
    when the tie started pass that instead, so a new connection begins "engaged". A last
    interaction after `now` counts as now."""
    if tier not in CADENCE_DAYS:
        raise ValueError(f"unknown tier {tier!r}; expected one of {', '.join(CADENCE_DAYS)}")
    if resting:
        return STATE_RESTING
    if last_interaction is None:
        return STATE_STAGNANT
    cadence = CADENCE_DAYS[tier] * SECONDS_PER_DAY
    elapsed = max(now - last_interaction, 0.0)
    if elapsed <= ENGAGED_WITHIN_CADENCES * cadence:
        return STATE_ENGAGED
    if elapsed <= cadence:
        return STATE_WARM
    if elapsed < STAGNANT_AFTER_CADENCES * cadence:
        return STATE_FADING
    return STATE_STAGNANT
