from django.apps import AppConfig


class SearchConfig(AppConfig):
    """Search over members, posts, events and the member's own messages
    (docs/architecture.md, "Search")."""

    name = "mutuals.search"
    label = "search"
    verbose_name = "Search"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # A member's document is composed from accounts' rows (below this app), whose
        # services announce each change through `core.graph_changes`: search listens.
        from mutuals.core import graph_changes
        from mutuals.search import hooks

        graph_changes.listen(hooks)
        # The connections list (engagement, below) filters by the same member search.
        from mutuals.accounts.providers import member_matching_register
        from mutuals.search.selectors import member_ids_matching

        member_matching_register(member_ids_matching)
        # After every migrate: on SQLite, put back the triggers a table remake dropped;
        # write the documents of members who have none (those there before search).
        from django.db.models.signals import post_migrate

        from mutuals.search.documents import after_migrate

        post_migrate.connect(after_migrate, sender=self)
