"""The graph's listener for changes to what its snapshot holds (`core.graph_changes`).

Registered by `IntroductionsConfig.ready`; the services that make the changes announce them
through `core.graph_changes`, since they stand below this app:

- connections and blocks (`connections.services`, inside its transaction; a resting tie in
  `engagement.services`, a removal in `engagement.removals`): `connections_changed`,
  `block_created`, `connection_removed`. Each bumps the graph version and, when it names
  the pair, logs what the write left between the two (`GraphPairChange`, in the same
  transaction): the overlay every server process lays over its published snapshot, so the
  change reaches the very next answer. A block and a removal also close the open
  introductions the two are both part of (`introductions_close_between`);
- tie strengths (`engagement.ties.ties_recompute`): `ties_changed`;
- openness to introductions, company, topics (`accounts.services`), events attended
  (`events.services`: a check-in, hiding one's attendance) and a member suspended or
  restored (`moderation.services`): `member_changed`.

The last two log the change once the writing transaction commits (`transaction.on_commit`),
so a rolled-back change logs nothing and no lock is held on a shared row meanwhile.
"""

from __future__ import annotations

from collections.abc import Collection

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from mutuals.engagement.notifications import notification_withdraw
from mutuals.introductions.graph import graph_change_log, graph_changed, graph_pair_log
from mutuals.introductions.models import (
    OPEN_STATES,
    GraphChangeKind,
    Introduction,
    IntroductionEvent,
    IntroductionState,
)


def connections_changed(*, between: tuple[int, int] | None = None) -> None:
    """A connection was made, removed or rested, or a block lifted: a new graph version, and
    the pair's new state in the overlay (the builder rebuilds for changes without a pair)."""
    version = graph_changed()
    if between is not None:
        graph_pair_log(version=version, between=between)


def ties_changed(*, member_id: int) -> None:
    """A member's tie strengths were recomputed: once committed, the snapshot patches the
    strengths of that member's connections."""
    transaction.on_commit(
        lambda: graph_change_log(kind=GraphChangeKind.STRENGTHS, member_ids=[member_id])
    )


# Profile and boundary fields the snapshot holds; "active" is a member suspended or restored
# (`moderation.services`): the snapshot holds active members only, so it is rebuilt.
_OPENNESS_FIELDS = frozenset({"open_to_introductions"})
_PROFILE_FIELDS = frozenset({"company", "topics", "events", "active"})


def member_changed(*, member_id: int, fields: Collection[str]) -> None:
    """A member's profile, boundaries or attendance changed these fields: when any is one
    the graph holds, log it once committed (openness is patched; company, topics or events
    rebuild)."""
    if _PROFILE_FIELDS & set(fields):
        kind = GraphChangeKind.PROFILE
    elif _OPENNESS_FIELDS & set(fields):
        kind = GraphChangeKind.OPENNESS
    else:
        return
    transaction.on_commit(lambda: graph_change_log(kind=kind, member_ids=[member_id]))


def block_created(*, blocker_id: int, blocked_id: int) -> None:
    """A block ends the tie and every open introduction the two are both part of."""
    graph_pair_log(version=graph_changed(), between=(blocker_id, blocked_id))
    introductions_close_between(actor_id=blocker_id, other_id=blocked_id)


def connection_removed(*, remover_id: int, other_id: int) -> None:
    """A removal ends the tie (the overlay, as `connections_changed`) and, as a block does,
    every open introduction the two are both part of: one that ran through their connection
    (the requester and the introducer, or the introducer and the target) cannot go on, and
    one between the requester and the target would connect them again before the 21-day
    wait."""
    graph_pair_log(version=graph_changed(), between=(remover_id, other_id))
    introductions_close_between(actor_id=remover_id, other_id=other_id)


# What each open introduction has asked of whom: the introducer to forward it, the target to
# answer it (`services._tell`'s steps).
_WAITING_NOTICES = (
    ("introducer_id", "introduction_asked"),
    ("target_id", "introduction_forwarded"),
)


def introductions_close_between(*, actor_id: int, other_id: int) -> int:
    """Withdraw every open introduction both members are part of, whatever their roles (a
    block or a removal between them: `actor_id` is who made it), each with its audit row.
    The notice that asked the introducer or the target to act on it goes too, while unread
    (their inbox no longer holds it; nobody is told why, so a removal stays unannounced);
    the requester finds the request closed in their list. Returns how many closed."""
    pair = {actor_id, other_id}
    now = timezone.now()
    open_ones = Introduction.objects.select_for_update().filter(
        Q(requester_id__in=pair) | Q(introducer_id__in=pair) | Q(target_id__in=pair),
        state__in=OPEN_STATES,
    )
    closed = 0
    for introduction in open_ones:
        members = {introduction.requester_id, introduction.introducer_id, introduction.target_id}
        if not pair <= members:
            continue
        IntroductionEvent.objects.create(
            introduction=introduction,
            actor_id=actor_id,
            from_state=introduction.state,
            to_state=IntroductionState.WITHDRAWN,
            at=now,
        )
        Introduction.objects.filter(pk=introduction.pk).update(
            state=IntroductionState.WITHDRAWN, decided_at=now
        )
        for role, kind in _WAITING_NOTICES:
            notification_withdraw(
                member_id=getattr(introduction, role),
                key_prefix=f"introduction:{introduction.pk}:",
                kind=kind,
            )
        closed += 1
    return closed
