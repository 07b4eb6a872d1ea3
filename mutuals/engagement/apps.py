from django.apps import AppConfig


class EngagementConfig(AppConfig):
    name = "mutuals.engagement"
    label = "engagement"
    verbose_name = "Engagement"

    def ready(self) -> None:
        # Every new connection opens its pact. Connections stands below this app and cannot
        # call it, so it is told what to open (connections.services.connection_open).
        from mutuals.connections.services import connection_opener_register
        from mutuals.engagement.services import pact_open

        connection_opener_register(pact_open)
