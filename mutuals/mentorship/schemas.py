"""API shapes for mentor offers, mentorships and programmes."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import Field

from mutuals.accounts.schemas import MemberRefOut
from mutuals.connections.schemas import FindingOut
from mutuals.core.schemas import Schema
from mutuals.engagement.models import Obligation
from mutuals.mentorship.matching import Suggestion
from mutuals.mentorship.models import (
    MAX_CAPACITY,
    MAX_GOALS,
    MAX_NOTE_LENGTH,
    MAX_REFLECTION_LENGTH,
    MAX_WEEKS,
    MIN_WEEKS,
    Goal,
    MentorOffer,
    Mentorship,
    Participant,
    Programme,
    Reflection,
)
from mutuals.mentorship.selectors import offer_active_count
from mutuals.mentorship.services import mentorships, offers


class OfferIn(Schema):
    title: str = Field(max_length=200)
    description: str = Field(max_length=4000)
    topics: list[str] = Field(max_length=20)
    formats: list[str] = Field(description="call, in_person and/or async", max_length=3)
    capacity: int = Field(ge=0, le=100, description=f"mentees at once, 1–{MAX_CAPACITY}")
    min_weeks: int = Field(ge=0, le=100, description=f"{MIN_WEEKS}–{MAX_WEEKS}")
    max_weeks: int = Field(ge=0, le=100, description=f"{MIN_WEEKS}–{MAX_WEEKS}")
    availability: str = Field(max_length=400, description="when you are usually available")
    available_from: date | None = None

    def as_input(self) -> offers.OfferInput:
        return offers.OfferInput(**self.model_dump())


class OfferOut(Schema):
    id: int
    mentor: MemberRefOut
    title: str
    description: str
    topics: list[str]
    formats: list[str]
    capacity: int
    active: int
    free_places: int
    min_weeks: int
    max_weeks: int
    availability: str
    available_from: date | None
    paused: bool

    @staticmethod
    def build(offer: MentorOffer) -> OfferOut:
        active = getattr(offer, "active", None)
        if active is None:
            active = offer_active_count(offer)
        return OfferOut(
            id=offer.pk,
            mentor=MemberRefOut.build(offer.mentor),
            title=offer.title,
            description=offer.description,
            topics=[t.name for t in offer.topics.all()],
            formats=list(offer.formats),
            capacity=offer.capacity,
            active=active,
            free_places=max(offer.capacity - active, 0),
            min_weeks=offer.min_weeks,
            max_weeks=offer.max_weeks,
            availability=offer.availability,
            available_from=offer.available_from,
            paused=offer.is_paused,
        )


class OfferPage(Schema):
    items: list[OfferOut]
    next: str | None


class NeedIn(Schema):
    topics: list[str] = Field(default_factory=list, max_length=20)
    goals: list[str] = Field(default_factory=list, max_length=MAX_GOALS * 2)
    format: str = ""
    weeks: int | None = Field(default=None, ge=1, le=52)


class MentorSuggestionOut(Schema):
    offer: OfferOut
    score: int
    reasons: list[str]

    @staticmethod
    def build(offer: MentorOffer, suggestion: Suggestion) -> MentorSuggestionOut:
        return MentorSuggestionOut(
            offer=OfferOut.build(offer), score=suggestion.score, reasons=list(suggestion.reasons)
        )


class CheckIn(Schema):
    offer_id: int
    note: str = Field(max_length=MAX_NOTE_LENGTH * 2)
    topics: list[str] = Field(default_factory=list, max_length=20)


class NoteCheckOut(Schema):
    score: int
    verdict: str
    findings: list[FindingOut]


class RequestIn(Schema):
    offer_id: int
    goals: list[str] = Field(max_length=MAX_GOALS * 2, description="what you want to be able to do")
    topics: list[str] = Field(default_factory=list, max_length=20)
    format: str = Field(description="call, in_person or async")
    weeks: int = Field(ge=0, le=100, description=f"{MIN_WEEKS}–{MAX_WEEKS}")
    cadence: str = Field(default="biweekly", description="weekly, biweekly or monthly")
    note: str = Field(max_length=MAX_NOTE_LENGTH * 2, description="your personal note")

    def as_draft(self) -> mentorships.RequestDraft:
        return mentorships.RequestDraft(**self.model_dump())


class AcceptIn(Schema):
    cadence: str | None = Field(default=None, description="confirm or change the cadence")


class MentorshipDeclineIn(Schema):
    reason: str = Field(description="no_capacity, not_my_area, timing or other")


class EndIn(Schema):
    reason: str = Field(description="goals_met, no_time, not_a_fit or other")
    note: str = Field(default="", max_length=1000)


class GoalIn(Schema):
    text: str = Field(max_length=400)


class GoalPatch(Schema):
    done: bool


class GoalOut(Schema):
    id: int
    text: str
    done: bool
    done_at: datetime | None

    @staticmethod
    def build(goal: Goal) -> GoalOut:
        return GoalOut(
            id=goal.pk, text=goal.text, done=goal.done_at is not None, done_at=goal.done_at
        )


class CheckinLogIn(Schema):
    at: datetime | None = None
    note: str = Field(default="", max_length=1000)


class CheckinOut(Schema):
    party_id: int | None
    due_at: datetime
    fulfilled_at: datetime | None
    cancelled: bool

    @staticmethod
    def build(obligation: Obligation) -> CheckinOut:
        return CheckinOut(
            party_id=obligation.party_id,
            due_at=obligation.due_at,
            fulfilled_at=obligation.fulfilled_at,
            cancelled=obligation.cancelled_at is not None,
        )


class ReflectionIn(Schema):
    text: str = Field(max_length=MAX_REFLECTION_LENGTH * 2)
    share: bool = Field(default=False, description="mentee only: show it on the mentor's profile")


class ShareIn(Schema):
    share: bool


class ReflectionOut(Schema):
    author_id: int
    text: str
    share: bool
    created_at: datetime

    @staticmethod
    def build(reflection: Reflection) -> ReflectionOut:
        return ReflectionOut(
            author_id=reflection.author_id,
            text=reflection.text,
            share=reflection.share,
            created_at=reflection.created_at,
        )


class MentorshipOut(Schema):
    id: int
    state: str
    mentor: MemberRefOut
    mentee: MemberRefOut
    offer_id: int | None
    programme_id: int | None
    format: str
    weeks: int
    cadence: str
    note: str
    score: int | None
    created_at: datetime
    started_at: datetime | None
    ends_at: datetime | None
    ended_at: datetime | None
    reason: str
    reason_note: str

    @staticmethod
    def fields(mentorship: Mentorship) -> dict[str, object]:
        return {
            "id": mentorship.pk,
            "state": mentorship.state,
            "mentor": MemberRefOut.build(mentorship.mentor),
            "mentee": MemberRefOut.build(mentorship.mentee),
            "offer_id": mentorship.offer_id,
            "programme_id": mentorship.programme_id,
            "format": mentorship.format,
            "weeks": mentorship.weeks,
            "cadence": mentorship.cadence,
            "note": mentorship.note,
            "score": mentorship.score,
            "created_at": mentorship.created_at,
            "started_at": mentorship.started_at,
            "ends_at": mentorship.ends_at,
            "ended_at": mentorship.ended_at,
            "reason": mentorship.reason,
            "reason_note": mentorship.reason_note,
        }

    @staticmethod
    def build(mentorship: Mentorship) -> MentorshipOut:
        return MentorshipOut(**MentorshipOut.fields(mentorship))  # type: ignore[arg-type]


class MentorshipDetailOut(MentorshipOut):
    goals: list[GoalOut]
    checkins: list[CheckinOut]
    reflections: list[ReflectionOut]


class MentorshipPage(Schema):
    items: list[MentorshipOut]
    next: str | None


class ProgrammeIn(Schema):
    name: str = Field(max_length=240)
    description: str = Field(default="", max_length=4000)
    weeks: int = Field(default=12, ge=0, le=100)
    cadence: str = "biweekly"


class ParticipantIn(Schema):
    member_id: int
    role: str = Field(description="mentor or mentee")
    capacity: int = Field(default=1, ge=0, le=100)


class RankingIn(Schema):
    ranking: list[int] = Field(
        max_length=200, description="member ids of the other side, best first"
    )


class ProgrammeParticipantOut(Schema):
    member: MemberRefOut
    role: str
    capacity: int
    ranking: list[int]
    ranked_at: datetime | None

    @staticmethod
    def build(participant: Participant, *, show_ranking: bool) -> ProgrammeParticipantOut:
        return ProgrammeParticipantOut(
            member=MemberRefOut.build(participant.member),
            role=participant.role,
            capacity=participant.capacity,
            ranking=list(participant.ranking) if show_ranking else [],
            ranked_at=participant.ranked_at,
        )


class PairOut(Schema):
    mentor_id: int
    mentee_id: int


class ProgrammeOut(Schema):
    id: int
    name: str
    description: str
    organizer: MemberRefOut
    weeks: int
    cadence: str
    state: str
    computed_at: datetime | None
    published_at: datetime | None
    participants: list[ProgrammeParticipantOut]
    assignment: list[PairOut]


class ProgrammeSummaryOut(Schema):
    """A programme in your list; `GET /api/programmes/{id}` has its cohort and assignment."""

    id: int
    name: str
    description: str
    organizer: MemberRefOut
    weeks: int
    cadence: str
    state: str = Field(description="open or published")
    is_organizer: bool = Field(description="you organize it")
    my_role: str | None = Field(description="your place in its cohort: mentor, mentee or null")
    created_at: datetime
    computed_at: datetime | None
    published_at: datetime | None

    @staticmethod
    def build(programme: Programme, *, viewer_id: int) -> ProgrammeSummaryOut:
        """`programme.my_role` annotated by `selectors.programmes_for`."""
        return ProgrammeSummaryOut(
            id=programme.pk,
            name=programme.name,
            description=programme.description,
            organizer=MemberRefOut.build(programme.organizer),
            weeks=programme.weeks,
            cadence=programme.cadence,
            state=programme.state,
            is_organizer=programme.organizer_id == viewer_id,
            my_role=programme.my_role,  # type: ignore[attr-defined]
            created_at=programme.created_at,
            computed_at=programme.computed_at,
            published_at=programme.published_at,
        )


class ProgrammePage(Schema):
    items: list[ProgrammeSummaryOut]
    next: str | None


class PublishOut(Schema):
    mentorship_ids: list[int]
    skipped: list[PairOut]


def programme_out(programme: Programme, *, viewer_id: int) -> ProgrammeOut:
    """Rankings are private: each participant sees their own; the organizer sees all."""
    organizer = programme.organizer_id == viewer_id
    participants = list(programme.participants.select_related("member", "member__profile"))
    pairs = list(programme.assignments.all()) if organizer else []
    return ProgrammeOut(
        id=programme.pk,
        name=programme.name,
        description=programme.description,
        organizer=MemberRefOut.build(programme.organizer),
        weeks=programme.weeks,
        cadence=programme.cadence,
        state=programme.state,
        computed_at=programme.computed_at,
        published_at=programme.published_at,
        participants=[
            ProgrammeParticipantOut.build(p, show_ranking=organizer or p.member_id == viewer_id)
            for p in participants
        ],
        assignment=[PairOut(mentor_id=a.mentor_id, mentee_id=a.mentee_id) for a in pairs],
    )
