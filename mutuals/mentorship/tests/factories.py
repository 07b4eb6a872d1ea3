"""Mentorship scenarios: a mentor with an offer, a mentee with a personal note that passes
the mentor's minimum score, and the steps of the lifecycle."""

from __future__ import annotations

from typing import Any

from mutuals.accounts.models import User
from mutuals.accounts.tests.factories import make_member
from mutuals.mentorship.models import MentorOffer, Mentorship
from mutuals.mentorship.services import mentorships, offers

GOOD_NOTE = (
    "Hi {first}, your offer on risk management at {company} is exactly what I need: I lead "
    "supplier negotiations at Kestrel and want to price schedule risk into our contracts the "
    "way you describe. Could you mentor me for ten weeks, with a call every two weeks?"
)


def make_mentor(name: str = "Thandi Mokoena", **offer: Any) -> tuple[User, MentorOffer]:
    mentor = make_member(
        name=name,
        profile={
            "company": "Acme Rail",
            "title": "Head of risk",
            "topics": ["Risk management", "Agile"],
        },
    )
    return mentor, make_offer(mentor, **offer)


def offer_input(**overrides: Any) -> offers.OfferInput:
    values: dict[str, Any] = {
        "title": "Pricing schedule risk into supplier contracts",
        "description": "Negotiation, contract clauses and risk registers that people use.",
        "topics": ["Risk management", "Negotiation"],
        "formats": ["call", "async"],
        "capacity": 2,
        "min_weeks": 8,
        "max_weeks": 12,
        "availability": "Tuesday evenings, UK time",
    }
    values.update(overrides)
    return offers.OfferInput(**values)


def make_offer(mentor: User, **overrides: Any) -> MentorOffer:
    return offers.offer_create(mentor=mentor, data=offer_input(**overrides))


def make_mentee(name: str = "Sam Okafor") -> User:
    return make_member(name=name, profile={"company": "Kestrel", "topics": ["Risk management"]})


def note_for(mentor: User) -> str:
    return GOOD_NOTE.format(first=mentor.get_short_name(), company=mentor.profile.company)


def draft(offer: MentorOffer, **overrides: Any) -> mentorships.RequestDraft:
    values: dict[str, Any] = {
        "offer_id": offer.pk,
        "goals": [
            "Negotiate a supplier contract with schedule risk priced in",
            "Run a risk register the team keeps up to date",
        ],
        "topics": ["Risk management"],
        "format": "call",
        "weeks": 10,
        "cadence": "biweekly",
        "note": note_for(offer.mentor),
    }
    values.update(overrides)
    return mentorships.RequestDraft(**values)


def request(mentee: User, offer: MentorOffer, **overrides: Any) -> Mentorship:
    return mentorships.mentorship_request(mentee=mentee, draft=draft(offer, **overrides))


def active(mentee: User, offer: MentorOffer, **overrides: Any) -> Mentorship:
    mentorship = request(mentee, offer, **overrides)
    return mentorships.mentorship_accept(member=offer.mentor, mentorship_id=mentorship.pk)
