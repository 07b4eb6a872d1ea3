"""Collaborations: a project some connections work on together, and its lifecycle.

A proposal names up to 7 of the proposer's connections and where it started: a conversation
they are all in, or an event they all checked in at. The apps that own those rows say how to
resolve them (`collaboration_origin_register`, called from their `AppConfig.ready()`), so this
module reads no model of an app above engagement. Nothing counts until an invitee confirms;
each confirmation records a `collaboration` interaction with every other confirmed member.

The collaboration's own state moves proposed → active → completed, or proposed → declined /
withdrawn, each by one conditional UPDATE with a `CollaborationEvent` (core/transitions.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from mutuals.accounts.models import User
from mutuals.connections.selectors import blocked_ids, connected_ids
from mutuals.core.errors import Conflict, NotAllowed, NotFound, Refused
from mutuals.core.transitions import state_changed, transition, transition_if
from mutuals.engagement.access import access_collaboration_by_id
from mutuals.engagement.models import (
    Collaboration,
    CollaborationEvent,
    CollaborationOrigin,
    CollaborationState,
    Collaborator,
    CollaboratorState,
    Interaction,
    InteractionKind,
)
from mutuals.engagement.notifications import notify
from mutuals.engagement.services import interaction_record

COLLABORATION_TITLE_MIN = 3
COLLABORATION_TITLE_MAX = 120
COLLABORATION_DESCRIPTION_MAX = 600
# People in one collaboration, the proposer included (a small team, like a group conversation).
COLLABORATION_MAX_MEMBERS = 8


def _collaboration_url(collaboration_id: int) -> str:
    return reverse("collaboration_detail", args=[collaboration_id])


def _collaboration_fields(
    title: str, description: str, member_ids: list[int], proposer: User
) -> str:
    errors: dict[str, list[str]] = {}
    title = " ".join(title.split())
    if len(title) < COLLABORATION_TITLE_MIN:
        errors["title"] = ["Give the project a title of a few words."]
    elif len(title) > COLLABORATION_TITLE_MAX:
        errors["title"] = [f"Keep the title to {COLLABORATION_TITLE_MAX} characters."]
    if len(description.strip()) > COLLABORATION_DESCRIPTION_MAX:
        errors["description"] = [
            f"Keep the description to {COLLABORATION_DESCRIPTION_MAX} characters "
            f"(now {len(description.strip())})."
        ]
    if not member_ids:
        errors["member_ids"] = ["Choose at least one person to collaborate with."]
    elif proposer.pk in member_ids:
        errors["member_ids"] = ["You are in it already; choose the others."]
    elif len(set(member_ids)) + 1 > COLLABORATION_MAX_MEMBERS:
        errors["member_ids"] = [
            f"A collaboration has at most {COLLABORATION_MAX_MEMBERS} people, you included."
        ]
    if errors:
        raise Refused.for_fields(errors)
    return title


@dataclass(frozen=True)
class SharedOrigin:
    """What a feature app found for an origin: the row (`source`), the members who share it,
    and how to name those who do not (`outside_one` / `outside_many`, a verb phrase) and the
    proposer when they do not (`proposer_outside`, a sentence)."""

    source: models.Model
    member_ids: frozenset[int]
    outside_one: str
    outside_many: str
    proposer_outside: str = ""


# Resolves `(proposer, origin id)` to the shared origin; raises NotFound for an origin the
# proposer may not see.
OriginResolver = Callable[[User, int], SharedOrigin]
_ORIGIN_RESOLVERS: dict[str, OriginResolver] = {}


def collaboration_origin_register(origin: str, resolver: OriginResolver) -> None:
    """Say how to resolve one kind of origin (`CollaborationOrigin`). The app that owns the
    rows calls this from its `AppConfig.ready()` (messaging: conversations, events: events),
    so engagement reads no model above it. Registering a kind again replaces the resolver."""
    _ORIGIN_RESOLVERS[origin] = resolver


def _collaboration_origin(
    proposer: User, members: list[User], conversation_id: int | None, event_id: int | None
) -> tuple[str, SharedOrigin]:
    """Resolve the origin, which every member must share with the proposer: a conversation they
    are all in, or an event they all checked in at (a verified attendance, not an RSVP)."""
    if (conversation_id is None) == (event_id is None):
        raise Refused(
            "Say where it started: a conversation you are all in, or an event you all attended.",
            code="origin_required",
        )
    if event_id is not None:
        kind, origin_id = CollaborationOrigin.EVENT, event_id
    else:
        kind, origin_id = CollaborationOrigin.CONVERSATION, conversation_id or 0
    resolver = _ORIGIN_RESOLVERS.get(kind)
    if resolver is None:
        raise LookupError(f"No app registered the collaboration origin {kind!r}.")
    shared = resolver(proposer, origin_id)
    if proposer.pk not in shared.member_ids:
        raise Refused(
            f"{shared.proposer_outside}; a collaboration starts from something you all share.",
            code="origin_not_shared",
            detail={"member_ids": [proposer.pk]},
        )
    _all_share(
        [m for m in members if m.pk not in shared.member_ids],
        shared.outside_one,
        shared.outside_many,
    )
    return kind, shared


def _all_share(outside: list[User], one: str, many: str) -> None:
    """Refuse naming the members outside the origin (`one`/`many`: the verb phrase)."""
    if outside:
        raise Refused(
            f"{', '.join(m.name for m in outside)} {one if len(outside) == 1 else many}; "
            "a collaboration starts from something you all share.",
            code="origin_not_shared",
            detail={"member_ids": [m.pk for m in outside]},
        )


@transaction.atomic
def collaboration_propose(
    *,
    proposer: User,
    title: str,
    member_ids: list[int],
    description: str = "",
    conversation_id: int | None = None,
    event_id: int | None = None,
) -> Collaboration:
    """Propose a collaboration: a project with a title (and a short description) with some of
    the proposer's connections (up to 8 people in all), started from something they all share —
    a conversation they are all in, or an event they all attended. Members the proposer may not
    see (missing, inactive, blocked either way) are not found; members who are not the
    proposer's connections are refused. Each invitee is asked to confirm; nothing counts until
    one does. The same open title twice from one proposer is a conflict."""
    title = _collaboration_fields(title, description, member_ids, proposer)
    wanted = list(dict.fromkeys(member_ids))
    members = {u.pk: u for u in User.objects.filter(pk__in=wanted, is_active=True)}
    hidden = blocked_ids(proposer.pk)
    if any(pk not in members or pk in hidden for pk in wanted):
        raise NotFound("That member was not found.")
    connections = connected_ids(proposer.pk)
    strangers = [members[pk] for pk in wanted if pk not in connections]
    if strangers:
        raise Refused(
            f"You can only collaborate with your connections; "
            f"{', '.join(m.name for m in strangers)} "
            f"{'is' if len(strangers) == 1 else 'are'} not connected to you.",
            code="not_connected",
            detail={"member_ids": [m.pk for m in strangers]},
        )
    ordered = [members[pk] for pk in wanted]
    origin, shared = _collaboration_origin(proposer, ordered, conversation_id, event_id)
    if Collaboration.objects.filter(
        proposer=proposer,
        title__iexact=title,
        state__in=[CollaborationState.PROPOSED, CollaborationState.ACTIVE],
    ).exists():
        raise Conflict(
            "You already have an open collaboration with that title.",
            code="collaboration_exists",
        )
    now = timezone.now()
    collaboration = Collaboration.objects.create(
        title=title,
        description=description.strip(),
        proposer=proposer,
        origin=origin,
        conversation_id=shared.source.pk if origin == CollaborationOrigin.CONVERSATION else None,
        event_id=shared.source.pk if origin == CollaborationOrigin.EVENT else None,
        created_at=now,
    )
    CollaborationEvent.objects.create(
        collaboration=collaboration,
        actor=proposer,
        from_state="",
        to_state=CollaborationState.PROPOSED,
        at=now,
    )
    Collaborator.objects.bulk_create(
        [
            Collaborator(
                collaboration=collaboration,
                member=proposer,
                state=CollaboratorState.CONFIRMED,
                invited_at=now,
                responded_at=now,
            ),
            *(Collaborator(collaboration=collaboration, member=m, invited_at=now) for m in ordered),
        ]
    )
    for invitee in ordered:
        notify(
            member=invitee,
            key=f"collaboration:{collaboration.pk}:invited:{invitee.pk}",
            kind="collaboration_invited",
            title=f"{proposer.name} proposes a collaboration: {title}",
            body="Confirm if you are working on it together; it will show on your profile.",
            url=_collaboration_url(collaboration.pk),
        )
    return collaboration


def _own_seat(member: User, collaboration_id: int) -> tuple[Collaboration, Collaborator]:
    """The collaboration (locked) and the member's seat in it; not found for anyone else."""
    access_collaboration_by_id(member, collaboration_id)
    collaboration = Collaboration.objects.select_for_update().get(pk=collaboration_id)
    seat = Collaborator.objects.select_for_update().get(collaboration=collaboration, member=member)
    return collaboration, seat


