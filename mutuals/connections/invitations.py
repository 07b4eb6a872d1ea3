"""Reads and pure rules about invitations shared by services, views and the API: what the
engine knows of a recipient, the sender's history, context verification, capacity windows
and the sender's weekly allowance."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Case, Count, F, Max, Model, Q, QuerySet, Value, When
from django.db.models.functions import Now
from django.utils import timezone

from mutuals import personalization
from mutuals.accounts.models import User
from mutuals.accounts.topics import topic_slug
from mutuals.connections.models import (
    UNANSWERED_STATES,
    ConnectionRemoval,
    ContextKind,
    DeclineReason,
    Invitation,
    InvitationState,
)
from mutuals.connections.selectors import mutual_connections, shared_topics
from mutuals.core.compiled import CompiledQuery, aggregated
from mutuals.core.errors import Conflict, Refused, json_datetime

# --- Rules (docs/design.md §1, §4; docs/api.md "Invitations") -----------------------------------
REINVITE_AFTER = timedelta(days=21)
PENDING_EXPIRES_AFTER = timedelta(days=30)
CAPACITY_WINDOW = timedelta(days=7)
ALLOWANCE_WINDOW = timedelta(days=7)
BASE_ALLOWANCE = 20
MIN_ALLOWANCE = 3
MAX_ALLOWANCE = 30
# The acceptance rate counts once a member has this many decided requests among their last
# ACCEPTANCE_SAMPLE; before that a new member gets the base.
ACCEPTANCE_MIN_DECIDED = 5
ACCEPTANCE_SAMPLE = 20
REPORT_LOOKBACK = timedelta(days=90)
# Each "I don't know this person" or spam report in the lookback cuts the allowance by this.
REPORT_CUT = 0.75
OTHER_CONTEXT_MIN_LENGTH = 10

DECIDED_STATES = (
    InvitationState.ACCEPTED,
    InvitationState.DECLINED,
    InvitationState.IGNORED,
    InvitationState.EXPIRED,
    InvitationState.REPORTED,
)


# What other apps hold about a member that a note may refer to (their posts, their events,
# their mentor offer), registered by those apps when they start (AppConfig.ready), since
# connections stands below them. Each provider answers for one sender and one recipient, so
# it can keep to what the sender may see.
MaterialProvider = Callable[[User, User], "RecipientMaterial"]
_material_providers: list[MaterialProvider] = []


@dataclass(frozen=True)
class RecipientMaterial:
    posts: tuple[str, ...] = ()
    events: tuple[str, ...] = ()
    mentor_offer: str = ""


def recipient_material_register(provider: MaterialProvider) -> None:
    """Add a source of the recipient's own material for the engine (once per provider)."""
    if provider not in _material_providers:
        _material_providers.append(provider)


# Contexts that refer to what other apps hold (`event`: an event both attended, from events;
# `content`: a post of the recipient's, from feed), verified by the source each app registers
# when it starts (AppConfig.ready), since connections stands below them.
@dataclass(frozen=True)
class ContextSource:
    """One kind of context: `choices(sender, recipient)` are the (id, label) the composer
    offers; `find(sender, recipient, ref)` answers the verified (ref, label) or None, and
    `refusal` tells the sender what to choose instead."""

    kind: str
    choices: Callable[[User, User], list[tuple[int, str]]]
    find: Callable[[User, User, str], tuple[str, str] | None]
    refusal: str


_context_sources: dict[str, ContextSource] = {}


def context_source_register(source: ContextSource) -> None:
    """Verify contexts of `source.kind` with `source` (one source per kind)."""
    registered = _context_sources.setdefault(source.kind, source)
    if registered != source:
        raise ImproperlyConfigured(f"Two sources verify the {source.kind!r} context.")


# The pact's follow-through scales the sender's allowance; the pact is engagement's, above
# connections, so engagement registers the rate when it starts (EngagementConfig.ready).
FollowThroughRate = Callable[[User], float | None]
_follow_through: list[FollowThroughRate] = []


