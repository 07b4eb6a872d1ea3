"""The moderator role: `mutuals createmember --moderator` grants it through the registration
moderation makes with accounts (`accounts.roles`), and the grant is in the audit log."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from mutuals.accounts import roles
from mutuals.accounts.models import User
from mutuals.moderation.models import ModerationAction
from mutuals.moderation.services import is_moderator, moderator_grant

pytestmark = pytest.mark.django_db


def test_createmember_moderator_grants_the_role():
    call_command(
        "createmember",
        email="mona@example.com",
        password="a-long-test-password-42",
        name="Mona Moderator",
        moderator=True,
    )
    mona = User.objects.get(email="mona@example.com")
    assert is_moderator(mona)
    grant = ModerationAction.objects.get(action="grant")
    assert (grant.moderator, grant.member, grant.reason) == (
        None,
        mona,
        "mutuals createmember --moderator",
    )
    call_command(
        "createmember", email="max@example.com", password="a-long-test-password-42", name="Max"
    )
    assert not is_moderator(User.objects.get(email="max@example.com"))


def test_a_role_is_declared_once_and_must_be_declared():
    roles.role_register("moderator", moderator_grant)  # the same grant again: harmless
    with pytest.raises(ImproperlyConfigured):
        roles.role_register("moderator", lambda **_: None)
    with pytest.raises(ImproperlyConfigured):
        roles.role_grant("archivist", member=User(), granted_by=None, reason="x")
