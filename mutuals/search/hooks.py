"""Search's listener for changes announced in `core.graph_changes` (registered by
`SearchConfig.ready`): a member's name, profile or topics changed, so their document is
written again, in the same transaction (a rolled-back change leaves the old document)."""

from __future__ import annotations

from collections.abc import Collection

from mutuals.search.documents import member_documents_refresh


def member_changed(*, member_id: int, fields: Collection[str]) -> None:
    member_documents_refresh(member_ids=[member_id])


def connections_changed(*, between: tuple[int, int] | None = None) -> None:
    """Connections are read when searching (who may see what), not stored."""


def block_created(*, blocker_id: int, blocked_id: int) -> None:
    """Blocks are read when searching, not stored."""


def connection_removed(*, remover_id: int, other_id: int) -> None:
    """Connections are read when searching, not stored."""


def ties_changed(*, member_id: int) -> None:
    """Search does not rank by ties."""