def _move(
    collaboration: Collaboration,
    *,
    actor: User,
    expected: str,
    to: str,
    at: datetime,
    **changes: object,
) -> None:
    """One conditional UPDATE from `expected` to `to` with its `CollaborationEvent`
    (core/transitions.py). The row is locked by `_own_seat` where the database locks rows;
    where it does not (SQLite), a move that lost the race answers `state_changed` (409)."""
    transition(
        collaboration,
        expected=expected,
        to=to,
        changes=changes,
        audit_model=CollaborationEvent,
        audit={"collaboration": collaboration, "actor": actor, "at": at},
    )


def _closed(collaboration: Collaboration) -> Conflict:
    return Conflict(
        f"This collaboration is {collaboration.get_state_display().lower()}; "
        "it no longer takes answers.",
        code="collaboration_closed",
    )


def collaboration_record(*, collaboration: Collaboration) -> list[Interaction]:
    """A `collaboration` interaction between each pair of confirmed members who are connected
    (the ledger counts only relationships): the one who confirmed later is the actor, at the
    moment they confirmed. Keyed by the collaboration, so recording again adds nothing."""
    seats = list(
        Collaborator.objects.filter(collaboration=collaboration, state=CollaboratorState.CONFIRMED)
        .select_related("member")
        .order_by("responded_at", "id")
    )
    recorded = []
    for index, later in enumerate(seats):
        for earlier in seats[:index]:
            interaction = interaction_record(
                actor=later.member,
                counterpart=earlier.member,
                kind=InteractionKind.COLLABORATION,
                at=later.responded_at or collaboration.created_at,
                source_key=f"collaboration:{collaboration.pk}",
                note=collaboration.title[:500],
            )
            if interaction is not None:
                recorded.append(interaction)
    return recorded


