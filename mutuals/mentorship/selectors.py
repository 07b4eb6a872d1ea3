"""Reads shared by the mentorship pages and endpoints, with their joins inside."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from mutuals.accounts.models import User
from mutuals.connections.invitations import RecipientMaterial
from mutuals.connections.selectors import blocked_ids
from mutuals.core.compiled import CompiledQuery
from mutuals.engagement.models import Obligation, ObligationKind
from mutuals.mentorship.matching import Need, OfferFacts, Suggestion, suggest
from mutuals.mentorship.models import (
    OPEN_STATES,
    Format,
    MentorOffer,
    Mentorship,
    MentorshipState,
    Participant,
    Programme,
    Reflection,
)


def offers_with_counts() -> QuerySet[MentorOffer]:
    """Offers with their mentor, topics and the number of active mentorships (`active`)."""
    return (
        MentorOffer.objects.select_related("mentor", "mentor__profile")
        .prefetch_related("topics")
        .annotate(active=Count("mentorships", filter=Q(mentorships__state=MentorshipState.ACTIVE)))
    )


def offers_open_to(viewer: User) -> QuerySet[MentorOffer]:
    """Offers the viewer could ask: not paused, active mentors, not their own, no block either
    way."""
    return (
        offers_with_counts()
        .filter(paused_at__isnull=True, mentor__is_active=True)
        .exclude(mentor=viewer)
        .exclude(mentor_id__in=blocked_ids(viewer.pk))
    )


def offer_facts(offer: MentorOffer) -> OfferFacts:
    return OfferFacts(
        offer_id=offer.pk,
        mentor_id=offer.mentor_id,
        topics={t.slug: t.name for t in offer.topics.all()},
        text=f"{offer.title}\n{offer.description}",
        formats=frozenset(offer.formats),
        min_weeks=offer.min_weeks,
        max_weeks=offer.max_weeks,
        capacity=offer.capacity,
        active=getattr(offer, "active", 0),
        paused=offer.is_paused,
        available_from=offer.available_from,
        format_labels=dict(Format.choices),
    )


def suggestions_for(viewer: User, need: Need) -> list[tuple[MentorOffer, Suggestion]]:
    """The best open offers for the viewer's need, with scores and reasons, best first."""
    offers = {o.pk: o for o in offers_open_to(viewer)}
    ranked = suggest(need, [offer_facts(o) for o in offers.values()], today=timezone.localdate())
    return [(offers[s.offer_id], s) for s in ranked]


def mentorships_for(
    viewer: User, *, role: str | None = None, state: str | None = None
) -> QuerySet[Mentorship]:
    """The viewer's mentorships (as `mentor` or `mentee`, or both), without those a block came
    between."""
    rows = Mentorship.objects.select_related(
        "mentor", "mentor__profile", "mentee", "mentee__profile", "offer", "programme"
    )
    if role == "mentor":
        rows = rows.filter(mentor=viewer)
    elif role == "mentee":
        rows = rows.filter(mentee=viewer)
    else:
        rows = rows.filter(Q(mentor=viewer) | Q(mentee=viewer))
    if state:
        rows = rows.filter(state=state)
    hidden = blocked_ids(viewer.pk)
    if hidden:
        rows = rows.exclude(mentor_id__in=hidden).exclude(mentee_id__in=hidden)
    return rows


def checkins_for(mentorship: Mentorship) -> list[Obligation]:
    """This mentorship's agreed check-ins (both parties'), by due date."""
    if mentorship.connection_id is None or mentorship.started_at is None:
        return []
    return list(
        Obligation.objects.filter(
            connection_id=mentorship.connection_id,
            kind=ObligationKind.MENTOR_CHECK_IN,
            party_id__in=mentorship.party_ids(),
            opened_at__gte=mentorship.started_at,
        )
        .select_related("fulfilled_by")
        .order_by("due_at", "party_id")
    )


def mentor_testimonials(viewer: User, mentor: User) -> QuerySet[Reflection]:
    """Mentees' reflections the mentee agreed to show on the mentor's profile, newest first;
    none by members the viewer blocked or who blocked them."""
    rows = (
        Reflection.objects.filter(
            share=True,
            mentorship__mentor=mentor,
            author_id=F("mentorship__mentee_id"),
        )
        .select_related("author", "author__profile", "mentorship")
        .order_by("-created_at", "-id")
    )
    hidden = blocked_ids(viewer.pk)
    return rows.exclude(author_id__in=hidden) if hidden else rows


@dataclass(frozen=True)
class ProfileSection:
    offer: MentorOffer | None
    testimonials: list[Reflection]
    open_mentorship: Mentorship | None
    can_request: bool


def profile_section(viewer: User, member: User) -> ProfileSection:
    """What a profile shows of the member as a mentor: their offer (with free places), the
    testimonials their mentees agreed to share, and whether the viewer can ask them."""
    offer = offers_with_counts().filter(mentor=member).first()
    testimonials = list(mentor_testimonials(viewer, member)[:10])
    open_mentorship = None
    if viewer.pk != member.pk:
        open_mentorship = (
            Mentorship.objects.filter(mentor=member, mentee=viewer, state__in=OPEN_STATES)
            .only("pk", "state")
            .first()
        )
    can_request = bool(
        offer
        and viewer.pk != member.pk
        and not offer.is_paused
        and getattr(offer, "active", 0) < offer.capacity
        and open_mentorship is None
    )
    return ProfileSection(offer, testimonials, open_mentorship, can_request)


def programmes_for(viewer: User) -> QuerySet[Programme]:
    """The programmes page's list: those the viewer organizes or takes part in (the same rule
    as `access.access_programme_by_id`), newest first, with the organizer loaded and
    `my_role` = the viewer's place in the cohort (mentor, mentee, or None)."""
    places = Participant.objects.filter(member=viewer)
    return (
        Programme.objects.filter(Q(organizer=viewer) | Q(pk__in=places.values("programme_id")))
        .select_related("organizer__profile")
        .annotate(my_role=Subquery(places.filter(programme=OuterRef("pk")).values("role")[:1]))
        .order_by("-created_at", "-id")
    )


def recipient_material(sender: User, recipient: User) -> RecipientMaterial:
    """The recipient's published mentor offer (title and description; a paused offer is still
    theirs to be referred to), registered with connections in MentorshipConfig.ready."""
    offer = _offer_compiled.first(mentor_id=recipient.pk)
    return RecipientMaterial(mentor_offer=f"{offer[0]}. {offer[1]}" if offer else "")


def _offer(mentor_id: int) -> QuerySet[MentorOffer, tuple[str, str]]:
    return (
        MentorOffer.objects.filter(mentor_id=mentor_id)
        .order_by("pk")
        .values_list("title", "description")[:1]
    )


# Read on every check of a request's note (each pause in typing): compiled once per process.
_offer_compiled: CompiledQuery[tuple[str, str]] = CompiledQuery(_offer, mentor_id=-730_801)


def offer_active_count(offer: MentorOffer) -> int:
    """How many mentorships of this offer are active (what its capacity is measured against)."""
    return Mentorship.objects.filter(offer=offer, state=MentorshipState.ACTIVE).count()
