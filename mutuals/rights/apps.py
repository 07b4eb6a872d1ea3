from django.apps import AppConfig


class RightsConfig(AppConfig):
    """A member's rights over their own data: take it with them (the export)."""

    name = "mutuals.rights"
    label = "rights"
    verbose_name = "Member rights"
    default_auto_field = "django.db.models.BigAutoField"
