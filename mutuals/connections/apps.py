from django.apps import AppConfig


class ConnectionsConfig(AppConfig):
    name = "mutuals.connections"
    label = "connections"

    def ready(self) -> None:
        # A block hides two members from each other: accounts stands below this app, so its
        # access and directory are told who is blocked.
        from mutuals.accounts.providers import BlockRule, audience_register, block_rule_register
        from mutuals.connections.selectors import (
            blocked_ids,
            is_blocked_between,
            not_blocked_with,
            sees_private_profile_of,
        )

        block_rule_register(
            BlockRule(
                blocked_ids=blocked_ids,
                is_blocked_between=is_blocked_between,
                not_blocked_with=not_blocked_with,
            )
        )
        # A connections-only profile shows to connections (and to whom a request is open).
        audience_register(sees_private_profile_of)