# What moderators decided about reports against a member: moderation stands above
# connections, so it registers the count when it starts (ModerationConfig.ready). Without a
# source, the recipients' word is all that counts.
@dataclass(frozen=True)
class ReportOutcomes:
    """Since a moment: items other than requests whose report about the member a moderator
    upheld (each once), and requests of theirs reported as spam whose report a moderator
    dismissed."""

    upheld: int = 0
    requests_cleared: int = 0


ReportOutcomesSource = Callable[[User, datetime], ReportOutcomes]
_report_outcomes: list[ReportOutcomesSource] = []


def report_outcomes_register(source: ReportOutcomesSource) -> None:
    """The one source of moderators' decisions (registering it again is harmless)."""
    if _report_outcomes and _report_outcomes[0] != source:
        raise ImproperlyConfigured("Two sources answer moderators' decisions on reports.")
    _report_outcomes[:] = [source]


def report_outcomes(member: User, since: datetime) -> ReportOutcomes:
    """What moderators decided about reports against `member` since `since`."""
    return _report_outcomes[0](member, since) if _report_outcomes else ReportOutcomes()


def context_choices(sender: User, recipient: User) -> dict[str, list[tuple[int, str]]]:
    """For each registered kind, the (id, label) the composer offers `sender` to write to
    `recipient` about (empty when there is nothing to refer to)."""
    return {kind: source.choices(sender, recipient) for kind, source in _context_sources.items()}


def follow_through_register(rate: FollowThroughRate) -> None:
    """The one source of a member's follow-through rate (registering it again is harmless)."""
    if _follow_through and _follow_through[0] != rate:
        raise ImproperlyConfigured("Two sources answer the follow-through rate.")
    _follow_through[:] = [rate]


def recipient_facts(recipient: User, *, sender: User) -> personalization.Recipient:
    """What the engine may know of `recipient` when `sender` writes to them: their profile
    (headline, about text, company, title, topics) and, from the registered providers, their
    posts the sender can see, the events they organized or attended and their mentor offer."""
    profile = recipient.profile
    posts: list[str] = []
    events: list[str] = []
    offer = ""
    for provider in _material_providers:
        material = provider(sender, recipient)
        posts += material.posts
        events += material.events
        offer = offer or material.mentor_offer
    return personalization.Recipient(
        name=recipient.name,
        company=profile.company,
        title=profile.title,
        headline=profile.headline,
        topics=tuple(topic.name for topic in profile.topics.all()),
        about=profile.bio,
        posts=tuple(posts),
        events=tuple(events),
        mentor_offer=offer,
        key=str(recipient.pk),
    )


def shared_topic_for(topics: list[tuple[str, str]], text: str) -> str:
    """The slug of the shared topic (slug, name) that `text` is most about, or "" when it is
    about none: the composer preselects only a topic it can justify, never the first."""
    name = personalization.best_topic(text, [name for _, name in topics])
    return next((slug for slug, topic in topics if topic == name), "")


@dataclass(frozen=True)
class ResolvedContext:
    kind: str
    ref: str
    text: str
    label: str
    verified: bool

    def for_engine(self) -> personalization.Context:
        return personalization.Context(kind=self.kind, label=self.label, verified=self.verified)


