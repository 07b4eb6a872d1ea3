from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "mutuals.events"
    label = "events"
    verbose_name = "Events"

    def ready(self) -> None:
        # What this app holds about a member that a note may refer to, for the
        # personalization engine (connections stands below this app, so it is told).
        from mutuals.connections.composer import context_choices_register
        from mutuals.connections.invitations import recipient_material_register
        from mutuals.connections.models import ContextKind
        from mutuals.events.selectors import events_for_context, recipient_material

        recipient_material_register(recipient_material)
        # The composer's pick list for "an event we both attended".
        context_choices_register(
            ContextKind.EVENT,
            lambda sender, recipient: events_for_context(sender.pk, recipient.pk),
        )
