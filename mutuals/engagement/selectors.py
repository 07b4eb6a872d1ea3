"""Reads on the pact, the ledger and ties, shared by pages, the API and insights."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import UTC, datetime
from typing import Any

from django.db.models import Count, F, IntegerField, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from mutuals.accounts.models import User
from mutuals.accounts.providers import member_ids_matching
from mutuals.connections.invitations import decided_recently
from mutuals.connections.models import Connection, ConnectionRemoval, Invitation, InvitationState
from mutuals.connections.selectors import blocked_ids
from mutuals.core.compiled import CompiledQuery, aggregated
from mutuals.core.errors import NotFound
from mutuals.core.search_terms import terms_parse
from mutuals.engagement.models import (
    Collaboration,
    CollaborationState,
    Collaborator,
    CollaboratorState,
    Interaction,
    Obligation,
    Tie,
)
from mutuals.engagement.ties import tie_state_unmeasured


def ties_for(member: User) -> QuerySet[Tie]:
    """The member's ties with the other member's profile and the connection, strongest first."""
    return (
        Tie.objects.filter(member=member, other__is_active=True)
        .select_related("other__profile", "connection")
        .order_by("-strength", "-id")
    )


def ties_matching(member: User, q: str) -> QuerySet[Tie]:
    """`ties_for`, keeping (when `q` is not blank) those whose member the search box would
    find for it (name, headline, company, topics, …: `accounts.providers.member_ids_matching`),
    and none when it holds no word to search for. Refused (`query_too_long`) beyond the
    search's length."""
    ties = ties_for(member)
    if not q.strip():
        return ties
    terms = terms_parse(q)
    return ties.filter(other_id__in=member_ids_matching(terms)) if terms else ties.none()


def access_tie_by_connection_id(member: User, connection_id: int) -> Tie:
    """The member's tie on one of their own connections; not found for anyone else's. A
    connection whose tie row the sweep has not written yet (`ties.ties_ensure_all`) reads as a
    tie just begun, unsaved: reading writes nothing (issue 20)."""
    connection = (
        Connection.objects.filter(pk=connection_id)
        .filter(Q(member_low=member) | Q(member_high=member))
        .first()
    )
    if connection is None:
        raise NotFound("No such connection.")
    tie = (
        Tie.objects.select_related("other__profile", "connection")
        .filter(member=member, connection_id=connection_id)
        .first()
    )
    if tie is None:
        other = User.objects.select_related("profile").get(pk=connection.other_id(member.pk))
        tie = Tie(member=member, other=other, connection=connection)
        tie.state = tie_state_unmeasured(connected_at=connection.created_at, now=timezone.now())
    return tie


def removal_of_connection(member: User, connection_id: int) -> ConnectionRemoval | None:
    """The removal that ended one of the member's connections (by either of the two), for
    links to its page made before it went; None for anyone else's or one never removed."""
    return (
        ConnectionRemoval.objects.filter(connection_id=connection_id)
        .filter(Q(pair_low=member.pk) | Q(pair_high=member.pk))
        .order_by("-at")
        .first()
    )


def pact_of(connection_ids: list[int]) -> dict[int, list[Obligation]]:
    """Every obligation of these connections, grouped, in due order (one query)."""
    pact: dict[int, list[Obligation]] = {cid: [] for cid in connection_ids}
    for obligation in Obligation.objects.filter(
        connection_id__in=connection_ids, cancelled_at__isnull=True
    ).order_by("due_at", "id"):
        if obligation.connection_id is not None:
            pact[obligation.connection_id].append(obligation)
    return pact


def recent_interactions(member: User, other_id: int, limit: int = 20) -> list[Interaction]:
    return list(
        Interaction.objects.filter(
            Q(actor=member, counterpart_id=other_id) | Q(actor_id=other_id, counterpart=member)
        ).order_by("-at", "-id")[:limit]
    )


def pact_counted(member: User | int) -> Q:
    """The items that count in the member's follow-through (docs/design.md §4): their own,
    and their pairs' (on a connection they have, or had: an ended connection's items keep the
    pair), not cancelled — except an item closed by its connection's end or a suspension
    after its deadline had passed, which was missed while the two were connected and counts
    so. One rule, for the rate and for the insights' weeks."""
    connection_ids = Connection.objects.filter(Q(member_low=member) | Q(member_high=member)).values(
        "pk"
    )
    theirs = Q(party=member) | Q(party__isnull=True) & (
        Q(connection_id__in=connection_ids) | Q(member_low=member) | Q(member_high=member)
    )
    counted = Q(cancelled_at__isnull=True) | (
        ~Q(closed_reason="") & Q(cancelled_at__gt=F("due_at"))
    )
    return theirs & counted


