from django.apps import AppConfig


class FeedConfig(AppConfig):
    name = "mutuals.feed"
    label = "feed"
    verbose_name = "Feed"

    def ready(self) -> None:
        # What this app holds about a member that a note may refer to, for the
        # personalization engine, and how an invitation's context that names it is verified
        # (connections stands below this app, so it is told).
        from mutuals.connections.invitations import (
            context_source_register,
            recipient_material_register,
        )
        from mutuals.feed.selectors import post_context_source, recipient_material

        recipient_material_register(recipient_material)
        context_source_register(post_context_source)
