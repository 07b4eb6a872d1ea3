"""Every write on introductions and suggestions.

An introduction is double opt-in: the requester asks an introducer they are connected to; the
introducer forwards it with a note (or declines); only then does the target see it and accept
(the two are connected) or decline. Each transition is one conditional UPDATE on the expected
state, so two clicks at once end in one outcome, and leaves an `IntroductionEvent`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from mutuals import personalization
from mutuals.accounts.models import ALL_INTENTS, Intent, Profile, User
from mutuals.accounts.topics import topic_slug
from mutuals.connections import invitations as invitation_rules
from mutuals.connections.models import Connection, Verdict
from mutuals.connections.selectors import are_connected, is_blocked_between
from mutuals.connections.services import connection_open, finding_as_dict
from mutuals.core.errors import Conflict, NotAllowed, NotFound, Refused
from mutuals.core.transitions import state_changed, transition
from mutuals.engagement.models import Tie
from mutuals.engagement.notifications import notify
from mutuals.engagement.services import interaction_record
from mutuals.introductions.access import access_introduction_by_id
from mutuals.introductions.models import (
    DismissReason,
    Introduction,
    IntroductionEvent,
    IntroductionState,
    SuggestionDismissal,
)
from mutuals.introductions.strength import (
    REFERRAL_MIN_FIRST_HOP,
    REFERRAL_MIN_TIE_DAYS,
    connection_strengths,
    tie_edge_strength,
)

MAX_MESSAGE_LENGTH = 1000
MAX_NOTE_LENGTH = 1000
MIN_FORWARD_NOTE_LENGTH = 10
THANK_YOU_WITHIN = timedelta(days=7)


@dataclass(frozen=True)
class IntroductionDraft:
    """What the requester composed (docs/api.md "Graph": POST /api/introductions)."""

    target_id: int
    introducer_id: int
    intent: str
    message: str
    context_kind: str = "mutual"
    context_ref: str = ""
    context_text: str = ""


@dataclass(frozen=True)
class FirstHop:
    """The requester's connection to an introducer: its strength and when it was made."""

    strength: float
    connected_at: datetime


def tie_strength(member_id: int, other_id: int) -> float | None:
    """The strength of one connection by the same rules the graph uses (the measured tie
    strength, combined over both members' Tie rows, else the documented default), or None
    when the two are not connected (read fresh from the database)."""
    found = _first_hop(member_id, other_id)
    return None if found is None else found.strength


def _first_hop(member_id: int, other_id: int) -> FirstHop | None:
    low, high = sorted((member_id, other_id))
    found = (
        Connection.objects.filter(member_low_id=low, member_high_id=high)
        .values_list("id", "created_at")
        .first()
    )
    if found is None:
        return None
    connection_id, created_at = found
    measured = tie_edge_strength(
        Tie.objects.filter(connection_id=connection_id).values_list(
            "strength", "computed_at", "resting_since"
        )
    )
    if measured is not None:
        # 0 for a resting relationship: it is not asked to carry anything.
        return FirstHop(strength=measured, connected_at=created_at)
    topics = Profile.topics.through.objects
    mine = set(topics.filter(profile__user_id=member_id).values_list("topic_id", flat=True))
    theirs = set(topics.filter(profile__user_id=other_id).values_list("topic_id", flat=True))
    shared = len(mine & theirs)
    strength = float(
        connection_strengths(created_at=[created_at], shared_topics=[shared], now=timezone.now())[0]
    )
    return FirstHop(strength=strength, connected_at=created_at)


