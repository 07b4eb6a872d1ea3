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

        # A report a moderator upheld cuts the reported member's allowance to send requests
        # (connections stands below this app, so it is told where the count is).
        from mutuals.connections.invitations import upheld_reports_register
        from mutuals.moderation.selectors import upheld_reports_count

        upheld_reports_register(upheld_reports_count)
        role_register("moderator", moderator_grant)
