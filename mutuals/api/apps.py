from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "mutuals.api"
    label = "api"
    verbose_name = "JSON API"
