from django.apps import AppConfig


class FeedConfig(AppConfig):
    name = "mutuals.feed"
    label = "feed"
    verbose_name = "Feed"

    def ready(self) -> None:
        # What this app holds about a member that a note may refer to, for the
        # personalization engine (connections stands below this app, so it is told).
        from mutuals.connections.composer import context_choices_register
        from mutuals.connections.invitations import recipient_material_register
        from mutuals.connections.models import ContextKind
        from mutuals.feed.selectors import recipient_material, recipient_posts_for_context

        recipient_material_register(recipient_material)
        # The composer's pick list for "their post".
        context_choices_register(ContextKind.CONTENT, recipient_posts_for_context)
