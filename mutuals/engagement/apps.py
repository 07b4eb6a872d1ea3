from django.apps import AppConfig


class EngagementConfig(AppConfig):
    name = "mutuals.engagement"
    label = "engagement"
    verbose_name = "Engagement"

    def ready(self) -> None:
        # The pact's follow-through scales a sender's invitation allowance (connections
        # stands below this app, so it is told).
        from mutuals.connections.invitations import follow_through_register
        from mutuals.engagement.selectors import follow_through_rate

        follow_through_register(follow_through_rate)
