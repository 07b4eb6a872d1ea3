from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "mutuals.imports"
    label = "imports"
    verbose_name = "Imports"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from mutuals.core import worker_start
        from mutuals.imports.services import imports_recover_stalled

        # An import whose worker was stopped is queued again (or failed) when one starts.
        worker_start.register(imports_recover_stalled)