def _referral_refusal(introducer: User, first_hop: FirstHop) -> Refused | None:
    """A referral asks the introducer to vouch for the requester, so it needs both a
    relationship old enough to vouch from (REFERRAL_MIN_TIE_DAYS) and one in current, regular
    contact (REFERRAL_MIN_FIRST_HOP). Strength alone is not enough: it predicts contact, and a
    connection made yesterday with one exchange scores above two years of monthly calls."""
    days = (timezone.now() - first_hop.connected_at).days
    short = introducer.get_short_name()
    if days < REFERRAL_MIN_TIE_DAYS:
        reason = (
            f"your connection is still new (you connected {days} day{'' if days == 1 else 's'} ago)"
        )
    elif first_hop.strength < REFERRAL_MIN_FIRST_HOP:
        reason = "you have not been in regular touch lately"
    else:
        return None
    return Refused(
        f"A referral asks {short} to vouch for you, and {reason}. Ask for advice first; a "
        "referral can follow once you know each other better.",
        code="referral_needs_stronger_tie",
        detail={
            "first_hop_strength": round(first_hop.strength, 3),
            "required": REFERRAL_MIN_FIRST_HOP,
            "connected_days": days,
            "required_days": REFERRAL_MIN_TIE_DAYS,
            "suggested_intent": Intent.ADVICE.value,
        },
    )


def _member(viewer: User, member_id: int) -> User:
    member = (
        User.objects.select_related("profile", "boundaries")
        .prefetch_related("profile__topics")
        .filter(pk=member_id, is_active=True)
        .first()
    )
    if member is None or (member.pk != viewer.pk and is_blocked_between(viewer.pk, member.pk)):
        raise NotFound("That member was not found.")
    return member


def _validate(draft: IntroductionDraft) -> None:
    errors: dict[str, list[str]] = {}
    if draft.intent not in ALL_INTENTS:
        errors["intent"] = [f"Choose an intent: {', '.join(ALL_INTENTS)}."]
    if not draft.message.strip():
        errors["message"] = ["Tell the introducer why you would like to meet them."]
    elif len(draft.message) > MAX_MESSAGE_LENGTH:
        errors["message"] = [
            f"Keep the note to {MAX_MESSAGE_LENGTH} characters (now {len(draft.message)})."
        ]
    if errors:
        raise Refused.for_fields(errors)


def _context_for(
    draft: IntroductionDraft, requester: User, target: User, introducer: User
) -> invitation_rules.ResolvedContext:
    ref = draft.context_ref
    if draft.context_kind == "mutual" and not ref:
        ref = str(introducer.pk)  # the introducer is the mutual connection by definition
    if draft.context_kind == "topic":
        ref = topic_slug(ref)
    return invitation_rules.context_resolve(
        sender=requester,
        recipient=target,
        kind=draft.context_kind,
        ref=ref,
        text=draft.context_text,
    )


def _assess(
    draft: IntroductionDraft, requester: User, target: User, context: personalization.Context
) -> personalization.Report:
    return personalization.assess(
        draft.message,
        recipient=invitation_rules.recipient_facts(target, sender=requester),
        context=context,
        intent=draft.intent,
        history=invitation_rules.sender_history(requester.pk),
    )


def introduction_check(*, requester: User, draft: IntroductionDraft) -> personalization.Report:
    """Score a draft note as `introduction_request` will (the same engine, target, context and
    history), sending nothing: the request form's live score. An unverifiable context is a
    finding rather than a refusal, as in the connection composer's check."""
    target = _member(requester, draft.target_id)
    introducer = _member(requester, draft.introducer_id)
    try:
        context = _context_for(draft, requester, target, introducer).for_engine()
    except Refused as refusal:
        unverified = personalization.Finding(
            "context_unverified", refusal.message, "bad", suggestion="Choose another context."
        )
        context = personalization.Context(kind=draft.context_kind, label=draft.context_text)
        report = _assess(draft, requester, target, context)
        return personalization.Report(
            report.score, report.verdict, (unverified, *report.findings), report.signature
        )
    return _assess(draft, requester, target, context)


