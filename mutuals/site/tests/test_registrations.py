"""Every registration a lower app declares is filled when the site starts, by the app the
docs name (docs/architecture.md, "Layers")."""

from __future__ import annotations

from mutuals.accounts import providers
from mutuals.connections import invitations, selectors
from mutuals.connections.models import ContextKind
from mutuals.core import graph_changes, worker_start
from mutuals.engagement.selectors import follow_through_rate
from mutuals.events.selectors import event_context_source
from mutuals.feed.selectors import post_context_source
from mutuals.imports.services import imports_recover_stalled
from mutuals.introductions import builder, hooks
from mutuals.introductions.selectors import proximity_for
from mutuals.search import hooks as search_hooks
from mutuals.search.selectors import member_ids_matching


def test_each_registration_is_filled_by_its_app():
    assert graph_changes._listeners == [hooks, search_hooks]
    assert providers._member_matching == [member_ids_matching]
    assert set(worker_start._HOOKS) == {imports_recover_stalled, builder.start_in_thread}
    assert providers._block_rule == [
        providers.BlockRule(
            blocked_ids=selectors.blocked_ids,
            is_blocked_between=selectors.is_blocked_between,
            not_blocked_with=selectors.not_blocked_with,
        )
    ]
    assert providers._proximity == [proximity_for]
    assert invitations._follow_through == [follow_through_rate]
    assert invitations._context_sources == {
        ContextKind.EVENT: event_context_source,
        ContextKind.CONTENT: post_context_source,
    }
    assert len(invitations._material_providers) == 3  # feed, events, mentorship