@transaction.atomic
def collaboration_confirm(*, member: User, collaboration_id: int) -> Collaboration:
    """An invitee confirms they work on it together. The first confirmation makes the
    collaboration active; each confirmation records a collaboration interaction with every
    other confirmed member. Only invitees confirm (the proposer stands behind it already);
    confirming twice is harmless; a declined invitation or a closed collaboration is a
    conflict."""
    collaboration, seat = _own_seat(member, collaboration_id)
    if collaboration.proposer_id == member.pk:
        raise NotAllowed("You proposed it; the people you invited confirm.", code="not_an_invitee")
    if seat.state == CollaboratorState.CONFIRMED:
        return collaboration
    if not collaboration.is_open:
        raise _closed(collaboration)
    if seat.state == CollaboratorState.DECLINED:
        raise Conflict("You declined this collaboration.", code="already_declined")
    now = timezone.now()
    seat.state = CollaboratorState.CONFIRMED
    seat.responded_at = now
    seat.save(update_fields=["state", "responded_at"])
    if collaboration.state == CollaborationState.PROPOSED and not transition_if(
        collaboration,
        expected=CollaborationState.PROPOSED,
        to=CollaborationState.ACTIVE,
        changes={"started_at": now},
        audit_model=CollaborationEvent,
        audit={"collaboration": collaboration, "actor": member, "at": now},
    ):
        # Another confirmation made it active first: this one joins it. Anything else moved
        # it out from under this answer.
        collaboration.refresh_from_db()
        if collaboration.state != CollaborationState.ACTIVE:
            raise state_changed(collaboration)
    collaboration_record(collaboration=collaboration)
    notify(
        member=collaboration.proposer,
        key=f"collaboration:{collaboration.pk}:confirmed:{member.pk}",
        kind="collaboration_confirmed",
        title=f"{member.name} confirmed your collaboration: {collaboration.title}",
        body="It now shows on both your profiles.",
        url=_collaboration_url(collaboration.pk),
    )
    return collaboration