def context_resolve(
    *, sender: User, recipient: User, kind: str, ref: str = "", text: str = ""
) -> ResolvedContext:
    """Verify the context of a request, or refuse with `invalid_context` (422).

    `mutual`: ref is a member connected to both. `topic`: ref is a topic (slug or name) both
    list. `other`: free text of at least ten characters, shown unverified. The kinds other
    apps hold are verified by the source they registered: `event` (events: an event both
    checked in at, whenever the request is sent; the label is its title) and `content`
    (feed: a post of the recipient the sender can see; the label is its first words).
    """
    ref = (ref or "").strip()
    text = " ".join((text or "").split())
    if kind == ContextKind.MUTUAL:
        mutual = dict(mutual_connections(sender.pk, recipient.pk))
        if not ref.isdigit() or int(ref) not in mutual:
            raise _invalid_context("That member is not connected to both of you.", kind)
        return ResolvedContext(kind, ref, text, mutual[int(ref)], True)
    if kind == ContextKind.TOPIC:
        topics = dict(shared_topics(sender.pk, recipient.pk))
        if not ref:
            raise _invalid_context("Choose the topic you share.", kind)
        slug = topic_slug(ref)
        if slug not in topics:
            raise _invalid_context("You do not both list that topic.", kind)
        return ResolvedContext(kind, slug, text, topics[slug], True)
    source = _context_sources.get(kind)
    if source is not None:
        found = source.find(sender, recipient, ref)
        if found is None:
            raise _invalid_context(source.refusal, kind)
        found_ref, label = found
        return ResolvedContext(kind, found_ref, text, label, True)
    if kind == ContextKind.OTHER:
        if len(text) < OTHER_CONTEXT_MIN_LENGTH:
            raise _invalid_context(
                "Say in a few words how you know of them (at least 10 characters).", kind
            )
        return ResolvedContext(kind, "", text[:200], text[:200], False)
    raise _invalid_context(f"Unknown context kind {kind!r}.", kind)


def _invalid_context(message: str, kind: str) -> Refused:
    return Refused(message, code="invalid_context", detail={"context_kind": kind})


# --- Sender history (near-duplicate detection) -----------------------------------------

_HISTORY_CACHE_SIZE = 256


@dataclass(frozen=True)
class HistorySource:
    """Where a kind of note is stored: its model, the sender's field and the recipient's."""

    model: type[Model]
    sender_field: str
    recipient_field: str


INVITATION_NOTES = HistorySource(Invitation, "sender_id", "recipient_id")


@dataclass
class _Cached:
    history: personalization.SenderHistory
    # Per source: how many notes are indexed, and the largest id among them; (-1, -1) when
    # notes were sent while the history was read (it is read again next time).
    seen: list[tuple[int, int]]
    lock: threading.Lock = field(default_factory=threading.Lock)


_history_cache: OrderedDict[tuple[tuple[HistorySource, ...], int], _Cached] = OrderedDict()
_history_lock = threading.Lock()


def sender_history(
    sender_id: int, sources: tuple[HistorySource, ...] = (INVITATION_NOTES,)
) -> personalization.SenderHistory:
    """The sender's earlier notes in `sources` (invitations unless told otherwise), each with
    whom it went to, as an LSH index (near-duplicate detection).

    Kept per process (the most recent senders) and brought up to date on each call with one
    aggregate query per source: notes sent since are added to the index, and the index is
    read again whole only when that cannot make it whole (notes went away with an erased
    account). The first read of a 10,000-note history costs tens of milliseconds (signatures
    are stored packed); each note sent after that costs the adding of one."""
    stamps = [_stamp(source, sender_id) for source in sources]
    cache_key = (sources, sender_id)
    with _history_lock:
        cached = _history_cache.get(cache_key)
        if cached is not None:
            _history_cache.move_to_end(cache_key)
    if cached is not None:
        with cached.lock:  # one thread brings a sender's history up to date at a time
            if cached.seen == stamps or _extend(cached, sources, sender_id, stamps):
                return cached.history
    history = personalization.SenderHistory()
    for source in sources:
        history.extend_stored(_notes(source, sender_id))
    consistent = [_stamp(source, sender_id) for source in sources] == stamps
    fresh = _Cached(history, stamps if consistent else [(-1, -1)] * len(stamps))
    with _history_lock:
        _history_cache[cache_key] = fresh
        _history_cache.move_to_end(cache_key)
        while len(_history_cache) > _HISTORY_CACHE_SIZE:
            _history_cache.popitem(last=False)
    return history


