"""Helpers to set up invitation scenarios: two members who can legitimately connect."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone

from mutuals.accounts.models import User
from mutuals.accounts.tests.factories import make_member
from mutuals.connections.models import Invitation
from mutuals.connections.services import Draft, connection_create, invitation_send

GOOD_MESSAGE = (
    "Hi {first}, {mutual} suggested I write: your work on supplier contracts at {company} is "
    "what my team at Kestrel is wrestling with. Could I ask your advice for 20 minutes on how "
    "you priced schedule risk?"
)


def make_pair(
    *, sender_name: str = "Sam Okafor", recipient_name: str = "Thandi Mokoena"
) -> tuple[User, User, User]:
    """A sender, a recipient at Acme Rail, and a mutual connection of both."""
    sender = make_member(name=sender_name, profile={"company": "Kestrel", "topics": ["Agile"]})
    recipient = make_member(
        name=recipient_name,
        profile={"company": "Acme Rail", "topics": ["Risk management", "Agile"]},
    )
    mutual = make_member(name="Kwame Asante")
    connection_create(member=sender, other=mutual)
    connection_create(member=recipient, other=mutual)
    return sender, recipient, mutual


def good_draft(recipient: User, mutual: User, **overrides: str) -> Draft:
    values = {
        "recipient_id": recipient.pk,
        "context_kind": "mutual",
        "context_ref": str(mutual.pk),
        "intent": "advice",
        "message": GOOD_MESSAGE.format(
            first=recipient.get_short_name(),
            mutual=mutual.get_short_name(),
            company=recipient.profile.company,
        ),
    }
    values.update(overrides)
    return Draft(**values)  # type: ignore[arg-type]


def send(sender: User, recipient: User, mutual: User, **overrides: str) -> Invitation:
    return invitation_send(sender=sender, draft=good_draft(recipient, mutual, **overrides))


def backdate(invitation: Invitation, when: datetime) -> None:
    Invitation.objects.filter(pk=invitation.pk).update(
        created_at=when, deliver_at=when, responded_at=when if invitation.responded_at else None
    )


def invitation_row(
    sender: User, recipient: User, *, at: datetime | None = None, **fields: Any
) -> Invitation:
    """A request written straight as a row, as history (none of the send's rules run): a
    personal note about meeting at the chapter, pending, created and delivered `at` (now);
    `fields` set any other column (state, message, responded_at, …)."""
    at = at or timezone.now()
    low, high = sorted((sender.pk, recipient.pk))
    values: dict[str, Any] = {
        "context_kind": "other",
        "context_text": "We met at the chapter",
        "intent": "advice",
        "message": "Hello",
        "score": 70,
        "verdict": "personal",
        "state": "pending",
        "created_at": at,
        "deliver_at": at,
    }
    values.update(fields)
    return Invitation.objects.create(
        sender=sender, recipient=recipient, pair_low=low, pair_high=high, **values
    )