@transaction.atomic
def collaboration_decline(*, member: User, collaboration_id: int) -> Collaboration:
    """An invitee declines; the proposer is told. When nobody invited is left to confirm and
    nobody confirmed, the collaboration is declined. Only invitees decline; declining twice is
    harmless; after confirming, or once it is closed, it is a conflict."""
    collaboration, seat = _own_seat(member, collaboration_id)
    if collaboration.proposer_id == member.pk:
        raise NotAllowed("You proposed it; the people you invited answer.", code="not_an_invitee")
    if seat.state == CollaboratorState.DECLINED:
        return collaboration
    if seat.state == CollaboratorState.CONFIRMED:
        raise Conflict("You confirmed this collaboration already.", code="already_confirmed")
    if not collaboration.is_open:
        raise _closed(collaboration)
    now = timezone.now()
    seat.state = CollaboratorState.DECLINED
    seat.responded_at = now
    seat.save(update_fields=["state", "responded_at"])
    others = Collaborator.objects.filter(collaboration=collaboration).exclude(
        member_id=collaboration.proposer_id
    )
    if (
        collaboration.state == CollaborationState.PROPOSED
        and not others.exclude(state=CollaboratorState.DECLINED).exists()
    ):
        _move(
            collaboration,
            actor=member,
            expected=CollaborationState.PROPOSED,
            to=CollaborationState.DECLINED,
            at=now,
        )
    notify(
        member=collaboration.proposer,
        key=f"collaboration:{collaboration.pk}:declined:{member.pk}",
        kind="collaboration_declined",
        title=f"{member.name} declined the collaboration: {collaboration.title}",
        url=_collaboration_url(collaboration.pk),
    )
    return collaboration


@transaction.atomic
def collaboration_complete(*, member: User, collaboration_id: int) -> Collaboration:
    """Any confirmed member marks an active collaboration completed; it stays on their
    profiles as done. Completing again is harmless; a proposal nobody has confirmed yet, or a
    declined one, cannot be completed; invitees who have not confirmed may not complete it."""
    collaboration, seat = _own_seat(member, collaboration_id)
    if seat.state != CollaboratorState.CONFIRMED:
        raise NotAllowed(
            "Only the people who confirmed this collaboration can complete it.",
            code="not_a_collaborator",
        )
    if collaboration.state == CollaborationState.COMPLETED:
        return collaboration
    if collaboration.state != CollaborationState.ACTIVE:
        if collaboration.state == CollaborationState.PROPOSED:
            raise Conflict(
                "Nobody has confirmed it yet, so there is nothing to complete.",
                code="collaboration_not_started",
            )
        raise _closed(collaboration)
    now = timezone.now()
    _move(
        collaboration,
        actor=member,
        expected=CollaborationState.ACTIVE,
        to=CollaborationState.COMPLETED,
        at=now,
        completed_at=now,
        completed_by=member,
    )
    for other in (
        Collaborator.objects.filter(collaboration=collaboration, state=CollaboratorState.CONFIRMED)
        .exclude(member=member)
        .select_related("member")
    ):
        notify(
            member=other.member,
            key=f"collaboration:{collaboration.pk}:completed:{other.member_id}",
            kind="collaboration_completed",
            title=f"{member.name} marked {collaboration.title} completed",
            body="Well done, all of you.",
            url=_collaboration_url(collaboration.pk),
        )
    return collaboration


@transaction.atomic
def collaboration_withdraw(*, member: User, collaboration_id: int) -> Collaboration:
    """The proposer takes a proposal back while nobody has confirmed it; the invitees who have
    not answered are told. Only the proposer withdraws (`not_the_proposer`); once someone
    confirmed it is theirs too and stays (`collaboration_confirmed`); withdrawing again is
    harmless."""
    collaboration, _ = _own_seat(member, collaboration_id)
    if collaboration.proposer_id != member.pk:
        raise NotAllowed(
            "Only the person who proposed it can withdraw it.", code="not_the_proposer"
        )
    if collaboration.state == CollaborationState.WITHDRAWN:
        return collaboration
    if collaboration.state != CollaborationState.PROPOSED:
        if collaboration.state in (CollaborationState.ACTIVE, CollaborationState.COMPLETED):
            raise Conflict(
                "Someone confirmed it, so it is theirs too; mark it completed instead.",
                code="collaboration_confirmed",
            )
        raise _closed(collaboration)
    _move(
        collaboration,
        actor=member,
        expected=CollaborationState.PROPOSED,
        to=CollaborationState.WITHDRAWN,
        at=timezone.now(),
    )
    for seat in Collaborator.objects.filter(
        collaboration=collaboration, state=CollaboratorState.INVITED
    ).select_related("member"):
        notify(
            member=seat.member,
            key=f"collaboration:{collaboration.pk}:withdrawn:{seat.member_id}",
            kind="collaboration_withdrawn",
            title=f"{member.name} withdrew the collaboration: {collaboration.title}",
            url=_collaboration_url(collaboration.pk),
        )
    return collaboration
