from django.apps import AppConfig
from django.core.checks import Tags, register

from mutuals.core.checks import secret_key_shared_check


class CoreConfig(AppConfig):
    name = "mutuals.core"
    label = "core"
    verbose_name = "mutuals core"

    def ready(self) -> None:
        register(secret_key_shared_check, Tags.security, deploy=True)
