"""Faces in messages (issue 19): the conversation list and each message show the other
person's photo, or their initials."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from mutuals.accounts.models import User
from mutuals.accounts.photos import photo_set, photo_url, photo_urls
from mutuals.accounts.tests.clients import web_client_for
from mutuals.accounts.tests.factories import make_member
from mutuals.messaging.tests.factories import connect, start

pytestmark = pytest.mark.django_db


def test_the_list_and_the_thread_show_faces(member: User) -> None:
    ana = make_member(name="Ana Ferreira")
    out = io.BytesIO()
    Image.new("RGB", (300, 300), (200, 90, 40)).save(out, format="JPEG")
    photo_set(user=ana, stream=io.BytesIO(out.getvalue()), size=None)
    ana = User.objects.get(pk=ana.pk)
    connect(member, ana)
    conversation = start(ana, member).conversation
    client = web_client_for(member)
    listing = client.get("/messages/").content.decode()
    assert f'src="{photo_url(ana)}"' in listing
    thread = client.get(f"/messages/{conversation.pk}/").content.decode()
    assert f'src="{photo_urls(ana)[64]}"' in thread
    assert ">SO</span>" not in listing  # the list shows the other person, not you
