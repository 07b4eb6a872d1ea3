from django.apps import AppConfig


class FeedConfig(AppConfig):
    name = "mutuals.feed"
    label = "feed"
    verbose_name = "Feed"

    def ready(self) -> None:
        # What this app holds about a member that a note may refer to, for the
        # personalization engine (connections stands below this app, so it is told).
        from mutuals.connections.invitations import recipient_material_register
        from mutuals.feed.selectors import recipient_material

        recipient_material_register(recipient_material)
