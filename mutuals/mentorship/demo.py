"""Mentorship in the demo community (`mutuals demo`): a few mentor offers, a request waiting
for the demo login member (Sam) to answer, Sam's own active mentorship, and a completed one
whose mentee shared a testimonial. The active and completed pairs are connected already in
the cast and the offers use the cast's topics, so the demo's counts stay the cast's.
Everything goes through the real services, so scores, check-ins and the pact are genuine.
Idempotent: an offer is created once per mentor and a mentorship once per pair, so running
it again adds nothing."""

from __future__ import annotations

from dataclasses import dataclass

from mutuals.accounts.models import User
from mutuals.mentorship.models import MentorOffer, Mentorship
from mutuals.mentorship.services import mentorships, offers, progress


@dataclass(frozen=True)
class DemoOffer:
    mentor: str
    title: str
    description: str
    topics: tuple[str, ...]
    formats: tuple[str, ...]
    capacity: int
    weeks: tuple[int, int]
    availability: str


OFFERS = (
    DemoOffer(
        "thandi",
        "Pricing schedule risk into supplier contracts",
        "I have negotiated rail supplier contracts for twelve years. I help project managers "
        "turn a risk register into clauses, prices and conversations suppliers accept.",
        ("Risk management", "Supplier contracts", "Schedule risk"),
        ("call", "in_person"),
        2,
        (8, 12),
        "Tuesday evenings, Johannesburg time",
    ),
    DemoOffer(
        "rajesh",
        "Earned value and PMO reporting that people read",
        "From a first earned value baseline to a monthly PMO report the board acts on; "
        "also PMP exam preparation.",
        ("Earned value", "PMO", "PMP exam prep"),
        ("call", "async"),
        3,
        (6, 16),
        "Weekday mornings, flexible",
    ),
    DemoOffer(
        "priya",
        "Running a portfolio the board can steer",
        "Prioritising projects against strategy, stage gates that stop work as well as start "
        "it, and portfolio reports that lead to decisions.",
        ("Portfolio management", "PMO", "Benefits realisation"),
        ("call", "in_person"),
        2,
        (8, 16),
        "Wednesday lunchtimes, Toronto time",
    ),
    DemoOffer(
        "meilin",
        "Facilitating remote Scrum teams",
        "Retrospectives that change something, planning that fits a distributed team, and "
        "how to stay neutral as a Scrum Master.",
        ("Scrum", "Facilitation", "Remote teams"),
        ("call", "async"),
        2,
        (4, 10),
        "Thursday afternoons, Pacific time",
    ),
    DemoOffer(
        "sam",
        "Hybrid delivery for logistics projects",
        "Mixing agile sprints with stage gates when half the work is warehouses and trucks.",
        ("Hybrid delivery", "Agile", "Risk management"),
        ("call", "async"),
        2,
        (6, 12),
        "Friday mornings, London time",
    ),
)


@dataclass(frozen=True)
class DemoMentorship:
    mentor: str
    mentee: str
    goals: tuple[str, ...]
    topics: tuple[str, ...]
    weeks: int
    note: str
    # "requested" (left for the mentor to answer), "active", or "completed" (with a shared
    # testimonial by the mentee).
    outcome: str
    reflection: str = ""


MENTORSHIPS = (
    DemoMentorship(
        "sam",
        "aiko",
        (
            "Plan a release that mixes sprints with a stage gate",
            "Explain hybrid delivery to sponsors",
        ),
        ("Hybrid delivery",),
        8,
        "Hi Sam, your offer on hybrid delivery at Kestrel Logistics is exactly my problem at "
        "Tidewater: our product sprints keep colliding with the hardware stage gates. Could you "
        "mentor me for eight weeks, with a call every two weeks?",
        "requested",
    ),
    DemoMentorship(
        "priya",
        "sam",
        (
            "Rank Kestrel's projects against strategy with the sponsors",
            "Run a stage gate that can stop a project",
        ),
        ("Portfolio management", "PMO"),
        10,
        "Hi Priya, your offer on portfolio management is what I need: at Kestrel Logistics we "
        "start every project and stop none, and I admire how Bayview Bank runs its stage "
        "gates. Could you mentor me for ten weeks, with a call every two weeks?",
        "active",
    ),
    DemoMentorship(
        "thandi",
        "liam",
        ("Price schedule risk into a supplier contract", "Run a risk review with suppliers"),
        ("Supplier contracts", "Risk management"),
        8,
        "Hi Thandi, your offer on supplier contracts and risk at Acme Rail is exactly what "
        "Maple Civic Works needs: our procurement team prices risk by guesswork. Could you "
        "mentor me for eight weeks, with a call every two weeks?",
        "completed",
        "Thandi showed me how to turn our risk register into contract clauses. Our bridge "
        "resurfacing tender went out with schedule risk priced in, and the suppliers accepted "
        "it. Practical, generous and honest.",
    ),
)


def mentorship_seed(members: dict[str, User]) -> int:
    """Create the demo offers and mentorships that do not exist yet; returns how many
    mentorships it started."""
    for spec in OFFERS:
        mentor = members[spec.mentor]
        if not MentorOffer.objects.filter(mentor=mentor).exists():
            offers.offer_create(
                mentor=mentor,
                data=offers.OfferInput(
                    title=spec.title,
                    description=spec.description,
                    topics=list(spec.topics),
                    formats=list(spec.formats),
                    capacity=spec.capacity,
                    min_weeks=spec.weeks[0],
                    max_weeks=spec.weeks[1],
                    availability=spec.availability,
                ),
            )
    created = 0
    for pair in MENTORSHIPS:
        mentor, mentee = members[pair.mentor], members[pair.mentee]
        if Mentorship.objects.filter(mentor=mentor, mentee=mentee).exists():
            continue
        offer = MentorOffer.objects.get(mentor=mentor)
        mentorship = mentorships.mentorship_request(
            mentee=mentee,
            draft=mentorships.RequestDraft(
                offer_id=offer.pk,
                goals=list(pair.goals),
                topics=list(pair.topics),
                format="call",
                weeks=pair.weeks,
                note=pair.note,
            ),
        )
        created += 1
        if pair.outcome == "requested":
            continue
        mentorships.mentorship_accept(member=mentor, mentorship_id=mentorship.pk)
        progress.checkin_log(member=mentee, mentorship_id=mentorship.pk, note="Kick-off call")
        first_goal = mentorship.goals.order_by("position").first()
        if first_goal is not None:
            progress.goal_set_done(
                member=mentee, mentorship_id=mentorship.pk, goal_id=first_goal.pk, done=True
            )
        if pair.outcome == "completed":
            mentorships.mentorship_end(
                member=mentee, mentorship_id=mentorship.pk, reason="goals_met"
            )
            progress.reflection_write(
                member=mentee, mentorship_id=mentorship.pk, text=pair.reflection, share=True
            )
    return created
