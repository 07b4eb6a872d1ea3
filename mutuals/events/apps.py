from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "mutuals.events"
    label = "events"
    verbose_name = "Events"

    def ready(self) -> None:
        # What this app holds about a member that a note may refer to, for the
        # personalization engine, and how an invitation's context that names it is verified
        # (connections stands below this app, so it is told).
        from mutuals.connections.invitations import (
            context_source_register,
            recipient_material_register,
        )
        from mutuals.events.selectors import event_context_source, recipient_material

        recipient_material_register(recipient_material)
        context_source_register(event_context_source)

        # A collaboration may start at an event; engagement stands below this app, so it is
        # told how to resolve one.
        from mutuals.engagement.collaborations import collaboration_origin_register
        from mutuals.engagement.models import CollaborationOrigin
        from mutuals.events.access import collaboration_origin_event

        collaboration_origin_register(CollaborationOrigin.EVENT, collaboration_origin_event)
