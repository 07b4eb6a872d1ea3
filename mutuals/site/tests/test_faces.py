"""Faces where members meet (issue 19): a request's sender in the inbox and its recipient
among the sent requests, and the people on an event's attendee list, show their photo or
their initials (the one piece, `accounts/_avatar.html`)."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from mutuals.accounts.models import User
from mutuals.accounts.photos import photo_set, photo_urls
from mutuals.accounts.tests.clients import web_client_for
from mutuals.connections.tests.factories import make_pair, send
from mutuals.events.tests.factories import attend, make_event

pytestmark = pytest.mark.django_db


def _with_photo(member: User) -> User:
    out = io.BytesIO()
    Image.new("RGB", (240, 240), (90, 40, 160)).save(out, format="WEBP")
    photo_set(user=member, stream=io.BytesIO(out.getvalue()), size=None)
    return User.objects.get(pk=member.pk)


def test_requests_show_the_sender_and_the_recipient() -> None:
    sender, recipient, mutual = make_pair()
    sender = _with_photo(sender)
    send(sender, recipient, mutual)
    inbox = web_client_for(recipient).get("/invitations/").content.decode()
    assert f'src="{photo_urls(sender)[160]}"' in inbox
    sent = web_client_for(sender).get("/invitations/sent/").content.decode()
    assert ">TM</span>" in sent  # Thandi Mokoena has no photo: her initials


def test_the_attendee_list_shows_faces() -> None:
    event = make_event()
    sender, recipient, _ = make_pair()
    attend(event, _with_photo(sender))
    attend(event, recipient)
    page = web_client_for(recipient).get(f"/events/{event.pk}/").content.decode()
    assert f'src="{photo_urls(User.objects.get(pk=sender.pk))[64]}"' in page
    assert ">TM</span>" in page
