"""Reads about events used by pages, the API, the calendar feeds and invitation contexts.

Who sees whom: the attendee list is for the organizer and for members with an RSVP; members
on either side of a block never see each other; a member who hid themselves is seen only by
the organizer (and themself). People to meet and the follow-up page leave hidden members out
for everyone: hiding means "do not point me out".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from mutuals.accounts.models import User
from mutuals.connections.invitations import ContextSource, RecipientMaterial
from mutuals.connections.models import ContextKind, Invitation, InvitationState
from mutuals.connections.selectors import blocked_ids, connected_ids, not_blocked_with
from mutuals.core.compiled import CompiledQuery
from mutuals.engagement.models import Interaction, InteractionKind
from mutuals.events.models import FOLLOW_UP_WINDOW, Attendance, AttendanceStatus, Event


class Scope(StrEnum):
    UPCOMING = "upcoming"
    PAST = "past"
    MINE = "mine"


# Pagination keys per scope: soonest first for what is coming, latest first otherwise.
SCOPE_KEYS: dict[Scope, tuple[str, str]] = {
    Scope.UPCOMING: ("starts_at", "id"),
    Scope.PAST: ("-starts_at", "-id"),
    Scope.MINE: ("-starts_at", "-id"),
}


def events_visible_to(viewer: User) -> QuerySet[Event]:
    """Every event the viewer may see (the lists' and search's rule; `access.access_event_by_id`
    holds it for one): its organizer's account is open and no block stands between them."""
    return Event.objects.filter(organizer__is_active=True).filter(
        not_blocked_with(viewer.pk, "organizer_id")
    )


def events_for(viewer: User, scope: Scope | None, now: datetime | None = None) -> QuerySet[Event]:
    """Events the viewer may see in a scope (upcoming: not yet ended; past: ended; mine:
    organized by them or with their RSVP; None: all), each annotated with `going_count`,
    `waitlist_count` and the viewer's own `my_status` (None without an RSVP)."""
    now = now or timezone.now()
    events = events_visible_to(viewer)
    if scope == Scope.UPCOMING:
        events = events.filter(ends_at__gt=now)
    elif scope == Scope.PAST:
        events = events.filter(ends_at__lte=now)
    elif scope == Scope.MINE:
        events = events.filter(
            Q(organizer=viewer)
            | Q(
                Exists(
                    Attendance.objects.filter(event=OuterRef("pk"), member=viewer).exclude(
                        status=AttendanceStatus.CANCELLED
                    )
                )
            )
        )
    mine = Attendance.objects.filter(event=OuterRef("pk"), member=viewer)
    return (
        events.select_related("organizer", "organizer__profile")
        .prefetch_related("topics")
        .annotate(
            going_count=Count("attendances", filter=Q(attendances__status=AttendanceStatus.GOING)),
            waitlist_count=Count(
                "attendances", filter=Q(attendances__status=AttendanceStatus.WAITLISTED)
            ),
            my_status=mine.values("status")[:1],
        )
    )


def attendance_of(member: User, event: Event) -> Attendance | None:
    return Attendance.objects.filter(event=event, member=member).first()


def counts_for(event: Event) -> tuple[int, int]:
    """(going, waitlisted) for one event."""
    rows = dict(
        Attendance.objects.filter(event=event)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    return rows.get(AttendanceStatus.GOING, 0), rows.get(AttendanceStatus.WAITLISTED, 0)


def may_see_attendees(viewer: User, event: Event, mine: Attendance | None) -> bool:
    """The organizer and members with an RSVP (going or waitlisted) see the attendee list."""
    if event.organizer_id == viewer.pk:
        return True
    return mine is not None and mine.status != AttendanceStatus.CANCELLED


def attendees_visible(viewer: User, event: Event) -> QuerySet[Attendance]:
    """The going members the viewer may see on the list, by name: blocked pairs never; hidden
    members only for the organizer and themselves. Callers check `may_see_attendees`."""
    rows = Attendance.objects.filter(event=event, status=AttendanceStatus.GOING).exclude(
        member_id__in=blocked_ids(viewer.pk)
    )
    rows = rows.filter(member__is_active=True)
    if event.organizer_id != viewer.pk:
        rows = rows.filter(Q(hidden=False) | Q(member=viewer))
    return rows.select_related("member", "member__profile").order_by("member__name", "id")


def waitlist_of(event: Event) -> QuerySet[Attendance]:
    """The waitlist in the order it is served (the organizer's view)."""
    return (
        Attendance.objects.filter(event=event, status=AttendanceStatus.WAITLISTED)
        .select_related("member", "member__profile")
        .order_by("queued_at", "id")
    )


def events_for_calendar(member: User, now: datetime | None = None) -> QuerySet[Event]:
    """The member's events for their calendar subscription: organized by them or with a place
    or a waitlist spot, from 90 days ago on."""
    now = now or timezone.now()
    return (
        events_for(member, Scope.MINE, now)
        .filter(ends_at__gte=now - timedelta(days=90))
        .order_by("starts_at", "id")
    )


# --- People to meet ----------------------------------------------------------------------

_WORD = re.compile(r"[\w][\w+#.-]*", re.UNICODE)
_STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "the",
        "of",
        "for",
        "to",
        "in",
        "on",
        "with",
        "at",
        "by",
        "from",
        "or",
        "about",
        "into",
        "how",
        "my",
        "our",
        "your",
        "their",
        "help",
        "advice",
        "someone",
        "people",
        "who",
        "what",
        "want",
        "wants",
        "looking",
        "seeking",
        "need",
        "needs",
    ]
) | frozenset(["have", "has", "been", "like", "that", "this", "them", "they", "some", "more"])