@transaction.atomic
def introduction_request(*, requester: User, draft: IntroductionDraft) -> Introduction:
    """Ask a connection to introduce you to one of theirs. Rules, in order:

    fields valid (`invalid_fields`) → target and introducer visible (a block answers as not
    found) → three different people (`cannot_introduce_self`, `invalid_introducer`) → not
    already connected to the target (`already_connected`, 409) → not within 21 days of a
    removal of their connection by either (`reinvite_too_soon`, 409, with `retry_at`) → the
    introducer is connected
    to both (`introducer_not_connected`) and makes introductions
    (`introducer_closed_to_introductions`) → the target is open to the intent
    (`recipient_closed_to_intent`) → a referral needs a first hop at least
    REFERRAL_MIN_TIE_DAYS old and of strength at least REFERRAL_MIN_FIRST_HOP
    (`referral_needs_stronger_tie`, suggesting advice first) → no open
    introduction to the same target (`introduction_pending`, 409) → a verifiable context
    (`invalid_context`) → personal enough for the target's minimum
    (`below_personalization_threshold`, with findings).
    """
    _validate(draft)
    target = _member(requester, draft.target_id)
    introducer = _member(requester, draft.introducer_id)
    if target.pk == requester.pk:
        raise Refused("You cannot ask to be introduced to yourself.", code="cannot_introduce_self")
    if introducer.pk in (requester.pk, target.pk):
        raise Refused(
            "Ask someone else: the introducer must be a third person.", code="invalid_introducer"
        )
    if are_connected(requester.pk, target.pk):
        raise Conflict(f"You are already connected to {target.name}.", code="already_connected")
    # An accepted introduction connects the two: after a removal it waits as a request does.
    if too_soon := invitation_rules.removal_wait_refusal(requester, target, timezone.now()):
        raise too_soon
    first_hop = _first_hop(requester.pk, introducer.pk)
    if first_hop is None or not are_connected(introducer.pk, target.pk):
        raise Refused(
            f"{introducer.name} can introduce you only to their own connections, and only if you "
            "are connected to them.",
            code="introducer_not_connected",
        )
    if not introducer.boundaries.open_to_introductions:
        raise Refused(
            f"{introducer.name} does not make introductions at the moment.",
            code="introducer_closed_to_introductions",
        )
    if draft.intent not in target.boundaries.open_intents:
        raise Refused(
            f"{target.name} is not open to {Intent(draft.intent).label.lower()} requests "
            "right now.",
            code="recipient_closed_to_intent",
        )
    if draft.intent == Intent.REFERRAL:
        refusal = _referral_refusal(introducer, first_hop)
        if refusal is not None:
            raise refusal
    if Introduction.objects.filter(
        requester=requester,
        target=target,
        state__in=[IntroductionState.REQUESTED, IntroductionState.FORWARDED],
    ).exists():
        raise Conflict(
            f"You already have an open introduction request to {target.name}.",
            code="introduction_pending",
        )
    context = _context_for(draft, requester, target, introducer)
    report = _assess(draft, requester, target, context.for_engine())
    minimum = target.boundaries.min_personalization
    if report.score < minimum or report.verdict == Verdict.GENERIC:
        raise Refused(
            f"{target.get_short_name()} asks for notes scoring at least {minimum}; this one "
            f"scores {report.score}.",
            code="below_personalization_threshold",
            detail={
                "score": report.score,
                "verdict": report.verdict,
                "minimum": minimum,
                "findings": [finding_as_dict(f) for f in report.findings],
            },
        )
    now = timezone.now()
    try:
        with transaction.atomic():
            introduction = Introduction.objects.create(
                requester=requester,
                introducer=introducer,
                target=target,
                context_kind=context.kind,
                context_ref=context.ref,
                context_text=context.text,
                intent=draft.intent,
                message=draft.message.strip(),
                score=report.score,
                verdict=report.verdict,
                findings=[finding_as_dict(f) for f in report.findings],
                first_hop_strength=first_hop.strength,
                created_at=now,
            )
    except IntegrityError as exc:  # a second click raced the first
        raise Conflict(
            f"You already have an open introduction request to {target.name}.",
            code="introduction_pending",
        ) from exc
    IntroductionEvent.objects.create(
        introduction=introduction, actor=requester, to_state=IntroductionState.REQUESTED, at=now
    )
    _tell(
        introduction.introducer,
        introduction,
        "asked",
        f"{requester.name} asks you for an introduction to {target.name}",
        "You decide: forward it with a note, or decline.",
    )
    return introduction


