"""The demo chapter's collaborations and Sam's written-out relationships, made through the
services like a member would.

Thandi, Kwame and Liam turned the signalling site visit into a lessons-learned pack (all
three confirmed: it shows on their profiles and in their ledgers); Kwame invites Sam to turn
the risk workshop into a clause checklist, so Sam has an invitation to answer. Idempotent:
a collaboration with the same title by the same proposer is never made twice.

Nine of Sam's connections have their history written out (`DEMO_TIES`), so his network-health
page shows relationships in every state, a pact record over the last twelve weeks and today's
suggested actions. Idempotent: interactions are keyed, a pact is opened once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from mutuals.accounts.models import User
from mutuals.engagement import collaborations, services
from mutuals.engagement.models import Collaboration, Interaction, Tie

# (proposer, title, description, event title starts with, invitees, invitees who confirm)
DEMO_COLLABORATIONS = [
    (
        "thandi",
        "Eglinton signalling: a lessons-learned pack",
        "What the site visit showed about interlocking cut-overs, written up for the next "
        "line's project teams: a checklist, three case notes and a risk register template.",
        "Site visit",
        ("kwame", "liam"),
        ("kwame", "liam"),
    ),
    (
        "kwame",
        "Schedule-risk clause checklist for supplier contracts",
        "The workshop's best clauses as a one-page checklist buyers and planners can use "
        "before tender.",
        "Chapter risk workshop",
        ("sam",),
        (),
    ),
]


def demo_collaborations_seed(
    members: dict[str, User], *, event_id_titled: Callable[[str], int | None]
) -> int:
    """Create the demo collaborations that are missing; returns how many were created.
    `event_id_titled(prefix)` finds the demo event a collaboration came from (events stand
    above engagement, so the seeder that knows both passes it in)."""
    created = 0
    for proposer_key, title, description, event_prefix, invitees, confirming in DEMO_COLLABORATIONS:
        proposer = members.get(proposer_key)
        people = [members.get(key) for key in invitees]
        event_id = event_id_titled(event_prefix)
        if proposer is None or event_id is None or any(p is None for p in people):
            continue
        if Collaboration.objects.filter(proposer=proposer, title=title).exists():
            continue
        collaboration = collaborations.collaboration_propose(
            proposer=proposer,
            title=title,
            description=description,
            member_ids=[p.pk for p in people if p is not None],
            event_id=event_id,
        )
        for key in confirming:
            collaborations.collaboration_confirm(
                member=members[key], collaboration_id=collaboration.pk
            )
        created += 1
    return created


# --- Sam's relationships, written out ------------------------------------------------------

# Sam's connections whose history is written out rather than drawn at random, so that a new
# member who signs in as Sam sees on the network-health page what the pact and the strength
# model do: relationships in every state, a pact record over the last twelve weeks (items met
# on time, late and missed) and today's suggested actions. Four ties predate the pact; five
# were made in the last twelve weeks and open their pact at acceptance, so their obligations
# come from the pact's own rules and are met (or not) by the interactions below, recorded
# through `interaction_record` at the day they happened.


@dataclass(frozen=True)
class DemoTie:
    other: str
    connected_days_ago: int
    # Connected through the pact (opened at acceptance), or before it existed.
    pact: bool
    # (days ago, who acted: DEMO_LOGIN_KEY or `other`, interaction kind)
    history: tuple[tuple[int, str, str], ...]
    # (days ago, note): what the one who logged that meeting or call wrote (only they see it;
    # messages carry none).
    notes: tuple[tuple[int, str], ...] = ()
    # Sam chose to let this one rest.
    rest: bool = False


DEMO_TIES: tuple[DemoTie, ...] = (
    # Before the pact. Among Sam's fourteen these rank close, but a tier also needs the
    # contact to match (TIER_MIN_STRENGTH, issue 19): Julia is warm (last in touch three
    # weeks ago), Chen fading (six weeks, past the 30-day check-in); Erik has been silent for
    # over a year, so a wider tie gone stagnant (over twice its 180 days); Marcus helped with
    # one claim and Sam lets that one rest (a resting tie is an acquaintance).
    DemoTie(
        "julia",
        410,
        pact=False,
        history=(
            (130, "julia", "message"),
            (129, "sam", "reply"),
            (64, "sam", "meeting"),
            (22, "julia", "message"),
            (21, "sam", "reply"),
        ),
        notes=((64, "Coffee: cut-over weekends in stores and warehouses."),),
    ),
    DemoTie(
        "chen",
        330,
        pact=False,
        history=(
            (210, "chen", "message"),
            (209, "sam", "reply"),
            (150, "sam", "call"),
            (96, "chen", "comment"),
            (44, "sam", "message"),
        ),
        notes=((150, "Compared release trains with stage gates."),),
    ),
    DemoTie(
        "erik",
        520,
        pact=False,
        history=(
            (500, "erik", "meeting"),
            (400, "sam", "message"),
            (399, "erik", "reply"),
            (370, "erik", "message"),
        ),
        notes=((500, "Risk round-table at Greenway."),),
    ),
    DemoTie(
        "marcus",
        610,
        pact=False,
        history=(
            (260, "sam", "message"),
            (259, "marcus", "reply"),
            (240, "marcus", "call"),
        ),
        notes=((240, "Walked through the claim; settled without a dispute."),),
        rest=True,
    ),
    # Through the pact, in the last twelve weeks. Keisha and Deepa kept it (Sam once checked
    # in late with each); Sam's hello to Tariq came two days late and his check-in never did;
    # Hannah's hello is still unanswered; Yuki connected three days ago.
    DemoTie(
        "keisha",
        64,
        pact=True,
        history=(
            (64, "sam", "message"),
            (63, "keisha", "reply"),
            (35, "keisha", "message"),
            (8, "sam", "call"),
        ),
        notes=((8, "Intake forms and what a gate may stop."),),
    ),
    DemoTie(
        "deepa",
        78,
        pact=True,
        history=(
            (78, "deepa", "message"),
            (77, "sam", "reply"),
            (50, "sam", "message"),
            (15, "deepa", "meeting"),
            (6, "deepa", "comment"),
        ),
        notes=((15, "Lunch: the first PMO report and who reads it."),),
    ),
    DemoTie(
        "tariq",
        55,
        pact=True,
        history=(
            (55, "tariq", "message"),
            (46, "sam", "reply"),
        ),
    ),
    DemoTie(
        "hannah",
        24,
        pact=True,
        history=((24, "hannah", "message"),),
    ),
    DemoTie("yuki", 3, pact=True, history=()),
)

STORY_KEY = "demo-story"
# The hour (UTC) the written-out history happened on its day: mid-morning in Toronto.
STORY_HOUR = 15


def _story_at(now: datetime, days_ago: int) -> datetime:
    return (now - timedelta(days=days_ago)).replace(
        hour=STORY_HOUR, minute=0, second=0, microsecond=0
    )


def demo_tie_connected_at(a: str, b: str, now: datetime, *, login_key: str) -> datetime | None:
    """When the written-out tie between `a` and `b` was made; None for every other pair.
    `login_key` is the cast's demo login, whose ties these are."""
    for tie in DEMO_TIES:
        if {a, b} == {login_key, tie.other}:
            return _story_at(now, tie.connected_days_ago)
    return None