def _stamp(source: HistorySource, sender_id: int) -> tuple[int, int]:
    """How many notes the sender has in `source`, and the largest id among them: read before
    every check (issue 20: one statement compiled once per process and source)."""
    compiled = _stamp_compiled.get(source)
    if compiled is None:
        compiled = _stamp_compiled.setdefault(
            source,
            CompiledQuery(
                lambda sender_id: aggregated(
                    source.model._default_manager.filter(**{source.sender_field: sender_id}),
                    count=Count("id"),
                    last=Max("id"),
                ),
                sender_id=-730_041,
            ),
        )
    row = compiled.fetch(sender_id=sender_id)[0]
    return (row["count"] or 0, row["last"] or 0)


_stamp_compiled: dict[HistorySource, CompiledQuery[dict[str, Any]]] = {}
# A sender's notes after an id, per source: read whole once, then for each note added since.
_notes_compiled: dict[HistorySource, CompiledQuery[tuple[Any, Any, Any]]] = {}


def _notes(source: HistorySource, sender_id: int, after_id: int = 0) -> list[tuple[bytes, str]]:
    """The sender's notes in `source` after `after_id`, oldest first, as (packed signature,
    recipient). A row written by a server of the previous release has only the JSON list
    (`signature`): only for such rows is the JSON read, and packed here."""
    compiled = _notes_compiled.get(source)
    if compiled is None:
        compiled = _notes_compiled.setdefault(
            source,
            CompiledQuery(
                lambda sender_id, after_id: (
                    source.model._default_manager.filter(
                        **{source.sender_field: sender_id, "id__gt": after_id}
                    )
                    .annotate(legacy=Case(When(minhash=b"", then=F("signature")), default=None))
                    .order_by("id")
                    .values_list("minhash", "legacy", source.recipient_field)
                ),
                sender_id=-730_816,
                after_id=-730_817,
            ),
        )
    rows = compiled.fetch(sender_id=sender_id, after_id=after_id)
    return [
        (bytes(packed) or personalization.pack_signature(legacy or ()), str(recipient_id))
        for packed, legacy, recipient_id in rows
    ]


def _extend(
    cached: _Cached,
    sources: tuple[HistorySource, ...],
    sender_id: int,
    stamps: list[tuple[int, int]],
) -> bool:
    """Add the notes sent since `cached` was read; False when that cannot make it whole
    (notes went away, or ids are not increasing), so the caller reads the history again."""
    additions = []
    for source, (count, last), (new_count, _) in zip(sources, cached.seen, stamps, strict=True):
        if count < 0:
            return False
        notes = _notes(source, sender_id, after_id=last)
        if count + len(notes) != new_count:
            return False
        additions.append(notes)
    for notes in additions:
        cached.history.extend_stored(notes)
    cached.seen = stamps
    return True


# --- Capacity and allowance ------------------------------------------------------------


def week_start(moment: datetime) -> datetime:
    """Monday 00:00 UTC of the week holding `moment`: the recipient's capacity window."""
    utc = moment.astimezone(UTC)
    monday = utc - timedelta(days=utc.weekday())
    return monday.replace(hour=0, minute=0, second=0, microsecond=0)


def delivery_time(recipient: User, capacity: int, now: datetime) -> datetime:
    """Now, if the recipient's week has room; else the start of the first week that does.
    Withdrawn invitations do not count against capacity."""
    window = week_start(now)
    for _ in range(52):
        counted = _delivered_in_week_compiled.fetch(
            recipient_id=recipient.pk, start=window, end=window + CAPACITY_WINDOW
        )
        if counted[0]["count"] < capacity:
            return max(now, window)
        window += CAPACITY_WINDOW
    return window


