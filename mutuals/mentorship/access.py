"""Fetch-with-permission for mentorship: the only way views and endpoints load an offer, a
mentorship or a programme."""

from __future__ import annotations

from django.db.models import Q

from mutuals.accounts.models import User
from mutuals.connections.selectors import is_blocked_between
from mutuals.core.errors import NotFound
from mutuals.mentorship.models import MentorOffer, Mentorship, Programme


def access_offer_by_id(viewer: User, offer_id: int) -> MentorOffer:
    """An offer of an active mentor the viewer may see; not found when missing, or when either
    has blocked the other (so a block is never revealed)."""
    offer = (
        MentorOffer.objects.select_related("mentor", "mentor__profile")
        .prefetch_related("topics")
        .filter(pk=offer_id, mentor__is_active=True)
        .first()
    )
    if offer is None or (
        offer.mentor_id != viewer.pk and is_blocked_between(viewer.pk, offer.mentor_id)
    ):
        raise NotFound("No such mentor offer.")
    return offer


def access_mentorship_by_id(viewer: User, mentorship_id: int) -> Mentorship:
    """A mentorship the viewer is the mentor or the mentee of; not found otherwise, and once
    either has blocked the other."""
    mentorship = (
        Mentorship.objects.select_related("mentor", "mentee", "offer", "programme")
        .filter(Q(mentor=viewer) | Q(mentee=viewer), pk=mentorship_id)
        .first()
    )
    if mentorship is None or is_blocked_between(mentorship.mentor_id, mentorship.mentee_id):
        raise NotFound("No such mentorship.")
    return mentorship


def access_programme_by_id(viewer: User, programme_id: int) -> Programme:
    """A programme the viewer organizes or takes part in; not found otherwise."""
    programme = (
        Programme.objects.select_related("organizer")
        .filter(Q(organizer=viewer) | Q(participants__member=viewer), pk=programme_id)
        .distinct()
        .first()
    )
    if programme is None:
        raise NotFound("No such programme.")
    return programme
