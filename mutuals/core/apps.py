from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "mutuals.core"
    label = "core"
    verbose_name = "mutuals core"
