"""A mentor's offer: topics, formats, capacity and a duration range; one per member, paused
or resumed, never below the mentees they already have."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from mutuals.accounts.models import User
from mutuals.core.errors import Conflict, NotAllowed, NotFound, Refused
from mutuals.mentorship.models import MAX_CAPACITY, MAX_WEEKS, MIN_WEEKS, Format, MentorOffer
from mutuals.mentorship.selectors import offer_active_count
from mutuals.mentorship.services._common import _hidden, _topics

MAX_TITLE_LENGTH = 120
MAX_DESCRIPTION_LENGTH = 2000
MAX_AVAILABILITY_LENGTH = 200


# --- Offers --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OfferInput:
    """A mentor offer as the mentor wrote it."""

    title: str
    description: str
    topics: list[str]
    formats: list[str]
    capacity: int
    min_weeks: int
    max_weeks: int
    availability: str
    available_from: date | None = None


def _validate_offer(data: OfferInput, errors: dict[str, list[str]]) -> dict[str, Any]:
    title = " ".join(data.title.split())
    description = data.description.strip()
    availability = " ".join(data.availability.split())
    if not title:
        errors["title"] = ["Say in a line what you can help with."]
    elif len(title) > MAX_TITLE_LENGTH:
        errors["title"] = [f"Keep the title to {MAX_TITLE_LENGTH} characters."]
    if not description:
        errors["description"] = ["Describe what mentees can expect from you."]
    elif len(description) > MAX_DESCRIPTION_LENGTH:
        errors["description"] = [f"Keep the description to {MAX_DESCRIPTION_LENGTH} characters."]
    formats = [f for f in Format.values if f in set(data.formats)]
    unknown = [f for f in data.formats if f not in Format.values]
    if unknown or not formats:
        errors["formats"] = [f"Choose at least one format: {', '.join(Format.values)}."]
    if not 1 <= data.capacity <= MAX_CAPACITY:
        errors["capacity"] = [f"Take between 1 and {MAX_CAPACITY} mentees at once."]
    if not MIN_WEEKS <= data.min_weeks <= MAX_WEEKS:
        errors["min_weeks"] = [f"Between {MIN_WEEKS} and {MAX_WEEKS} weeks."]
    if not MIN_WEEKS <= data.max_weeks <= MAX_WEEKS:
        errors["max_weeks"] = [f"Between {MIN_WEEKS} and {MAX_WEEKS} weeks."]
    elif data.min_weeks > data.max_weeks and "min_weeks" not in errors:
        errors["max_weeks"] = ["The longest duration cannot be shorter than the shortest."]
    if not availability:
        errors["availability"] = ["Say when you are usually available (e.g. Tuesday evenings)."]
    elif len(availability) > MAX_AVAILABILITY_LENGTH:
        errors["availability"] = [f"Keep it to {MAX_AVAILABILITY_LENGTH} characters."]
    return {
        "title": title,
        "description": description,
        "formats": formats,
        "capacity": data.capacity,
        "min_weeks": data.min_weeks,
        "max_weeks": data.max_weeks,
        "availability": availability,
        "available_from": data.available_from,
    }


@transaction.atomic
def offer_create(*, mentor: User, data: OfferInput) -> MentorOffer:
    """Publish the member's mentor offer (one per member: `offer_exists`, 409, when they
    already have one; edit it instead). Topics, at least one format, capacity 1–10 and a
    duration range within 4–24 weeks are required."""
    errors: dict[str, list[str]] = {}
    values = _validate_offer(data, errors)
    topics = _topics(data.topics, errors, required=True)
    if errors:
        raise Refused.for_fields(errors)
    now = timezone.now()
    try:
        with transaction.atomic():
            offer = MentorOffer.objects.create(
                mentor=mentor, created_at=now, updated_at=now, **values
            )
    except IntegrityError as exc:
        raise Conflict(
            "You already offer mentorship; edit your offer instead.", code="offer_exists"
        ) from exc
    offer.topics.set(topics)
    return offer


def _own_offer(mentor: User, offer_id: int) -> MentorOffer:
    offer = MentorOffer.objects.select_for_update().filter(pk=offer_id).first()
    if offer is None or (offer.mentor_id != mentor.pk and _hidden(mentor, offer.mentor_id)):
        raise NotFound("No such mentor offer.")
    if offer.mentor_id != mentor.pk:
        raise NotAllowed("Only the mentor can change their offer.", code="not_your_offer")
    return offer


@transaction.atomic
def offer_update(*, mentor: User, offer_id: int, data: OfferInput) -> MentorOffer:
    """Edit the mentor's own offer. Capacity may not go below the mentees they already have
    (`capacity_below_active`); requests already sent keep the terms they asked for."""
    offer = _own_offer(mentor, offer_id)
    errors: dict[str, list[str]] = {}
    values = _validate_offer(data, errors)
    topics = _topics(data.topics, errors, required=True)
    active = offer_active_count(offer)
    if "capacity" not in errors and data.capacity < active:
        errors["capacity"] = [
            f"You have {active} active mentee{'s' if active != 1 else ''}; capacity cannot be "
            "lower than that."
        ]
    if errors:
        refusal = Refused.for_fields(errors)
        if list(errors) == ["capacity"] and data.capacity < active:
            refusal.code = "capacity_below_active"
        raise refusal
    for name, value in values.items():
        setattr(offer, name, value)
    offer.updated_at = timezone.now()
    offer.save()
    offer.topics.set(topics)
    return offer


@transaction.atomic
def offer_pause(*, mentor: User, offer_id: int, paused: bool = True) -> MentorOffer:
    """Pause the offer (no new requests; current mentorships and open requests carry on) or
    resume it. Pausing twice is harmless."""
    offer = _own_offer(mentor, offer_id)
    now = timezone.now()
    if paused and offer.paused_at is None:
        offer.paused_at = now
    elif not paused:
        offer.paused_at = None
    offer.updated_at = now
    offer.save(update_fields=["paused_at", "updated_at"])
    return offer
