from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "mutuals.messaging"
    label = "messaging"
    verbose_name = "Messaging"
