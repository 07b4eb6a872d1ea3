from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "mutuals.events"
    label = "events"
    verbose_name = "Events"
