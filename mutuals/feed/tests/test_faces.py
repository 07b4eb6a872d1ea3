"""Faces in the feed (issue 19): a post's author, and a reshared original's, carry their photo
in the API on both the feed's paths (the PostgreSQL page statement and the ORM), and the post
card shows it."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from PIL import Image

from mutuals.accounts.models import User
from mutuals.accounts.photos import photo_set, photo_url
from mutuals.accounts.tests.clients import api_client_for, web_client_for
from mutuals.accounts.tests.factories import make_member
from mutuals.feed import services
from mutuals.feed.tests.factories import connect, make_post

pytestmark = pytest.mark.django_db


def _photo(member: User) -> User:
    out = io.BytesIO()
    Image.new("RGB", (200, 200), (20, 120, 200)).save(out, format="PNG")
    photo_set(user=member, stream=io.BytesIO(out.getvalue()), size=None)
    return User.objects.get(pk=member.pk)


def test_authors_carry_their_photo_in_the_feed_and_on_the_card(member: User) -> None:
    ben = _photo(make_member(name="Ben Carter"))
    cleo = make_member(name="Cleo Park")
    connect(member, ben)
    connect(member, cleo)
    original = make_post(ben, "Stage gates that fit the risk", topics=["Risk"])
    services.reshare_create(member=cleo, post_id=original.pk, commentary="Worth a read")
    client: Client = api_client_for(member)
    items = client.get("/api/feed").json()["items"]
    reshare = next(item for item in items if item["reshare_of"])
    assert reshare["author"]["photo_url"] is None  # Cleo: her initials
    assert reshare["reshare_of"]["author"]["photo_url"] == photo_url(ben)
    own = next(item for item in items if item["id"] == original.pk)
    assert own["author"]["photo_url"] == photo_url(ben)
    assert own["author"] == client.get(f"/api/posts/{original.pk}").json()["author"]
    html = web_client_for(member).get("/feed/").content.decode()
    assert f'src="{photo_url(ben)}"' in html
    assert ">CP</span>" in html
