"""Fixtures shared by every app's tests."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from mutuals.accounts.models import User
from mutuals.accounts.services import api_token_create
from mutuals.accounts.tests.factories import make_member


@pytest.fixture
def member(db: Any) -> User:
    return make_member(name="Sam Okafor", email="sam@example.com")


@pytest.fixture
def other(db: Any) -> User:
    return make_member(name="Thandi Mokoena", email="thandi@example.com")


@pytest.fixture
def api_client(member: User) -> Client:
    """A client that authenticates as `member` with a personal access token."""
    _, raw = api_token_create(user=member, label="tests")
    return Client(headers={"Authorization": f"Bearer {raw}"})


@pytest.fixture
def web_client(member: User) -> Client:
    client = Client()
    client.force_login(member)
    return client