# Read for every request sent: compiled once per process (issue 20).
_delivered_in_week_compiled: CompiledQuery[dict[str, int]] = CompiledQuery(
    lambda recipient_id, start, end: aggregated(
        Invitation.objects.filter(
            recipient=recipient_id, deliver_at__gte=start, deliver_at__lt=end
        ).exclude(state=InvitationState.WITHDRAWN),
        count=Count("id"),
    ),
    recipient_id=-730_809,
    start=datetime(2001, 1, 3, tzinfo=UTC),
    end=datetime(2001, 1, 4, tzinfo=UTC),
)


@dataclass(frozen=True)
class Allowance:
    """How many requests a member may send in any 7 days, and how many they have sent."""

    limit: int
    used: int
    acceptance_rate: float | None
    follow_through_rate: float | None
    reports: int
    retry_at: datetime | None
    # When the oldest request in the window stops counting (the allowance runs over any 7
    # days, so it never resets at once): None when none counts.
    frees_at: datetime | None = None

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.used)


def follow_through_rate(member: User) -> float | None:
    """Pact obligations fulfilled on time / obligations due (docs/design.md §4); None before any
    fell due, so it does not scale a new member's allowance. The pact registers it
    (`follow_through_register`); without it the allowance would quietly drop a rule."""
    if not _follow_through:
        raise ImproperlyConfigured("No source of the follow-through rate is registered.")
    return _follow_through[0](member)


def acceptance_counts(member: User) -> tuple[int, int]:
    """(accepted, decided) among the member's last 20 decided requests."""
    recent = _recent_decided_compiled.fetch(member_id=member.pk)
    return sum(1 for state in recent if state == InvitationState.ACCEPTED), len(recent)


def decided_recently(member_id: int) -> QuerySet[Invitation, Any]:
    """The ids of the member's last `ACCEPTANCE_SAMPLE` decided requests, newest first: the
    sample their acceptance rate is taken from (as a subquery: `pk__in=`)."""
    return (
        Invitation.objects.filter(sender=member_id, state__in=DECIDED_STATES)
        .order_by("-created_at", "-id")
        .values("pk")[:ACCEPTANCE_SAMPLE]
    )


def _recent_decided(member_id: int) -> QuerySet[Invitation, str]:
    return Invitation.objects.filter(pk__in=decided_recently(member_id)).values_list(
        "state", flat=True
    )


# Read on every health answer and every request sent: compiled once per process.
_recent_decided_compiled: CompiledQuery[str] = CompiledQuery(_recent_decided, member_id=-730_501)


def acceptance_rate(member: User) -> float | None:
    """Accepted share of the member's last 20 decided requests; None below 5 decided."""
    return acceptance_rate_of(*acceptance_counts(member))


def acceptance_rate_of(accepted: int, decided: int) -> float | None:
    """The rate from `acceptance_counts` (for a caller that shows the counts too)."""
    if decided < ACCEPTANCE_MIN_DECIDED:
        return None
    return accepted / decided


def sender_allowance(member: User, now: datetime | None = None) -> Allowance:
    """Weekly allowance = base 20 × (0.5 + acceptance rate) × (0.5 + follow-through rate),
    each factor only once it is known, × 0.75 for each report against the member in the last
    90 days, bounded to 3–30. A new member gets the base.

    A report counts when it is a request of theirs reported (spam or "I don't know this
    person": the recipient's word is enough, at once) or declined as "I don't know you" —
    unless a moderator dismissed that spam report — or when a moderator upheld a report of
    anything else of theirs: hid the post, comment or message, or warned or suspended them
    over it (a hidden item shown again no longer counts). Moderators' decisions are
    moderation's to say (`report_outcomes`).
    A report still waiting for a moderator, or dismissed, cuts nothing; a reporter is never
    cut for a report dismissed (docs/design.md §4)."""
    now = now or timezone.now()
    acceptance = acceptance_rate(member)
    follow_through = follow_through_rate(member)
    since = now - REPORT_LOOKBACK
    # "I don't know this person", as a report or as a decline reason, and spam reports.
    reported = _reported_compiled.fetch(member_id=member.pk, since=since)[0]["count"]
    decided = report_outcomes(member, since)
    reports = max(0, reported - decided.requests_cleared) + decided.upheld
    factor = 1.0
    if acceptance is not None:
        factor *= 0.5 + acceptance
    if follow_through is not None:
        factor *= 0.5 + follow_through
    factor *= REPORT_CUT**reports
    limit = max(MIN_ALLOWANCE, min(MAX_ALLOWANCE, round(BASE_ALLOWANCE * factor)))
    sent_at = _sent_since_compiled.fetch(member_id=member.pk, after=now - ALLOWANCE_WINDOW)
    used = len(sent_at)
    retry_at = sent_at[used - limit] + ALLOWANCE_WINDOW if used >= limit else None
    frees_at = sent_at[0] + ALLOWANCE_WINDOW if sent_at else None
    return Allowance(limit, used, acceptance, follow_through, reports, retry_at, frees_at)