def _tell(member: User, introduction: Introduction, step: str, title: str, body: str) -> None:
    """Notify one person of one step of an introduction (once: the key names the step)."""
    notify(
        member=member,
        key=f"introduction:{introduction.pk}:{step}:{member.pk}",
        kind=f"introduction_{step}",
        title=title,
        body=body,
        url=reverse("introduction_inbox"),
    )


def _move(
    introduction: Introduction,
    *,
    actor: User,
    expected: str,
    to: str,
    at: datetime,
    **fields: object,
) -> None:
    """One conditional UPDATE from `expected` to `to` with its audit row
    (core/transitions.py); a race lost answers `state_changed` (409)."""
    transition(
        introduction,
        expected=expected,
        to=to,
        changes=fields,
        audit_model=IntroductionEvent,
        audit={"introduction": introduction, "actor": actor, "at": at},
    )


def _closed(introduction: Introduction) -> Conflict:
    """`state_changed`: the introduction is no longer in the state this step needs."""
    return state_changed(
        introduction,
        message=f"This introduction is already {introduction.get_state_display().lower()}.",
    )


@transaction.atomic
def introduction_forward(*, member: User, introduction_id: int, note: str) -> Introduction:
    """The introducer passes the request on to the target with a note of their own. Only the
    introducer may; the introducer must still be connected to both (a block since then ends
    it); the note says why the two should meet (at least a few words)."""
    introduction = access_introduction_by_id(member, introduction_id, lock=True)
    if introduction.introducer_id != member.pk:
        raise NotAllowed("Only the introducer can forward this.", code="not_the_introducer")
    if introduction.state != IntroductionState.REQUESTED:
        raise _closed(introduction)
    note = note.strip()
    if len(note) < MIN_FORWARD_NOTE_LENGTH:
        raise Refused.for_fields({"note": ["Add a few words for them: why should these two meet?"]})
    if len(note) > MAX_NOTE_LENGTH:
        raise Refused.for_fields({"note": [f"Keep the note to {MAX_NOTE_LENGTH} characters."]})
    if not (
        are_connected(member.pk, introduction.requester_id)
        and are_connected(member.pk, introduction.target_id)
    ) or is_blocked_between(introduction.requester_id, introduction.target_id):
        raise Conflict(
            "You are no longer connected to both of them, so this introduction cannot go on.",
            code="no_longer_connected",
        )
    now = timezone.now()
    _move(
        introduction,
        actor=member,
        expected=IntroductionState.REQUESTED,
        to=IntroductionState.FORWARDED,
        at=now,
        forward_note=note,
        forwarded_at=now,
    )
    _tell(
        introduction.target,
        introduction,
        "forwarded",
        f"{member.name} would like to introduce you to {introduction.requester.name}",
        "Accept to connect, or decline; they are only told if you accept.",
    )
    return introduction


@transaction.atomic
def introduction_accept(*, member: User, introduction_id: int) -> Introduction:
    """The target accepts: the requester and the target are connected and their pact opens
    (by `connections.services.connection_open`, so blocks and existing connections are refused
    there), the requester owes the introducer a thank-you within THANK_YOU_WITHIN, and the
    introduction enters the interaction ledger for all three pairs."""
    introduction = access_introduction_by_id(member, introduction_id, lock=True)
    if introduction.target_id != member.pk:
        raise NotAllowed("Only the person introduced can accept.", code="not_the_target")
    if introduction.state != IntroductionState.FORWARDED:
        raise _closed(introduction)
    now = timezone.now()
    connection = connection_open(
        member=member, other=introduction.requester, intent=introduction.intent, at=now
    )
    _move(
        introduction,
        actor=member,
        expected=IntroductionState.FORWARDED,
        to=IntroductionState.ACCEPTED,
        at=now,
        decided_at=now,
        connection=connection,
        thank_you_due_at=now + THANK_YOU_WITHIN,
    )
    _tell(
        introduction.requester,
        introduction,
        "accepted",
        f"{member.name} accepted {introduction.introducer.name}'s introduction",
        f"You are connected. Say hello, and thank {introduction.introducer.get_short_name()}.",
    )
    # The new connection keeps a pact like any other (opened by connection_open), and the
    # introduction is an interaction for all three: introducer with each side, and the two
    # who just met.
    source = f"introduction:{introduction.pk}"
    for actor, counterpart in (
        (introduction.introducer, introduction.requester),
        (introduction.introducer, member),
        (member, introduction.requester),
    ):
        interaction_record(
            actor=actor, counterpart=counterpart, kind="introduction", at=now, source_key=source
        )
    return introduction