def follow_through_rate(member: User, now: datetime | None = None) -> float | None:
    """Obligations the member owed (their own, and their pairs') that fell due, met on time /
    all that fell due (docs/design.md §4; which count: `pact_counted`). None before anything
    fell due. One aggregate, compiled once per process (read on every health answer)."""
    counts = _follow_through_compiled.fetch(member_id=member.pk, now=now or timezone.now())[0]
    return _rate_met_on_time(int(counts["on_time"] or 0), int(counts["total"] or 0))


def _rate_met_on_time(on_time: int, fell_due: int) -> float | None:
    return on_time / fell_due if fell_due else None


def _fell_due(member_id: int, now: datetime) -> QuerySet[Obligation]:
    """The items counted in the member's follow-through that fell due by `now`."""
    return Obligation.objects.filter(pact_counted(member_id), due_at__lte=now)


# Of those, met by their deadline.
MET_ON_TIME = Q(fulfilled_at__isnull=False, fulfilled_at__lte=F("due_at"))


def _follow_through(member_id: int, now: datetime) -> QuerySet[Obligation, dict[str, int]]:
    return aggregated(
        _fell_due(member_id, now), total=Count("id"), on_time=Count("id", filter=MET_ON_TIME)
    )


_follow_through_compiled: CompiledQuery[dict[str, int]] = CompiledQuery(
    _follow_through, member_id=-730_401, now=datetime(2001, 1, 1, tzinfo=UTC)
)


@dataclass(frozen=True)
class HealthCounts:
    """What the health dashboard counts of a member, read together (`health_counts`)."""

    time_zone: str | None
    given: int
    received: int
    pact_due: int
    pact_on_time: int
    requests_accepted: int
    requests_decided: int
    collaborations_active: int
    collaborations_completed: int

    @property
    def follow_through_rate(self) -> float | None:
        """As `follow_through_rate`: met on time / fell due, None before anything fell due."""
        return _rate_met_on_time(self.pact_on_time, self.pact_due)


def health_counts(member: User, now: datetime | None = None) -> HealthCounts:
    """The member's counts the health dashboard shows, in one statement compiled once per
    process (issue 20: they were five): their time zone (None without boundaries);
    interactions they started with connections against those others started; their
    follow-through's items that fell due by `now`, and those met on time (`pact_counted`, as
    `follow_through_rate`); accepted and decided among their recent decided requests
    (`invitations.decided_recently`, as `acceptance_counts`); and the collaborations they
    confirmed, active and completed."""
    row = _health_counts_compiled.fetch(member_id=member.pk, now=now or timezone.now())[0]
    counted = (f.name for f in fields(HealthCounts) if f.name != "time_zone")
    return HealthCounts(
        time_zone=row["time_zone"], **{name: int(row[name] or 0) for name in counted}
    )


def _count(queryset: QuerySet[Any]) -> Subquery:
    """The number of rows of `queryset`, as a column of another query."""
    return Subquery(aggregated(queryset, n=Count("id")), output_field=IntegerField())


def _health_counts(member_id: int, now: datetime) -> QuerySet[User, Any]:
    fell_due = _fell_due(member_id, now)
    recent = Invitation.objects.filter(pk__in=decided_recently(member_id))
    confirmed = Collaboration.objects.filter(
        collaborators__member=member_id, collaborators__state=CollaboratorState.CONFIRMED
    )
    return User.objects.filter(pk=member_id).values(
        time_zone=F("boundaries__time_zone"),
        given=_count(Interaction.objects.filter(actor=member_id)),
        received=_count(Interaction.objects.filter(counterpart=member_id)),
        pact_due=_count(fell_due),
        pact_on_time=_count(fell_due.filter(MET_ON_TIME)),
        requests_accepted=_count(recent.filter(state=InvitationState.ACCEPTED)),
        requests_decided=_count(recent),
        collaborations_active=_count(confirmed.filter(state=CollaborationState.ACTIVE)),
        collaborations_completed=_count(confirmed.filter(state=CollaborationState.COMPLETED)),
    )


_health_counts_compiled: CompiledQuery[dict[str, Any]] = CompiledQuery(
    _health_counts, member_id=-730_402, now=datetime(2001, 1, 1, tzinfo=UTC)
)


def pending_requests_count(member: User) -> int:
    return Invitation.objects.filter(recipient=member, state=InvitationState.PENDING).count()


# --- Collaborations ----------------------------------------------------------------------------


def _with_seats(collaborations: QuerySet[Collaboration]) -> QuerySet[Collaboration]:
    return collaborations.select_related("proposer", "event").prefetch_related(
        Prefetch(
            "collaborators",
            queryset=Collaborator.objects.select_related("member__profile").order_by(
                "invited_at", "id"
            ),
            to_attr="seats",
        )
    )


