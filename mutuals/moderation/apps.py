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

        # Moderators' decisions count in the reported member's allowance to send requests
        # (connections stands below this app, so it is told where they are).
        from mutuals.connections.invitations import report_outcomes_register
        from mutuals.moderation.selectors import report_outcomes_of

        report_outcomes_register(report_outcomes_of)
        role_register("moderator", moderator_grant)
