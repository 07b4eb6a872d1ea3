from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "mutuals.messaging"
    label = "messaging"
    verbose_name = "Messaging"

    def ready(self) -> None:
        # A collaboration may start in a conversation; engagement stands below this app, so
        # it is told how to resolve one.
        from mutuals.engagement.collaborations import collaboration_origin_register
        from mutuals.engagement.models import CollaborationOrigin
        from mutuals.messaging.access import collaboration_origin_conversation

        collaboration_origin_register(
            CollaborationOrigin.CONVERSATION, collaboration_origin_conversation
        )
