from django.apps import AppConfig


class ConnectionsConfig(AppConfig):
    name = "mutuals.connections"
    label = "connections"
