"""Roles an operator can give a member from the command line (`mutuals createmember
--moderator`), declared by the app that defines what the role is.

The role's meaning lives above accounts (moderation defines the moderator), so that app
registers how to grant it from its `AppConfig.ready` (docs/architecture.md "Layers"): a
registration, not an import upwards."""

from __future__ import annotations

from typing import Protocol

from django.core.exceptions import ImproperlyConfigured

from mutuals.accounts.models import User


class RoleGrant(Protocol):
    def __call__(self, *, member: User, granted_by: User | None, reason: str) -> object: ...


_roles: dict[str, RoleGrant] = {}


def role_register(name: str, grant: RoleGrant) -> None:
    """Declare a role and how it is granted (once per name; a second, different grant is a
    configuration error)."""
    if _roles.get(name, grant) is not grant:
        raise ImproperlyConfigured(f"The role {name!r} is registered twice.")
    _roles[name] = grant


def role_grant(name: str, *, member: User, granted_by: User | None, reason: str) -> None:
    """Give the member the role; `ImproperlyConfigured` when no app declared it."""
    grant = _roles.get(name)
    if grant is None:
        raise ImproperlyConfigured(f"No app declares the role {name!r}.")
    grant(member=member, granted_by=granted_by, reason=reason)
