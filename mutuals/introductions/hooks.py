"""What the connections service calls when the graph changes (inside its transaction).

Kept free of imports from `connections.services`, which imports this module.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from mutuals.introductions.graph import graph_changed
from mutuals.introductions.models import (
    OPEN_STATES,
    Introduction,
    IntroductionEvent,
    IntroductionState,
)


def connections_changed() -> None:
    """A connection was made or removed: the next graph answer rebuilds the snapshot."""
    graph_changed()


def block_created(*, blocker_id: int, blocked_id: int) -> None:
    """A block ends the tie and every open introduction the two are both part of."""
    graph_changed()
    pair = {blocker_id, blocked_id}
    now = timezone.now()
    open_ones = Introduction.objects.select_for_update().filter(
        Q(requester_id__in=pair) | Q(introducer_id__in=pair) | Q(target_id__in=pair),
        state__in=OPEN_STATES,
    )
    for introduction in open_ones:
        members = {introduction.requester_id, introduction.introducer_id, introduction.target_id}
        if pair <= members:
            IntroductionEvent.objects.create(
                introduction=introduction,
                actor_id=blocker_id,
                from_state=introduction.state,
                to_state=IntroductionState.WITHDRAWN,
                at=now,
            )
            Introduction.objects.filter(pk=introduction.pk).update(
                state=IntroductionState.WITHDRAWN, decided_at=now
            )
