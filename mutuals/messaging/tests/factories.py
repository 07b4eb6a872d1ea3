"""Helpers for messaging scenarios: members who are connected, and conversations between them."""

from __future__ import annotations

from itertools import combinations

from mutuals.accounts.models import User
from mutuals.accounts.tests.factories import make_member
from mutuals.connections.services import connection_create
from mutuals.messaging.services import Started, conversation_start


def connect(*members: User) -> None:
    """Connect every pair among `members`."""
    for a, b in combinations(members, 2):
        connection_create(member=a, other=b)


def connected_members(count: int) -> list[User]:
    members = [make_member() for _ in range(count)]
    connect(*members)
    return members


def start(creator: User, *others: User, text: str = "Hello there", title: str = "") -> Started:
    return conversation_start(
        creator=creator, participant_ids=[o.pk for o in others], text=text, title=title
    )