def _reported(member_id: int, since: datetime) -> QuerySet[Invitation, dict[str, int]]:
    """The member's requests reported, or declined as "I don't know you", since `since`."""
    return aggregated(
        Invitation.objects.filter(sender=member_id, responded_at__gte=since).filter(
            Q(state=InvitationState.REPORTED)
            | Q(state=InvitationState.DECLINED, decline_reason=DeclineReason.DONT_KNOW_YOU)
        ),
        count=Count("id"),
    )


def _sent_since(member_id: int, after: datetime) -> QuerySet[Invitation, datetime]:
    return (
        Invitation.objects.filter(sender=member_id, created_at__gt=after)
        .order_by("created_at")
        .values_list("created_at", flat=True)
    )


# Read for every request sent (and the allowance shown): compiled once per process (issue 20).
_reported_compiled: CompiledQuery[dict[str, int]] = CompiledQuery(
    _reported, member_id=-730_081, since=datetime(2001, 1, 1, tzinfo=UTC)
)
_sent_since_compiled: CompiledQuery[datetime] = CompiledQuery(
    _sent_since, member_id=-730_082, after=datetime(2001, 1, 2, tzinfo=UTC)
)


def last_closed_between(sender: User, recipient: User) -> Invitation | None:
    """The sender's latest withdrawn, declined or reported request to this recipient (read
    for every request sent: compiled once per process)."""
    return _last_closed_compiled.first(sender_id=sender.pk, recipient_id=recipient.pk)


_last_closed_compiled: CompiledQuery[Invitation] = CompiledQuery(
    lambda sender_id, recipient_id: (
        Invitation.objects.filter(
            sender=sender_id,
            recipient=recipient_id,
            state__in=[
                InvitationState.WITHDRAWN,
                InvitationState.DECLINED,
                InvitationState.REPORTED,
            ],
        )
        .exclude(closed_by_block=True)
        .order_by("-responded_at", "-id")[:1]
    ),
    sender_id=-730_803,
    recipient_id=-730_804,
)


def last_removal_between(member_id: int, other_id: int) -> ConnectionRemoval | None:
    """The latest removal of a connection between the two, whoever removed it: like a closed
    request, it starts the 21-day wait (`REINVITE_AFTER`) before either asks the other again.
    Read for every request sent: compiled once per process."""
    low, high = sorted((member_id, other_id))
    return _last_removal_compiled.first(low=low, high=high)


_last_removal_compiled: CompiledQuery[ConnectionRemoval] = CompiledQuery(
    lambda low, high: ConnectionRemoval.objects.filter(pair_low=low, pair_high=high).order_by(
        "-at", "-id"
    )[:1],
    low=-730_805,
    high=-730_806,
)


