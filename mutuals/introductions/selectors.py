"""Reads over the graph used by the API and the pages: warm paths, people you may know, the
introduction inbox. Answers come from the snapshot; what they name is re-checked against the
database (blocks, openness to introductions), so a block is reflected the moment it commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, QuerySet

from mutuals.accounts.models import Boundaries, ProfileVisibility, User
from mutuals.accounts.selectors import MemberCard, member_cards
from mutuals.connections.invitations import removed_within_wait
from mutuals.connections.models import Block, Invitation, InvitationState
from mutuals.connections.selectors import blocked_ids, sees_private_profile_of
from mutuals.core.compiled import CompiledQuery, ids_text, in_ids
from mutuals.introductions.graph import circle_for, current_snapshot, snapshot_and_circle
from mutuals.introductions.models import (
    Introduction,
    IntroductionEvent,
    IntroductionState,
    SuggestionDismissal,
)

if TYPE_CHECKING:
    # The engine loads numba; it is imported where a search runs, not with the URLconf
    # (issue 13: commands that need no graph start without it).
    from mutuals.graph import Proximity, Suggestion, WarmPath

MAX_PATHS = 3
MAX_SUGGESTIONS = 100
# Invitation outcomes that mean "do not suggest these two to each other".
_NOT_AGAIN = (
    InvitationState.DECLINED,
    InvitationState.REPORTED,
    InvitationState.PENDING,
    InvitationState.QUEUED,
    InvitationState.IGNORED,
)
# A request to the member they can answer now is shown as that ("X asked to connect —
# answer"), never as "Ask to connect": asking back would cross the two requests.
_ANSWERABLE = (InvitationState.PENDING, InvitationState.IGNORED)


def proximity_for(viewer_id: int, member_ids: Iterable[int]) -> dict[int, Proximity]:
    """Each member's degree of separation from the viewer (1, 2, 3 for exactly three hops,
    None further, unknown or the viewer) and the connections they share, for badges on
    profiles and lists (DESIGN §6).

    Every answer comes from the viewer's cached first- and second-degree sets
    (`circle_for`), so a page of any length costs the snapshot's freshness check, not a search
    or a query per row; the snapshot is current with every committed connection and block.
    Deactivated members are not in the graph: they count neither as a degree nor as a
    mutual connection."""
    circle = circle_for(viewer_id)
    return {member_id: circle.proximity(member_id) for member_id in member_ids}


def warm_paths(
    *, viewer: User, to: int | None = None, company: str | None = None, topic: str | None = None
) -> list[WarmPath]:
    """The strongest warm-introduction paths (≤ 4 hops) from the viewer to a member, or to
    anyone at a company or with a topic, best first, through different first introducers.

    Members blocked either way with the viewer (read now, not from the snapshot) are never on
    a path, nor members who have since closed themselves to introductions."""
    from mutuals.graph import strongest_paths

    excluded = blocked_ids(viewer.pk)
    snapshot = current_snapshot()
    for _ in range(3):
        paths = strongest_paths(
            snapshot,
            viewer.pk,
            to=to,
            company=company,
            topic=topic,
            alternatives=MAX_PATHS,
            excluded=excluded,
        )
        inner = {member for path in paths for member in path.members[1:-1]}
        closed = set(_closed_compiled.fetch(ids=ids_text(inner))) if inner else set()
        if not closed:
            return paths
        excluded |= closed  # the snapshot's attributes were older than the database's
    return [p for p in paths if not set(p.members[1:-1]) & excluded]


def _closed_to_introductions(ids: str) -> QuerySet[Any, int]:
    """Which of the members named by `ids` (an `ids_text`) may not be on a path now: closed
    to introductions, or no longer active."""
    closed = Boundaries.objects.filter(in_ids("user_id", ids), open_to_introductions=False)
    inactive = User.objects.filter(in_ids("pk", ids), is_active=False)
    return (
        closed.order_by()
        .values_list("user_id", flat=True)
        .union(inactive.order_by().values_list("pk", flat=True), all=True)
    )


# Read for every path answered: compiled once per process (issue 20; was two statements).
_closed_compiled: CompiledQuery[int] = CompiledQuery(
    _closed_to_introductions, ids="-730071,-730072"
)


def _exclusions(member_id: int) -> QuerySet[Block, int]:
    """Every id `suggestion_exclusions` names, as one statement (a UNION ALL of one column)."""
    m = member_id
    declined = IntroductionState.DECLINED_BY_TARGET
    parts: list[QuerySet[Any, int]] = [
        Block.objects.filter(blocker_id=m).values_list("blocked_id", flat=True),
        Block.objects.filter(blocked_id=m).values_list("blocker_id", flat=True),
        User.objects.filter(profile__visibility=ProfileVisibility.CONNECTIONS)
        .exclude(sees_private_profile_of(m))
        .values_list("pk", flat=True),
        SuggestionDismissal.objects.filter(member_id=m).values_list("dismissed_id", flat=True),
        Invitation.objects.filter(sender_id=m, state__in=_NOT_AGAIN).values_list(
            "recipient_id", flat=True
        ),
        # A request to the member they can answer now is shown as that, so not excluded.
        Invitation.objects.filter(recipient_id=m, state__in=_NOT_AGAIN)
        .exclude(state__in=_ANSWERABLE)
        .values_list("sender_id", flat=True),
        Introduction.objects.filter(requester_id=m, state=declined).values_list(
            "target_id", flat=True
        ),
        Introduction.objects.filter(target_id=m, state=declined).values_list(
            "requester_id", flat=True
        ),
        # A connection either of the two removed, during the 21-day wait before either asks.
        *removed_within_wait(m),
    ]
    first, *rest = [part.order_by() for part in parts]
    return first.union(*rest, all=True)


# Compiled once per process (issue 20): building and compiling these eight reads cost more than
# half of a people-you-may-know request; they were five queries, and are one.
_exclusions_compiled: CompiledQuery[int] = CompiledQuery(_exclusions, member_id=-1)


def suggestion_exclusions(member: User) -> set[int]:
    """Members never suggested to `member`: blocked either way, dismissed ("not now", "I don't
    know them"), a declined or reported invitation between the two or one still open, an
    introduction between the two that the target declined, a connection between the two
    that either removed less than 21 days ago (neither may ask yet), and members who show
    their profile to their connections only (unless a request between the two waits for an
    answer). One query, compiled once per process."""
    return set(_exclusions_compiled.fetch(member_id=member.pk))


@dataclass(frozen=True)
class PersonSuggestion:
    member: MemberCard
    score: float
    reasons: list[str]
    mutual_count: int
    # Degree of separation from the viewer (2 for anyone two steps away; see proximity_for).
    degree: int | None = None
    # Their request to the viewer, waiting for an answer (then the card offers to answer it).
    incoming_invitation_id: int | None = None


def people_suggestions(*, viewer: User, limit: int = 20, offset: int = 0) -> list[PersonSuggestion]:
    """People you may know, best first, each with the reasons a member would give."""
    from mutuals.graph import people_you_may_know

    excluded = suggestion_exclusions(viewer)
    snapshot, circle = snapshot_and_circle(viewer.pk)
    found = people_you_may_know(
        snapshot, viewer.pk, limit=min(offset + limit, MAX_SUGGESTIONS), excluded=excluded
    )[offset:]
    # The suggested members' cards and the names of the mutual connections their reasons name,
    # in the same two statements (compiled once per process: issue 20).
    cards = member_cards({m for s in found for m in s.mutual_ids} | {s.member_id for s in found})
    names = {pk: card.name for pk, card in cards.items()}
    incoming = dict(
        _incoming_compiled.fetch(
            recipient_id=viewer.pk, senders=ids_text(s.member_id for s in found)
        )
    )
    return [
        PersonSuggestion(
            member=cards[s.member_id],
            score=s.score,
            reasons=suggestion_reasons(s, names),
            mutual_count=s.mutual_count,
            degree=circle.proximity(s.member_id).degree,
            incoming_invitation_id=incoming.get(s.member_id),
        )
        for s in found
        if s.member_id in cards
    ]


# Requests to the viewer from any of the suggested members that the viewer can answer now.
_incoming_compiled: CompiledQuery[tuple[int, int]] = CompiledQuery(
    lambda recipient_id, senders: Invitation.objects.filter(
        in_ids("sender_id", senders), recipient_id=recipient_id, state__in=_ANSWERABLE
    ).values_list("sender_id", "pk"),
    recipient_id=-730_021,
    senders="-730022,-730023",
)


def suggestion_reasons(suggestion: Suggestion, names: dict[int, str]) -> list[str]:
    """ "3 mutual connections, including Thandi Mokoena", "You both follow Agile and Scrum"
    (`names`: the active members' names by id)."""
    reasons = []
    count = suggestion.mutual_count
    mutual_names = [names[m] for m in suggestion.mutual_ids if m in names]
    if count:
        text = f"{count} mutual connection{'s' if count != 1 else ''}"
        if mutual_names:
            text += (
                f", including {_join(mutual_names)}"
                if count > len(mutual_names)
                else f": {_join(mutual_names)}"
            )
        reasons.append(text)
    if suggestion.shared_events:
        reasons.append(f"You both attended {_join(list(suggestion.shared_events))}")
    if suggestion.shared_topics:
        reasons.append(f"You both follow {_join(list(suggestion.shared_topics))}")
    return reasons


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def path_members(paths: list[WarmPath]) -> dict[int, User]:
    ids = {m for p in paths for m in p.members}
    return {u.pk: u for u in User.objects.filter(pk__in=ids).select_related("profile")}


def introductions_for(member: User, box: str) -> QuerySet[Introduction]:
    """`to_introduce`: requests waiting for the member as introducer; `offered`: introductions
    forwarded to the member; `sent`: the member's own requests (every state)."""
    base = Introduction.objects.select_related(
        "requester__profile", "introducer__profile", "target__profile"
    )
    if box == "to_introduce":
        return base.filter(introducer=member, state=IntroductionState.REQUESTED)
    if box == "offered":
        return base.filter(target=member, state=IntroductionState.FORWARDED)
    # Withdrawn by someone else (a block or a removal between two of the three): the list
    # says it closed, not that the requester withdrew it, and not who ended what.
    withdrawn_by_requester = IntroductionEvent.objects.filter(
        introduction=OuterRef("pk"),
        to_state=IntroductionState.WITHDRAWN,
        actor_id=OuterRef("requester_id"),
    )
    return base.filter(requester=member).annotate(
        withdrawn_by_requester=Exists(withdrawn_by_requester)
    )
