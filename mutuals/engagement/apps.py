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

        # Every new connection opens its pact. Connections stands below this app and cannot
        # call it, so it is told what to open (connections.services.connection_open).
        from mutuals.connections.services import connection_opener_register
        from mutuals.engagement.services import pact_open

        connection_opener_register(pact_open)

        # An ending connection keeps its pact's items, closed (connections.services.
        # connection_end): the same inversion.
        from mutuals.connections.endings import connection_closer_register
        from mutuals.engagement.pact_pauses import pact_close, pact_leaving

        connection_closer_register(pact_close)

        # Members are told when a request arrives, is accepted or is declined: connections
        # announces each moment (connections.moments) and notifications stand here.
        from mutuals.connections.moments import invitation_listener_register
        from mutuals.engagement.notifications import invitation_notify

        invitation_listener_register(invitation_notify)

        # How a member hears of each kind of notification is set on the boundaries page,
        # which accounts (below this app) shows.
        from mutuals.accounts.providers import (
            boundaries_section_register,
            leaving_listener_register,
        )
        from mutuals.engagement.pages import delivery_section

        boundaries_section_register(delivery_section)

        # A member in their deletion grace period pauses their pact, and resumes it if they
        # stay (accounts.deletion asks accounts.providers): the same inversion.
        leaving_listener_register(pact_leaving)
