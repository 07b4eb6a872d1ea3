from django.apps import AppConfig


class ModerationConfig(AppConfig):
    """The community's safety: members' reports, the moderators' queue and actions, the
    audit log and suspensions. Beside `rights`, above the feature apps it reads."""

    name = "mutuals.moderation"
    label = "moderation"
    verbose_name = "Moderation"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from mutuals.accounts.roles import role_register
        from mutuals.connections.moments import invitation_listener_register
        from mutuals.moderation.services import invitation_reported_listen, moderator_grant

        invitation_listener_register(invitation_reported_listen)
        role_register("moderator", moderator_grant)
