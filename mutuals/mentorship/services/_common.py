"""What the mentorship services share: the notification and link of a mentorship, topics by
name, who is hidden from whom, an offer's active count, and the lifecycle's transitions (one
conditional UPDATE with its `MentorshipEvent`, core/transitions.py; a lost race or an action on
a mentorship in another state answers `state_changed`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.urls import reverse

from mutuals.accounts.models import Topic, User
from mutuals.accounts.services import topics_resolve
from mutuals.accounts.topics import topics_clean
from mutuals.connections.selectors import is_blocked_between
from mutuals.core.transitions import state_changed, transition
from mutuals.engagement.notifications import notify
from mutuals.mentorship.models import OPEN_STATES, Mentorship, MentorshipEvent, MentorshipState

MAX_TOPICS = 8


def _url(mentorship_id: int) -> str:
    return reverse("mentorship_detail", args=[mentorship_id])


def _notify(member: User | int, key: str, kind: str, title: str, body: str, url: str) -> None:
    target = member if isinstance(member, User) else User.objects.get(pk=member)
    notify(member=target, key=key, kind=kind, title=title, body=body, url=url)


def _topics(names: Sequence[str], errors: dict[str, list[str]], *, required: bool) -> list[Topic]:
    pairs = topics_clean(names, errors, limit=MAX_TOPICS)
    if "topics" in errors:
        return []
    if required and not pairs:
        errors["topics"] = ["Name at least one topic."]
        return []
    return topics_resolve(pairs) if pairs else []


def _hidden(viewer: User, member_id: int) -> bool:
    return (
        is_blocked_between(viewer.pk, member_id)
        or not User.objects.filter(pk=member_id, is_active=True).exists()
    )


def _event(
    mentorship: Mentorship, actor: User | None, from_state: str, to_state: str, at: datetime
) -> None:
    MentorshipEvent.objects.create(
        mentorship=mentorship,
        actor=actor,
        from_state=from_state,
        to_state=to_state,
        reason=mentorship.reason if to_state not in OPEN_STATES else "",
        at=at,
    )


def _transition(
    mentorship: Mentorship,
    *,
    actor: User | None,
    expected: str,
    to: str,
    at: datetime,
    **changes: Any,
) -> None:
    """Move `mentorship` from `expected` to `to` with one conditional UPDATE and its
    `MentorshipEvent` (core/transitions.py); a concurrent change that got there first answers
    `state_changed` (409) naming the state it is in."""
    transition(
        mentorship,
        expected=expected,
        to=to,
        changes=changes,
        audit_model=MentorshipEvent,
        audit=transition_audit(mentorship, actor, to, at, changes),
    )


def transition_audit(
    mentorship: Mentorship, actor: User | None, to: str, at: datetime, changes: dict[str, Any]
) -> dict[str, Any]:
    reason = str(changes.get("reason", mentorship.reason)) if to not in OPEN_STATES else ""
    return {"mentorship": mentorship, "actor": actor, "reason": reason, "at": at}


def _expect(mentorship: Mentorship, state: str, action: str) -> None:
    """Refuse an action on a mentorship in another state (`state_changed`, 409)."""
    if mentorship.state != state:
        raise state_changed(
            mentorship,
            message=f"Only a {MentorshipState(state).label.lower()} mentorship can be {action}; "
            f"this one is {mentorship.get_state_display().lower()}.",
        )
