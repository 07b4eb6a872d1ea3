"""Announcements of graph changes reach every registered listener, with what was said."""

from __future__ import annotations

from collections.abc import Collection

from mutuals.core import graph_changes


class Recorder:
    def __init__(self) -> None:
        self.heard: list[tuple[str, dict[str, object]]] = []

    def connections_changed(self, *, between: tuple[int, int] | None = None) -> None:
        self.heard.append(("connections_changed", {"between": between}))

    def block_created(self, *, blocker_id: int, blocked_id: int) -> None:
        self.heard.append(("block_created", {"blocker_id": blocker_id, "blocked_id": blocked_id}))

    def connection_removed(self, *, remover_id: int, other_id: int) -> None:
        self.heard.append(("connection_removed", {"remover_id": remover_id, "other_id": other_id}))

    def ties_changed(self, *, member_id: int) -> None:
        self.heard.append(("ties_changed", {"member_id": member_id}))

    def member_changed(self, *, member_id: int, fields: Collection[str]) -> None:
        self.heard.append(("member_changed", {"member_id": member_id, "fields": list(fields)}))


def test_every_listener_hears_each_announcement_once(monkeypatch):
    monkeypatch.setattr(graph_changes, "_listeners", [])
    first, second = Recorder(), Recorder()
    graph_changes.listen(first)
    graph_changes.listen(first)  # registering again does not double the calls
    graph_changes.listen(second)
    graph_changes.connections_changed(between=(5, 6))
    graph_changes.block_created(blocker_id=1, blocked_id=2)
    graph_changes.connection_removed(remover_id=7, other_id=8)
    graph_changes.ties_changed(member_id=3)
    graph_changes.member_changed(member_id=4, fields=["company"])
    expected = [
        ("connections_changed", {"between": (5, 6)}),
        ("block_created", {"blocker_id": 1, "blocked_id": 2}),
        ("connection_removed", {"remover_id": 7, "other_id": 8}),
        ("ties_changed", {"member_id": 3}),
        ("member_changed", {"member_id": 4, "fields": ["company"]}),
    ]
    assert first.heard == expected
    assert second.heard == expected
