"""Signing a test in: the one way every app's tests get a client that acts as a member.

`web_client_for(member)` uses the session, as the pages do; `api_client_for(member)` a
personal access token, as API scripts do. The `web_client` and `api_client` fixtures
(mutuals/core/tests/fixtures.py) are these for the `member` fixture. A browser journey signs
in through the real form instead (`mutuals.core.tests.browser.sign_in`).
"""

from __future__ import annotations

from django.test import Client

from mutuals.accounts.models import User
from mutuals.accounts.services import api_token_create


def web_client_for(member: User) -> Client:
    """A client signed in as `member` with a session."""
    client = Client()
    client.force_login(member)
    return client


def api_client_for(member: User) -> Client:
    """A client that authenticates as `member` with a new personal access token."""
    _, raw = api_token_create(user=member, label="tests")
    return Client(headers={"Authorization": f"Bearer {raw}"})
