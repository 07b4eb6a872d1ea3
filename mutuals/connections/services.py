"""Every write on invitations, connections and blocks.

An invitation's life is a set of transitions here and nowhere else: send (pending or queued),
deliver (queued → pending), accept, decline, ignore, withdraw, report, expire. Each
transition is one conditional UPDATE on the expected state, so two people acting on one
request at the same moment end in exactly one outcome; each leaves an `InvitationEvent`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from django.db import IntegrityError, transaction
from django.utils import timezone

from mutuals import personalization
from mutuals.accounts.models import Boundaries, Intent, User
from mutuals.accounts.selectors import active_member_with_profile
from mutuals.connections import invitations as rules
from mutuals.connections.endings import connection_end
from mutuals.connections.models import (
    OPEN_STATES,
    UNANSWERED_STATES,
    Block,
    Connection,
    ConnectionEnd,
    DeclineReason,
    Invitation,
    InvitationEvent,
    InvitationState,
    ReportKind,
)
from mutuals.connections.moments import InvitationMoment, invitation_moment
from mutuals.connections.selectors import are_connected, is_blocked_between
from mutuals.core import graph_changes, replicas
from mutuals.core.compiled import CompiledQuery
from mutuals.core.errors import Conflict, NotFound, RateLimited, Refused
from mutuals.core.ids import ID_MAX
from mutuals.core.tasks import enqueue_at, queue_in_transaction
from mutuals.core.transitions import state_changed, transition_if


class ConnectionOpener(Protocol):
    """What opens on a new connection; called inside the connecting transaction."""

    def __call__(self, *, connection: Connection, at: datetime | None = None) -> object: ...


# Filled at start-up by the apps above this one: engagement registers its pact
# (`EngagementConfig.ready`). A registration, not a signal: one list, read in one place.
_openers: list[ConnectionOpener] = []


def connection_opener_register(opener: ConnectionOpener) -> None:
    """Add what a new connection opens (once per opener). Called from `AppConfig.ready()` by an
    app that stands above connections; engagement registers `pact_open`."""
    if opener not in _openers:
        _openers.append(opener)


@transaction.atomic
def connection_open(
    *, member: User, other: User, intent: str = Intent.PEER, at: datetime | None = None
) -> Connection:
    """Connect two members and open what a new connection starts with: the engagement pact
    (each registered opener, see `connection_opener_register`), at the same moment. The one
    way a member flow connects people: an accepted invitation, an accepted mentorship and an
    accepted introduction all call it. Refuses as `connection_create` does."""
    at = at or timezone.now()
    connection = connection_create(member=member, other=other, intent=intent, at=at)
    for opener in _openers:
        opener(connection=connection, at=at)
    return connection


@transaction.atomic
def connection_create(
    *, member: User, other: User, intent: str = Intent.PEER, at: datetime | None = None
) -> Connection:
    """Connect two members, and nothing more (a member flow calls `connection_open`, which
    also opens the pact). Refuses self-connection, an existing connection and blocked pairs
    (blocked answers as not found, so a block is never revealed)."""
    if member.pk == other.pk:
        raise Refused("You cannot connect to yourself.", code="cannot_connect_self")
    if is_blocked_between(member.pk, other.pk):
        raise NotFound("That member was not found.")
    low, high = sorted((member.pk, other.pk))
    try:
        with transaction.atomic():
            connection = Connection.objects.create(
                member_low_id=low,
                member_high_id=high,
                intent=intent,
                created_at=at or timezone.now(),
            )
    except IntegrityError as exc:
        raise Conflict("You are already connected.", code="already_connected") from exc
    graph_changes.connections_changed(between=(low, high))
    return connection


@transaction.atomic
def block_create(*, blocker: User, blocked: User) -> Block:
    """Block a member: removes any connection and closes any request between the two still
    waiting for an answer, either way (delivered, queued or set aside: a set-aside request
    could still be accepted); from then on neither can see or reach the other, in their next
    answer from any server (once committed, the read replicas are waited for). Blocking
    twice is harmless."""
    if blocker.pk == blocked.pk:
        raise Refused("You cannot block yourself.", code="cannot_block_self")
    block, _ = Block.objects.get_or_create(blocker=blocker, blocked=blocked)
    low, high = sorted((blocker.pk, blocked.pk))
    now = timezone.now()
    connection_end(member_id=blocker.pk, other_id=blocked.pk, reason=ConnectionEnd.BLOCKED, at=now)
    for invitation in Invitation.objects.select_for_update().filter(
        pair_low=low, pair_high=high, state__in=UNANSWERED_STATES
    ):
        _transition(
            invitation,
            actor=blocker,
            to=InvitationState.WITHDRAWN,
            at=now,
            expected=tuple(UNANSWERED_STATES),
            closed_by_block=True,
        )
    graph_changes.block_created(blocker_id=blocker.pk, blocked_id=blocked.pk)
    # The blocked member reads from a replica: the answer waits until the block is there.
    transaction.on_commit(replicas.replicas_catch_up, robust=True)
    return block


@transaction.atomic
def block_remove(*, blocker: User, blocked_id: int) -> None:
    """Lift a block the member made. What the block ended stays ended: the connection it
    removed is not restored and the requests it closed stay withdrawn (closing them started no
    21-day wait before asking again). A block the other member made stays in force, so the two may
    still not see each other. No block by this member on `blocked_id` is `not_found`, and
    nothing changes."""
    deleted = 0
    if 0 < blocked_id <= ID_MAX:  # an id no row can have would overflow the lookup
        deleted, _ = Block.objects.filter(blocker=blocker, blocked_id=blocked_id).delete()
    if not deleted:
        raise NotFound("You have not blocked this member.")
    graph_changes.connections_changed(between=(blocker.pk, blocked_id))


# --- Invitations ---------------------------------------------------------------------------

MAX_MESSAGE_LENGTH = personalization.MAX_MESSAGE_LENGTH
INTENT_LABELS = dict(Intent.choices)


@dataclass(frozen=True)
class Draft:
    """A connection request as the sender composed it (docs/api.md "Invitations")."""

    recipient_id: int
    context_kind: str
    intent: str
    message: str
    context_ref: str = ""
    context_text: str = ""


def _recipient_for(sender: User, recipient_id: int) -> User:
    recipient = active_member_with_profile(recipient_id)
    if recipient is None or (
        recipient.pk != sender.pk and is_blocked_between(sender.pk, recipient.pk)
    ):
        raise NotFound("That member was not found.")
    return recipient


def invitation_check(*, sender: User, draft: Draft) -> personalization.Report:
    """Score a draft as the recipient will see it, without sending anything. An unverifiable
    context is reported as a finding rather than refused, so the composer can show it."""
    recipient = _recipient_for(sender, draft.recipient_id)
    try:
        context = rules.context_resolve(
            sender=sender,
            recipient=recipient,
            kind=draft.context_kind,
            ref=draft.context_ref,
            text=draft.context_text,
        ).for_engine()
        context_problem = None
    except Refused as refusal:
        context = personalization.Context(kind=draft.context_kind, label=draft.context_text)
        context_problem = refusal.message
    report = personalization.assess(
        draft.message,
        recipient=rules.recipient_facts(recipient, sender=sender),
        context=context,
        intent=draft.intent,
        history=rules.sender_history(sender.pk),
    )
    if context_problem:
        finding = personalization.Finding(
            "context_unverified", context_problem, "bad", suggestion="Choose another context."
        )
        report = personalization.Report(
            report.score, report.verdict, (finding, *report.findings), report.signature
        )
    return report


def _validate_draft(draft: Draft) -> None:
    errors: dict[str, list[str]] = {}
    if draft.intent not in INTENT_LABELS:
        errors["intent"] = [f"Choose an intent: {', '.join(INTENT_LABELS)}."]
    message = draft.message.strip()
    if not message:
        errors["message"] = ["Write a note: requests without one are not sent."]
    elif len(draft.message) > MAX_MESSAGE_LENGTH:
        errors["message"] = [
            f"Keep the note to {MAX_MESSAGE_LENGTH} characters (now {len(draft.message)})."
        ]
    if errors:
        raise Refused.for_fields(errors)


# The recipient's boundaries, their row locked: compiled once per process (issue 20).
_recipient_boundaries_locked: CompiledQuery[Boundaries] = CompiledQuery(
    lambda member_id: Boundaries.objects.select_for_update().filter(user=member_id)[:1],
    member_id=-730_812,
)


@transaction.atomic
def invitation_send(*, sender: User, draft: Draft) -> Invitation:
    """Send a connection request, enforcing the mutual rules in this order:

    recipient visible (a block answers as not found) → not yourself (`cannot_invite_self`) →
    not already connected (`already_connected`) → no open request either way
    (`invitation_pending`) → not within 21 days of your withdrawn, declined or reported request
    to them, nor of a removal of your connection by either of you (`reinvite_too_soon`) →
    intent they are open to (`recipient_closed_to_intent`) → a verifiable context
    (`invalid_context`) → within your weekly allowance (`sender_allowance_exhausted`, 429
    with `retry_at`) → personal enough for their minimum score
    (`below_personalization_threshold`, with findings).

    Within the recipient's weekly capacity it is delivered now (`pending`); beyond it, it is
    `queued` with `deliver_at`, the start of the next week with room, and a task delivers it.
    """
    _validate_draft(draft)
    recipient = _recipient_for(sender, draft.recipient_id)
    if recipient.pk == sender.pk:
        raise Refused("You cannot send a request to yourself.", code="cannot_invite_self")
    # Serialize sends to one recipient: capacity and "one open request" are checked and
    # written under this lock.
    boundaries = _recipient_boundaries_locked.first(member_id=recipient.pk)
    if boundaries is None:  # every member is provisioned with boundaries
        raise Boundaries.DoesNotExist(f"member {recipient.pk} has no boundaries")
    if are_connected(sender.pk, recipient.pk):
        raise Conflict(f"You are already connected to {recipient.name}.", code="already_connected")
    if waiting := rules.open_invitation_between(sender.pk, recipient.pk):
        raise rules.invitation_pending_refusal(waiting, sender=sender, recipient=recipient)
    now = timezone.now()
    if too_soon := rules.reinvite_refusal(sender, recipient, now):
        raise too_soon
    if draft.intent not in boundaries.open_intents:
        open_labels = [INTENT_LABELS[i].lower() for i in boundaries.open_intents]
        raise Refused(
            f"{recipient.get_short_name()} is not taking requests for "
            f"{INTENT_LABELS[draft.intent].lower()} right now"
            + (f"; they are open to {', '.join(open_labels)}." if open_labels else "."),
            code="recipient_closed_to_intent",
            detail={"open_intents": list(boundaries.open_intents)},
        )
    context = rules.context_resolve(
        sender=sender,
        recipient=recipient,
        kind=draft.context_kind,
        ref=draft.context_ref,
        text=draft.context_text,
    )
    allowance = rules.sender_allowance(sender, now)
    if allowance.remaining <= 0 and allowance.retry_at is not None:
        raise RateLimited(
            f"You have sent {allowance.used} requests this week, your allowance of "
            f"{allowance.limit}. Follow through on the ones you have.",
            code="sender_allowance_exhausted",
            retry_at=allowance.retry_at,
            detail={"limit": allowance.limit},
        )
    report = personalization.assess(
        draft.message,
        recipient=rules.recipient_facts(recipient, sender=sender),
        context=context.for_engine(),
        intent=draft.intent,
        history=rules.sender_history(sender.pk),
    )
    if report.score < boundaries.min_personalization:
        raise Refused(
            f"{recipient.get_short_name()} asks for notes scoring at least "
            f"{boundaries.min_personalization}; this one scores {report.score}.",
            code="below_personalization_threshold",
            detail={
                "score": report.score,
                "verdict": report.verdict,
                "minimum": boundaries.min_personalization,
                "findings": [finding_as_dict(f) for f in report.findings],
            },
        )
    deliver_at = rules.delivery_time(recipient, boundaries.weekly_capacity, now)
    state = InvitationState.PENDING if deliver_at <= now else InvitationState.QUEUED
    low, high = sorted((sender.pk, recipient.pk))
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                sender=sender,
                recipient=recipient,
                pair_low=low,
                pair_high=high,
                context_kind=context.kind,
                context_ref=context.ref,
                context_text=context.text,
                context_label=context.label,
                context_verified=context.verified,
                intent=draft.intent,
                message=draft.message.strip(),
                score=report.score,
                verdict=report.verdict,
                findings=[finding_as_dict(f) for f in report.findings],
                signature=list(report.signature),
                minhash=personalization.pack_signature(report.signature),
                state=state,
                created_at=now,
                deliver_at=deliver_at,
            )
    except IntegrityError as exc:  # the other member sent one at the same instant
        waiting = rules.open_invitation_between(sender.pk, recipient.pk)
        if waiting is None:
            raise
        raise rules.invitation_pending_refusal(waiting, sender=sender, recipient=recipient) from exc
    InvitationEvent.objects.create(
        invitation=invitation, actor=sender, from_state="", to_state=state, at=now
    )
    if state == InvitationState.PENDING:
        invitation_moment(invitation, InvitationMoment.DELIVERED)
    invitation_id = invitation.pk
    queue_in_transaction(lambda: _schedule_invitation_tasks(invitation_id, deliver_at))
    return invitation


def finding_as_dict(finding: personalization.Finding) -> dict[str, Any]:
    return {
        "code": finding.code,
        "message": finding.message,
        "severity": finding.severity,
        "start": finding.start,
        "end": finding.end,
        "suggestion": finding.suggestion,
    }


def _schedule_invitation_tasks(invitation_id: int, deliver_at: datetime) -> None:
    # Imported here: tasks.py imports this module (each task calls its service).
    from mutuals.connections import tasks

    enqueue_at(tasks.invitation_deliver, deliver_at, invitation_id)
    enqueue_at(tasks.invitation_expire, deliver_at + rules.PENDING_EXPIRES_AFTER, invitation_id)


def _transition(
    invitation: Invitation,
    *,
    actor: User | None,
    to: str,
    at: datetime,
    expected: tuple[str, ...] = tuple(OPEN_STATES),
    **changes: Any,
) -> bool:
    """Move the invitation to `to` if it is still in an expected state, with its audit row
    (core/transitions.py: one conditional UPDATE, so of two concurrent transitions exactly one
    matches). Returns whether it moved."""
    return transition_if(
        invitation,
        expected=expected,
        to=to,
        changes={"responded_at": at, **changes},
        audit_model=InvitationEvent,
        audit={
            "invitation": invitation,
            "actor": actor,
            "at": at,
            "detail": {k: v for k, v in changes.items() if isinstance(v, str | bool | int)},
        },
    )


def _for_recipient(member: User, invitation_id: int, *, queued: bool = False) -> Invitation:
    """A delivered request to `member`, locked; not found for anyone else, while queued (the
    recipient has not received it yet; accepting is the exception, since sending back is
    refused with its id), or once a block stands between the two."""
    invitation = (
        Invitation.objects.select_for_update()
        .filter(pk=invitation_id, recipient=member)
        .exclude(state__in=[] if queued else [InvitationState.QUEUED])
        .first()
    )
    if invitation is None or is_blocked_between(invitation.sender_id, member.pk):
        raise NotFound("No such request.")
    return invitation


def _still_open(invitation: Invitation, now: datetime) -> None:
    """Refuse answering a closed request (`state_changed`), including one past its 30 days
    that the expiry task has not reached yet (the task records the expiry; a refusal here
    writes nothing)."""
    if invitation.state in (InvitationState.PENDING, InvitationState.IGNORED) and (
        invitation.deliver_at + rules.PENDING_EXPIRES_AFTER <= now
    ):
        raise state_changed(
            invitation, state=InvitationState.EXPIRED, message="This request has expired."
        )
    if invitation.state not in UNANSWERED_STATES:
        raise _conflict_after_race(invitation, reload=False)


def _conflict_after_race(invitation: Invitation, *, reload: bool = True) -> Conflict:
    """`state_changed` naming the state the request is in now."""
    if reload:
        invitation.refresh_from_db()
    return state_changed(
        invitation,
        message=f"This request is already {invitation.get_state_display().lower()}.",
    )


@transaction.atomic
def invitation_accept(*, member: User, invitation_id: int) -> Connection:
    """The recipient accepts a pending (or ignored, still unexpired) request: the two are
    connected and their engagement pact opens. Refused once the request is closed, and if a
    block came between them. A queued request can be accepted early: a member who tried to
    ask the sender back is offered it (`invitation_pending`, `direction: incoming`)."""
    invitation = _for_recipient(member, invitation_id, queued=True)
    now = timezone.now()
    _still_open(invitation, now)
    if not _transition(
        invitation,
        actor=member,
        to=InvitationState.ACCEPTED,
        at=now,
        expected=UNANSWERED_STATES,
    ):
        raise _conflict_after_race(invitation)
    connection = connection_open(
        member=member, other=invitation.sender, intent=invitation.intent, at=now
    )
    Invitation.objects.filter(pk=invitation.pk).update(connection=connection)
    invitation_moment(invitation, InvitationMoment.ACCEPTED)
    return connection


@transaction.atomic
def invitation_decline(*, member: User, invitation_id: int, reason: str) -> Invitation:
    """The recipient declines with a structured reason, which the sender sees."""
    if reason not in DeclineReason.values:
        raise Refused.for_fields({"reason": [f"Choose one of {', '.join(DeclineReason.values)}."]})
    invitation = _for_recipient(member, invitation_id)
    now = timezone.now()
    _still_open(invitation, now)
    if not _transition(
        invitation,
        actor=member,
        to=InvitationState.DECLINED,
        at=now,
        expected=(InvitationState.PENDING, InvitationState.IGNORED),
        decline_reason=reason,
    ):
        raise _conflict_after_race(invitation)
    invitation_moment(invitation, InvitationMoment.DECLINED)
    return invitation


@transaction.atomic
def invitation_ignore(*, member: User, invitation_id: int) -> Invitation:
    """The recipient sets a request aside. The sender is not told: to them it stays pending
    until it expires. The recipient can still accept or decline it later."""
    invitation = _for_recipient(member, invitation_id)
    now = timezone.now()
    if invitation.state == InvitationState.IGNORED:
        return invitation
    _still_open(invitation, now)
    if not _transition(invitation, actor=member, to=InvitationState.IGNORED, at=now):
        raise _conflict_after_race(invitation)
    return invitation


@transaction.atomic
def invitation_withdraw(*, member: User, invitation_id: int) -> Invitation:
    """The sender withdraws a request that is still open (pending, queued, or ignored — the
    sender cannot tell it was ignored). They may ask again after 21 days."""
    invitation = (
        Invitation.objects.select_for_update().filter(pk=invitation_id, sender=member).first()
    )
    if invitation is None:
        raise NotFound("No such request.")
    open_for_sender = (*OPEN_STATES, InvitationState.IGNORED)
    if invitation.state not in open_for_sender:
        raise _conflict_after_race(invitation)
    if not _transition(
        invitation,
        actor=member,
        to=InvitationState.WITHDRAWN,
        at=timezone.now(),
        expected=open_for_sender,
    ):
        raise _conflict_after_race(invitation)
    return invitation


@transaction.atomic
def invitation_report(*, member: User, invitation_id: int, kind: str) -> Invitation:
    """The recipient reports a request ("I don't know this person" or spam). It closes, and
    each report cuts the sender's weekly allowance (see `invitations.sender_allowance`); the
    moment is announced (`moments.InvitationMoment.REPORTED`: moderation files a spam report
    in its queue)."""
    if kind not in ReportKind.values:
        raise Refused.for_fields({"kind": [f"Choose one of {', '.join(ReportKind.values)}."]})
    invitation = _for_recipient(member, invitation_id)
    now = timezone.now()
    if invitation.state not in (InvitationState.PENDING, InvitationState.IGNORED):
        raise _conflict_after_race(invitation)
    if not _transition(
        invitation,
        actor=member,
        to=InvitationState.REPORTED,
        at=now,
        expected=(InvitationState.PENDING, InvitationState.IGNORED, InvitationState.EXPIRED),
        report_kind=kind,
    ):
        raise _conflict_after_race(invitation)
    invitation_moment(invitation, InvitationMoment.REPORTED)
    return invitation


@transaction.atomic
def invitation_deliver_if_due(*, invitation_id: int, now: datetime | None = None) -> bool:
    """Deliver a queued request whose time has come (idempotent: a second run, or a run
    before its time, does nothing)."""
    now = now or timezone.now()
    invitation = Invitation.objects.filter(
        pk=invitation_id, state=InvitationState.QUEUED, deliver_at__lte=now
    ).first()
    if invitation is None or not transition_if(
        invitation,
        expected=InvitationState.QUEUED,
        to=InvitationState.PENDING,
        audit_model=InvitationEvent,
        audit={"invitation": invitation, "actor": None, "at": now},
    ):
        return False
    invitation_moment(invitation, InvitationMoment.DELIVERED)
    return True


@transaction.atomic
def invitations_deliver_due(*, recipient: User | None = None, now: datetime | None = None) -> int:
    """Deliver every queued request that is due (for one recipient, or all)."""
    now = now or timezone.now()
    due = Invitation.objects.filter(state=InvitationState.QUEUED, deliver_at__lte=now)
    if recipient is not None:
        due = due.filter(recipient=recipient)
    return sum(
        invitation_deliver_if_due(invitation_id=pk, now=now)
        for pk in due.values_list("pk", flat=True)
    )


@transaction.atomic
def invitation_expire_if_due(*, invitation_id: int, now: datetime | None = None) -> bool:
    """Expire a request left pending (or ignored) for 30 days after delivery (idempotent)."""
    now = now or timezone.now()
    invitation = Invitation.objects.filter(
        pk=invitation_id,
        state__in=[InvitationState.PENDING, InvitationState.IGNORED],
        deliver_at__lte=now - rules.PENDING_EXPIRES_AFTER,
    ).first()
    if invitation is None:
        return False
    return _transition(
        invitation,
        actor=None,
        to=InvitationState.EXPIRED,
        at=now,
        expected=(InvitationState.PENDING, InvitationState.IGNORED),
    )


def invitation_for_sender_state(invitation: Invitation) -> str:
    """What the sender is told: an ignored request still looks pending to them."""
    if invitation.state == InvitationState.IGNORED:
        return InvitationState.PENDING
    return invitation.state