def removed_within_wait(member_id: int) -> list[QuerySet[ConnectionRemoval, int]]:
    """The members whose connection with `member_id` either of them removed less than 21
    days ago (`REINVITE_AFTER`): neither may ask the other yet, so nothing suggests one to
    the other meanwhile. Two reads of one column (the member on either side of the pair),
    for a caller to join to its own; the wait is measured by the database's clock, so the
    SQL does not change with the time and compiles once (`core.compiled`)."""
    since = Now() - Value(REINVITE_AFTER)
    return [
        ConnectionRemoval.objects.filter(pair_low=member_id, at__gt=since).values_list(
            "pair_high", flat=True
        ),
        ConnectionRemoval.objects.filter(pair_high=member_id, at__gt=since).values_list(
            "pair_low", flat=True
        ),
    ]


def removed_within_wait_ids(member_id: int) -> set[int]:
    """`removed_within_wait` as a set, for callers that exclude in Python or by `pk__in`."""
    first, second = removed_within_wait(member_id)
    return set(first) | set(second)


def reinvite_refusal(sender: User, recipient: User, now: datetime) -> Conflict | None:
    """`reinvite_too_soon` (with `retry_at`) within 21 days of the sender's withdrawn,
    declined or reported request to the recipient, or of a removal of their connection by
    either of them; None when the sender may ask."""
    closed = last_closed_between(sender, recipient)
    if closed and closed.responded_at and closed.responded_at > now - REINVITE_AFTER:
        retry_at = closed.responded_at + REINVITE_AFTER
        message = (
            f"Your last request to {recipient.name} closed on {closed.responded_at:%d %b}; "
            f"you can ask again from {retry_at:%d %b}."
        )
        return Conflict(
            message, code="reinvite_too_soon", detail={"retry_at": json_datetime(retry_at)}
        )
    return removal_wait_refusal(sender, recipient, now)


def removal_wait_refusal(member: User, other: User, now: datetime) -> Conflict | None:
    """`reinvite_too_soon` (with `retry_at`) within 21 days of a removal of the two members'
    connection by either of them, whichever way they would connect again (a request, or an
    introduction that would connect them); None when no removal is that recent."""
    removal = last_removal_between(member.pk, other.pk)
    if removal is None or removal.at <= now - REINVITE_AFTER:
        return None
    retry_at = removal.at + REINVITE_AFTER
    message = (
        f"You and {other.name} were connected until {removal.at:%d %b}; either of "
        f"you can ask again from {retry_at:%d %b}."
    )
    return Conflict(message, code="reinvite_too_soon", detail={"retry_at": json_datetime(retry_at)})


def open_invitation_between(member_id: int, other_id: int) -> Invitation | None:
    """The request between the two still waiting for an answer, either way (at most one:
    sending is refused while one waits, so requests never cross). Compiled once per process:
    every request sent and every member's page asks it."""
    low, high = sorted((member_id, other_id))
    return _open_between_compiled.first(low=low, high=high)


_open_between_compiled: CompiledQuery[Invitation] = CompiledQuery(
    lambda low, high: Invitation.objects.filter(
        pair_low=low, pair_high=high, state__in=UNANSWERED_STATES
    ).order_by("created_at", "id")[:1],
    low=-730_807,
    high=-730_808,
)


def incoming_invitation(viewer_id: int, other_id: int) -> Invitation | None:
    """The other member's request to the viewer, still waiting for their answer."""
    waiting = open_invitation_between(viewer_id, other_id)
    return waiting if waiting is not None and waiting.sender_id == other_id else None


def invitation_pending_refusal(waiting: Invitation, *, sender: User, recipient: User) -> Conflict:
    """`invitation_pending` for a send while a request between the two waits. When it is the
    recipient's request to the sender (`direction: incoming`) the sender is offered to answer
    theirs instead: two crossed requests would each wait for the other."""
    incoming = waiting.sender_id == recipient.pk
    return Conflict(
        f"{recipient.name} has already asked to connect with you: accept their request instead."
        if incoming
        else f"Your request to {recipient.name} is still waiting for an answer.",
        code="invitation_pending",
        detail={
            "invitation_id": waiting.pk,
            "direction": "incoming" if incoming else "outgoing",
        },
    )