def collaborations_for(member: User) -> QuerySet[Collaboration]:
    """Every collaboration the member has a place in (proposed by them, or inviting them,
    whatever they answered), except those whose proposer is blocked either way, with their
    seats prefetched as `seats`; newest first."""
    return _with_seats(
        Collaboration.objects.filter(collaborators__member=member)
        .exclude(proposer_id__in=blocked_ids(member.pk))
        .order_by("-created_at", "-id")
    )


def collaborations_on_profile(viewer: User, member: User) -> list[Collaboration]:
    """What a profile shows: `profile_collaborations(member)`, each with `shown` (see
    `collaborations_shown`)."""
    return collaborations_shown(list(profile_collaborations(member)), viewer=viewer, member=member)


def profile_collaborations(member: User) -> QuerySet[Collaboration]:
    """The member's active and completed collaborations that they confirmed (a proposal nobody
    confirmed, or one they declined or have not answered, is not theirs to show), most
    recently started first, seats prefetched: the profile page and the API list."""
    return _with_seats(
        Collaboration.objects.filter(
            state__in=[CollaborationState.ACTIVE, CollaborationState.COMPLETED],
            collaborators__member=member,
            collaborators__state=CollaboratorState.CONFIRMED,
        ).order_by("-started_at", "-id")
    )


def collaborations_shown(
    rows: list[Collaboration], *, viewer: User, member: User
) -> list[Collaboration]:
    """Set `shown` on each of the member's collaborations: the other confirmed members the
    viewer may see (anyone on either side of a block with the viewer is left out)."""
    hidden = blocked_ids(viewer.pk)
    for row in rows:
        row.shown = [  # type: ignore[attr-defined]
            seat.member
            for seat in row.seats  # type: ignore[attr-defined]
            if seat.state == CollaboratorState.CONFIRMED
            and seat.member_id != member.pk
            and seat.member_id not in hidden
        ]
    return rows


def collaborations_active(member: User, limit: int = 5) -> list[Collaboration]:
    """The member's active collaborations they confirmed, most recently started first, each
    with `partners` = the other confirmed members."""
    rows = list(
        _with_seats(
            Collaboration.objects.filter(
                state=CollaborationState.ACTIVE,
                collaborators__member=member,
                collaborators__state=CollaboratorState.CONFIRMED,
            ).order_by("-started_at", "-id")
        )[:limit]
    )
    for row in rows:
        row.partners = [  # type: ignore[attr-defined]
            seat.member
            for seat in row.seats  # type: ignore[attr-defined]
            if seat.state == CollaboratorState.CONFIRMED and seat.member_id != member.pk
        ]
    return rows


def collaboration_invitations_waiting(member: User) -> list[Collaboration]:
    """Open collaborations inviting the member that they have not answered yet (proposers
    blocked either way left out), oldest first: the home page's "for today"."""
    return list(
        Collaboration.objects.filter(
            collaborators__member=member,
            collaborators__state=CollaboratorState.INVITED,
            state__in=[CollaborationState.PROPOSED, CollaborationState.ACTIVE],
        )
        .exclude(proposer_id__in=blocked_ids(member.pk))
        .select_related("proposer")
        .order_by("created_at", "id")
    )


# --- What recording an interaction reads ------------------------------------------------------
# Every interaction recorded (a message, a reply, a logged call) makes these reads, two of them
# locking their rows (`services.interaction_record`): compiled once per process (issue 20).

pair_connection: CompiledQuery[Connection] = CompiledQuery(
    lambda low, high: Connection.objects.filter(member_low_id=low, member_high_id=high).order_by(
        "pk"
    )[:1],
    low=-730_821,
    high=-730_822,
)
recorded_interaction: CompiledQuery[Interaction] = CompiledQuery(
    lambda source_key, actor_id, counterpart_id: Interaction.objects.filter(
        source_key=source_key, actor=actor_id, counterpart=counterpart_id
    ).order_by("pk")[:1],
    source_key="stand-in source key",
    actor_id=-730_823,
    counterpart_id=-730_824,
)
pair_tie_ids_locked: CompiledQuery[int] = CompiledQuery(
    lambda connection_id: (
        Tie.objects.select_for_update(of=("self",))
        .filter(connection=connection_id)
        .order_by("member_id", "pk")
        .values_list("pk", flat=True)
    ),
    connection_id=-730_825,
)
open_obligations_locked: CompiledQuery[Obligation] = CompiledQuery(
    lambda connection_id, at: (
        Obligation.objects.select_for_update()
        .filter(
            connection=connection_id,
            fulfilled_at__isnull=True,
            cancelled_at__isnull=True,
            opened_at__lte=at,
        )
        .order_by("pk")
    ),
    connection_id=-730_826,
    at=datetime(2001, 1, 5, tzinfo=UTC),
)
