"""Where a write that changes the graph of members says so, and the graph listens.

The graph snapshot (`introductions.graph`) stands above the apps whose writes change what it
holds: openness to introductions, company and topics (`accounts.services`), a member whose
account is hidden while they leave, or back (`accounts.deletion`), connections and
blocks (`connections.services`, `engagement.services.connection_rest`, a removal by
`engagement.removals`), tie strengths (`engagement.ties`) and events attended
(`events.services`). Those services announce each change here, inside their own
transaction; introductions registers its listener (`introductions.hooks`) when it starts
(`IntroductionsConfig.ready`), so no lower app imports the graph. The listener decides
what waits for the commit.

An explicit registry rather than Django signals: one protocol names every announcement, and
one `ready()` says who listens.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Protocol


class GraphListener(Protocol):
    def connections_changed(self, *, between: tuple[int, int] | None = None) -> None: ...

    def block_created(self, *, blocker_id: int, blocked_id: int) -> None: ...

    def connection_removed(self, *, remover_id: int, other_id: int) -> None: ...

    def ties_changed(self, *, member_id: int) -> None: ...

    def member_changed(self, *, member_id: int, fields: Collection[str]) -> None: ...


_listeners: list[GraphListener] = []


def listen(listener: GraphListener) -> None:
    """Register a listener (once): it hears every announcement below."""
    if listener not in _listeners:
        _listeners.append(listener)


def connections_changed(*, between: tuple[int, int] | None = None) -> None:
    """A connection was made, removed, came to rest or back, or a block was lifted: call
    inside the writing transaction, after the write. `between` names the two members (the
    listener reads what the write left between them and every server process applies it to
    its next answer); None for changes of many pairs at once, which wait for the next build."""
    for listener in _listeners:
        listener.connections_changed(between=between)


def block_created(*, blocker_id: int, blocked_id: int) -> None:
    """A member blocked another: call inside the transaction that writes the block."""
    for listener in _listeners:
        listener.block_created(blocker_id=blocker_id, blocked_id=blocked_id)


def connection_removed(*, remover_id: int, other_id: int) -> None:
    """A member removed their connection with another (`engagement.removals`): call inside
    the transaction that ends it, after the connection's row went. The listener treats the
    pair as `connections_changed` does, and closes what ran through the connection."""
    for listener in _listeners:
        listener.connection_removed(remover_id=remover_id, other_id=other_id)


def ties_changed(*, member_id: int) -> None:
    """A member's tie strengths were recomputed."""
    for listener in _listeners:
        listener.ties_changed(member_id=member_id)


def member_changed(*, member_id: int, fields: Collection[str]) -> None:
    """A member's profile, boundaries or attendance changed these fields (the listener picks
    out the ones it holds)."""
    for listener in _listeners:
        listener.member_changed(member_id=member_id, fields=fields)