@transaction.atomic
def introduction_decline(*, member: User, introduction_id: int, reason: str = "") -> Introduction:
    """The introducer declines a request, or the target declines a forwarded introduction.
    A target's decline also keeps the requester out of their suggestions."""
    introduction = access_introduction_by_id(member, introduction_id, lock=True)
    reason = reason.strip()[:200]
    now = timezone.now()
    if (
        member.pk == introduction.introducer_id
        and introduction.state == IntroductionState.REQUESTED
    ):
        to = IntroductionState.DECLINED_BY_INTRODUCER
    elif member.pk == introduction.target_id and introduction.state == IntroductionState.FORWARDED:
        to = IntroductionState.DECLINED_BY_TARGET
    elif member.pk == introduction.requester_id:
        raise NotAllowed("Withdraw your request instead.", code="not_allowed")
    else:
        raise (
            _closed(introduction)
            if not introduction.is_open
            else NotAllowed("It is not yours to decline now.", code="not_allowed")
        )
    _move(
        introduction,
        actor=member,
        expected=introduction.state,
        to=to,
        at=now,
        decided_at=now,
        decline_reason=reason,
    )
    return introduction


@transaction.atomic
def introduction_withdraw(*, member: User, introduction_id: int) -> Introduction:
    """The requester takes back a request nobody has answered yet."""
    introduction = access_introduction_by_id(member, introduction_id, lock=True)
    if introduction.requester_id != member.pk:
        raise NotAllowed("Only the requester can withdraw this.", code="not_the_requester")
    if not introduction.is_open:
        raise _closed(introduction)
    now = timezone.now()
    _move(
        introduction,
        actor=member,
        expected=introduction.state,
        to=IntroductionState.WITHDRAWN,
        at=now,
        decided_at=now,
    )
    return introduction


@transaction.atomic
def introduction_thank(*, member: User, introduction_id: int, note: str) -> Introduction:
    """The requester thanks the introducer (the pact's item for an accepted introduction)."""
    introduction = access_introduction_by_id(member, introduction_id, lock=True)
    if introduction.requester_id != member.pk:
        raise NotAllowed("Only the requester owes this thank-you.", code="not_the_requester")
    if introduction.state != IntroductionState.ACCEPTED:
        raise Conflict("Thank them once the introduction is accepted.", code="not_accepted_yet")
    if introduction.thanked_at is not None:
        raise Conflict("You have already thanked them.", code="already_thanked")
    note = note.strip()
    if not note:
        raise Refused.for_fields({"note": ["Say thank you in a few words."]})
    if len(note) > MAX_NOTE_LENGTH:
        raise Refused.for_fields({"note": [f"Keep the note to {MAX_NOTE_LENGTH} characters."]})
    now = timezone.now()
    Introduction.objects.filter(pk=introduction.pk).update(thanked_at=now, thank_you_note=note)
    introduction.thanked_at = now
    introduction.thank_you_note = note
    return introduction


@transaction.atomic
def suggestion_dismiss(*, member: User, dismissed_id: int, reason: str) -> SuggestionDismissal:
    """Hide someone from a member's people-you-may-know ("not now" or "I don't know them").
    Dismissing again updates the reason."""
    if reason not in DismissReason.values:
        raise Refused.for_fields({"reason": [f"Choose one of: {', '.join(DismissReason.values)}."]})
    dismissed = _member(member, dismissed_id)
    if dismissed.pk == member.pk:
        raise Refused("You cannot dismiss yourself.", code="cannot_dismiss_self")
    dismissal, _ = SuggestionDismissal.objects.update_or_create(
        member=member, dismissed=dismissed, defaults={"reason": reason}
    )
    return dismissal
