"""Fixtures shared by every app's tests."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from mutuals.accounts.models import User
from mutuals.accounts.tests.clients import api_client_for, web_client_for
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
    return api_client_for(member)


@pytest.fixture
def web_client(member: User) -> Client:
    """A client signed in as `member` with a session."""
    return web_client_for(member)
