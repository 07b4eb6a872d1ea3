"""The home page, for visitors and for members."""

from __future__ import annotations

import pytest
from django.test import Client

from mutuals.accounts.services import profile_update
from mutuals.accounts.tests.factories import make_member
from mutuals.connections.services import connection_create

pytestmark = pytest.mark.django_db


def test_home_for_visitors_and_members(web_client, member):
    assert b"Join the community" in Client().get("/").content
    html = web_client.get("/").content.decode()
    assert "Hello, Sam" in html
    assert "Complete your profile" in html


def test_home_suggests_members_who_share_topics_and_are_not_connections_yet(web_client, member):
    profile_update(user=member, topics=["Risk management"])
    known = make_member(name="Known Connection", profile={"topics": ["Risk management"]})
    make_member(name="New Face", profile={"topics": ["Risk management"]})
    connection_create(member=member, other=known)
    html = web_client.get("/").content.decode()
    assert "Members who share your topics" in html
    assert "New Face" in html
    assert "Known Connection" not in html