def _keywords(text: str) -> frozenset[str]:
    words = {w.lower().strip(".-") for w in _WORD.findall(text)}
    return frozenset(w for w in words if len(w) >= 3 and w not in _STOP)


# Words too common in what people offer and seek to tie two items together on their own.
_GENERIC = frozenset(
    [
        "project",
        "projects",
        "programme",
        "programmes",
        "program",
        "team",
        "teams",
        "work",
        "working",
        "management",
        "manager",
        "managers",
        "lead",
        "leads",
        "leader",
        "new",
        "other",
        "others",
        "from",
        "across",
        "their",
        "good",
        "best",
    ]
)

ANSWERS = 2  # the offer answers the need
CLOSE = 1  # they are about the same thing


def _match(offer: str, need: str) -> int:
    """`ANSWERS` when an offer and a need say the same thing, share two meaningful words, or
    one's meaningful words are all in the other ("pricing" ⊂ "contract pricing"); `CLOSE`
    when they share one distinctive word ("PMO reporting templates" and "people who stood
    up a PMO"); otherwise 0."""
    if offer.strip().lower() == need.strip().lower():
        return ANSWERS
    a, b = _keywords(offer), _keywords(need)
    if not a or not b:
        return 0
    shared = a & b
    if len(shared) >= 2 or shared in (a, b):
        return ANSWERS
    if shared - _GENERIC:
        return CLOSE
    return 0


def _pairs(offers: Iterable[str], needs: Iterable[str]) -> list[tuple[str, str, int]]:
    """For each need, the offer that best answers it (if any), with how well."""
    found: list[tuple[str, str, int]] = []
    for need in needs:
        best = max(((_match(str(o), str(need)), str(o)) for o in offers), default=(0, ""))
        if best[0]:
            found.append((best[1], str(need), best[0]))
    return found


# Weights of the ranking: a direct answer to what someone is looking for counts most.
WEIGHT_THEY_OFFER_WHAT_YOU_SEEK = 3
WEIGHT_YOU_OFFER_WHAT_THEY_SEEK = 3
WEIGHT_CLOSE_TO_A_NEED = 1  # either way, when the two share only one distinctive word
WEIGHT_SHARED_TOPIC = 1
WEIGHT_SHARED_EVENT_TOPIC = 1  # a shared topic that is also the event's counts once more


@dataclass
class Suggestion:
    member: User
    score: int
    reasons: list[str] = field(default_factory=list)
    shared_topics: list[str] = field(default_factory=list)
    connected: bool = False
    checked_in: bool = False