def demo_ties_seed(members: dict[str, User], now: datetime, *, login_key: str) -> int:
    """Open the pact of the login member's written-out ties made through it, record their
    history in the order it happened (so each interaction fulfils what it met at the time),
    and let the resting one rest. Returns how many interactions were recorded; a rerun
    records none."""
    login = members[login_key]
    done = set(
        Interaction.objects.filter(source_key__startswith=f"{STORY_KEY}:").values_list(
            "source_key", flat=True
        )
    )
    steps = []
    resting = []
    for tie in DEMO_TIES:
        other = members[tie.other]
        connection = services.connection_between(login.pk, other.pk)
        if connection is None:
            continue
        if tie.pact:  # idempotent: a rerun finds the pact open and schedules nothing
            services.pact_open(connection=connection, at=connection.created_at)
        if tie.rest:
            resting.append(connection)
        notes = dict(tie.notes)
        for n, (days_ago, actor_key, kind) in enumerate(tie.history):
            key = f"{STORY_KEY}:{tie.other}:{n}"
            if key not in done:
                actor = members[actor_key]
                counterpart = other if actor == login else login
                note = notes.get(days_ago, "")
                steps.append((_story_at(now, days_ago), key, actor, counterpart, kind, note))
    # Across ties in the order it happened: each interaction meets what was open at its time
    # and plans the next check-in from there.
    steps.sort(key=lambda step: (step[0], step[1]))
    for at, key, actor, counterpart, kind, note in steps:
        services.interaction_record(
            actor=actor, counterpart=counterpart, kind=kind, at=at, source_key=key, note=note
        )
    for connection in resting:
        if not Tie.objects.filter(
            member=login, connection=connection, resting_since__isnull=False
        ).exists():
            services.connection_rest(member=login, connection_id=connection.pk)
    return len(steps)