def _names(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def rank_people(
    viewer: User, candidates: list[Attendance], event_topic_ids: set[int], connected: set[int]
) -> list[Suggestion]:
    """Rank attendees for the viewer, each with the human-readable reasons of its score.
    `candidates` come with member, profile and profile topics loaded."""
    me = viewer.profile
    my_topics = {t.pk: t.name for t in me.topics.all()}
    my_offers = [str(o) for o in me.offers or []]
    my_needs = [str(n) for n in me.looking_for or []]
    ranked: list[Suggestion] = []
    for attendance in candidates:
        other = attendance.member
        profile = other.profile
        first = other.get_short_name()
        suggestion = Suggestion(
            member=other,
            score=0,
            connected=other.pk in connected,
            checked_in=attendance.checked_in_at is not None,
        )
        for offer, need, how in _pairs(profile.offers or [], my_needs):
            if how == ANSWERS:
                suggestion.score += WEIGHT_THEY_OFFER_WHAT_YOU_SEEK
                suggestion.reasons.append(
                    f"{first} offers “{offer}”, and you are looking for “{need}”."
                )
            else:
                suggestion.score += WEIGHT_CLOSE_TO_A_NEED
                suggestion.reasons.append(
                    f"{first} offers “{offer}”, close to what you are looking for (“{need}”)."
                )
        for offer, need, how in _pairs(my_offers, profile.looking_for or []):
            if how == ANSWERS:
                suggestion.score += WEIGHT_YOU_OFFER_WHAT_THEY_SEEK
                suggestion.reasons.append(
                    f"{first} is looking for “{need}”, and you offer “{offer}”."
                )
            else:
                suggestion.score += WEIGHT_CLOSE_TO_A_NEED
                suggestion.reasons.append(
                    f"{first} is looking for “{need}”, close to what you offer (“{offer}”)."
                )
        shared = [
            (pk, name)
            for pk, name in ((t.pk, t.name) for t in profile.topics.all())
            if pk in my_topics
        ]
        if shared:
            shared.sort(key=lambda pair: pair[1].lower())
            suggestion.shared_topics = [name for _, name in shared]
            on_topic = [name for pk, name in shared if pk in event_topic_ids]
            suggestion.score += WEIGHT_SHARED_TOPIC * len(shared)
            suggestion.score += WEIGHT_SHARED_EVENT_TOPIC * len(on_topic)
            reason = f"You both follow {_names(suggestion.shared_topics)}"
            if on_topic:
                reason += f" ({_names(on_topic)}: this event's topic too)"
            suggestion.reasons.append(reason + ".")
        ranked.append(suggestion)
    ranked.sort(key=lambda s: (-s.score, s.connected, s.member.name.lower(), s.member.pk))
    return ranked


def people_to_meet(viewer: User, event: Event) -> list[Suggestion]:
    """Other going attendees worth meeting, best first, with reasons: never across a block,
    never someone hidden from the list; those already connected are marked (and ranked
    after strangers with the same score, since meeting new people is the point)."""
    candidates = list(
        Attendance.objects.filter(
            event=event, status=AttendanceStatus.GOING, hidden=False, member__is_active=True
        )
        .exclude(member=viewer)
        .exclude(member_id__in=blocked_ids(viewer.pk))
        .select_related("member", "member__profile")
        .prefetch_related("member__profile__topics")
    )
    event_topic_ids = {topic.pk for topic in event.topics.all()}
    viewer_with_profile = (
        User.objects.select_related("profile").prefetch_related("profile__topics").get(pk=viewer.pk)
    )
    return rank_people(viewer_with_profile, candidates, event_topic_ids, connected_ids(viewer.pk))


# --- After the event ---------------------------------------------------------------------


class FollowUpState(StrEnum):
    NOT_YET = "not_yet"  # the event has not ended
    OPEN = "open"
    CLOSED = "closed"


def follow_up_state(event: Event, now: datetime | None = None) -> FollowUpState:
    now = now or timezone.now()
    if now < event.ends_at:
        return FollowUpState.NOT_YET
    if now < event.follow_up_closes_at:
        return FollowUpState.OPEN
    return FollowUpState.CLOSED


@dataclass
class Met:
    member: User
    connected: bool


def people_met(viewer: User, event: Event) -> list[Met]:
    """The other checked-in attendees (not hidden, not across a block), by name."""
    rows = (
        Attendance.objects.filter(
            event=event, checked_in_at__isnull=False, hidden=False, member__is_active=True
        )
        .exclude(member=viewer)
        .exclude(member_id__in=blocked_ids(viewer.pk))
        .select_related("member", "member__profile")
        .order_by("member__name", "id")
    )
    connected = connected_ids(viewer.pk)
    return [Met(member=row.member, connected=row.member_id in connected) for row in rows]


# --- Invitation context ------------------------------------------------------------------


def events_attended_together(member_id: int, other_id: int) -> QuerySet[Event]:
    """Events both members checked in at, latest first (the `event` invitation context)."""
    return Event.objects.filter(
        Exists(
            Attendance.objects.filter(
                event=OuterRef("pk"), member_id=member_id, checked_in_at__isnull=False
            )
        ),
        Exists(
            Attendance.objects.filter(
                event=OuterRef("pk"), member_id=other_id, checked_in_at__isnull=False
            )
        ),
    ).order_by("-starts_at", "-id")


def _event_context(sender: User, recipient: User, ref: str) -> tuple[str, str] | None:
    # Verified when both checked in at the event, at any time: the 72-hour follow-up window
    # only decides when the event's page prompts people to connect.
    event = (
        events_attended_together(sender.pk, recipient.pk).filter(pk=int(ref)).first()
        if ref.isdigit()
        else None
    )
    return None if event is None else (str(event.pk), event.title)


# The `event` context of an invitation (registered with connections in EventsConfig.ready).
event_context_source = ContextSource(
    kind=ContextKind.EVENT,
    choices=lambda sender, recipient: events_for_context(sender.pk, recipient.pk),
    find=_event_context,
    refusal="You did not both check in at that event; choose an event you both attended.",
)


def events_for_context(member_id: int, other_id: int, limit: int = 20) -> list[tuple[int, str]]:
    """(id, "title (date)") of the events both checked in at, latest first: the composer's
    choices for the `event` context."""
    rows = events_attended_together(member_id, other_id).values_list(
        "pk", "title", "starts_at", "time_zone"
    )[:limit]
    return [
        (pk, f"{title} ({starts.astimezone(ZoneInfo(zone)):%d %b %Y})")
        for pk, title, starts, zone in rows
    ]


def checked_in_counts(event: Event) -> tuple[int, int]:
    """(checked in, going) for the organizer's desk."""
    row = Attendance.objects.filter(event=event, status=AttendanceStatus.GOING).aggregate(
        going=Count("id"), checked=Count("id", filter=Q(checked_in_at__isnull=False))
    )
    return row["checked"], row["going"]


def follow_ups_open_for(member: User, now: datetime | None = None) -> list[Event]:
    """Events the member checked in at whose 72-hour follow-up window is open now, the one
    closing soonest first (the home page's "for today")."""
    now = now or timezone.now()
    return list(
        Event.objects.filter(
            attendances__member=member,
            attendances__checked_in_at__isnull=False,
            ends_at__lte=now,
            ends_at__gt=now - FOLLOW_UP_WINDOW,
            cancelled_at__isnull=True,
        ).order_by("ends_at", "pk")
    )


def next_event_for(member: User, now: datetime | None = None) -> Event | None:
    """The next event the member is going to (not cancelled, not yet ended)."""
    now = now or timezone.now()
    return (
        Event.objects.filter(
            attendances__member=member,
            attendances__status=AttendanceStatus.GOING,
            ends_at__gt=now,
            cancelled_at__isnull=True,
        )
        .order_by("starts_at", "pk")
        .first()
    )


def follow_up_done(viewer: User, event: Event, people: list[Met]) -> tuple[set[int], set[int]]:
    """What the viewer already did for the people they met: the connections they have written
    to since the event started (the ledger's messages), and the others they have an open
    request to. Two queries, whatever the number of people."""
    connected = [p.member.pk for p in people if p.connected]
    others = [p.member.pk for p in people if not p.connected]
    written = set(
        Interaction.objects.filter(
            actor=viewer,
            counterpart_id__in=connected,
            kind__in=[InteractionKind.MESSAGE, InteractionKind.REPLY],
            at__gte=event.starts_at,
        ).values_list("counterpart_id", flat=True)
    )
    requested = set(
        Invitation.objects.filter(
            sender=viewer,
            recipient_id__in=others,
            state__in=[InvitationState.PENDING, InvitationState.QUEUED],
        ).values_list("recipient_id", flat=True)
    )
    return written, requested


# How many of a recipient's events the personalization engine reads.
MATERIAL_EVENTS = 20


def recipient_material(sender: User, recipient: User) -> RecipientMaterial:
    """Events the recipient organized or checked in at (and did not hide from the attendee
    list), latest first: titles and descriptions a note may refer to (registered with
    connections in EventsConfig.ready)."""
    rows = _material_compiled.fetch(recipient_id=recipient.pk)
    return RecipientMaterial(
        events=tuple(f"{title}. {description}".strip() for title, description in rows)
    )


def _material(recipient_id: int) -> QuerySet[Event, tuple[str, str]]:
    return (
        Event.objects.filter(
            Q(organizer_id=recipient_id)
            | Q(
                attendances__member_id=recipient_id,
                attendances__checked_in_at__isnull=False,
                attendances__hidden=False,
            )
        )
        .distinct()
        .order_by("-starts_at", "-id")
        .values_list("title", "description")[:MATERIAL_EVENTS]
    )


# Read on every check of a request's note (each pause in typing): compiled once per process.
_material_compiled: CompiledQuery[tuple[str, str]] = CompiledQuery(_material, recipient_id=-730_701)
