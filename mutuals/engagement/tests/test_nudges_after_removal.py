"""Nudges sent about a connection that is then removed (docs/design.md §4 "Removing a
connection"): the unread ones are withdrawn, and a link made before the removal (a nudge
already read, an e-mail already sent) leads to a page that says the connection ended, never
to a 404."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django.utils.formats import date_format

from mutuals.accounts.tests.clients import web_client_for
from mutuals.connections.models import ConnectionRemoval
from mutuals.connections.services import invitation_accept
from mutuals.connections.tests.factories import make_pair, send
from mutuals.engagement import removals, services
from mutuals.engagement.models import Notification, Obligation

pytestmark = pytest.mark.django_db


@pytest.fixture
def nudged(django_capture_on_commit_callbacks):
    """Sam and Thandi connected; their pact's items fall due, so both are nudged (a notice
    and an e-mail each); Thandi has read hers, Sam has not."""
    sam, thandi, mutual = make_pair()
    invitation = send(sam, thandi, mutual)
    connection = invitation_accept(member=thandi, invitation_id=invitation.pk)
    Obligation.objects.filter(connection=connection).update(
        due_at=timezone.now() + timedelta(hours=2)
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.nudges_send_due() == 4
    page = f"/connections/{connection.pk}/"
    urls = Notification.objects.filter(kind__startswith="nudge_").values_list("url", flat=True)
    assert set(urls) == {page}
    Notification.objects.filter(member=thandi).update(read_at=timezone.now())
    return sam, thandi, connection


def test_unread_nudges_are_withdrawn_and_read_ones_stay(nudged):
    sam, thandi, connection = nudged
    assert Notification.objects.filter(member=sam, kind__startswith="nudge_").count() == 2
    removals.connection_remove(member=sam, connection_id=connection.pk)
    # Sam's, unread, asked for what can no longer be done: gone from the bell and the page.
    assert not Notification.objects.filter(member=sam, kind__startswith="nudge_").exists()
    # Thandi's, read, are her history: they stay, and their link is the next test's.
    assert Notification.objects.filter(member=thandi, kind__startswith="nudge_").count() == 2


def test_a_read_nudge_leads_the_other_member_to_a_page_that_says_it_ended(nudged):
    sam, thandi, connection = nudged
    removals.connection_remove(member=sam, connection_id=connection.pk)
    client = web_client_for(thandi)
    notice = Notification.objects.filter(member=thandi, kind__startswith="nudge_").first()
    assert notice is not None
    response = client.get(f"/notifications/{notice.pk}/", follow=True)
    assert response.redirect_chain == [(f"/connections/{connection.pk}/", 302)]
    assert response.status_code == 410
    html = response.content.decode()
    assert "<h1>This connection has ended</h1>" in html
    assert "Sam Okafor is no longer among your connections" in html
    assert "the pact&#x27;s open items closed" in html or "the pact's open items closed" in html
    # Not who ended it: a removal is not announced.
    card = html.split('<section class="card connection-ended">', 1)[1].split("</section>", 1)[0]
    assert "removed" not in card.lower()
    assert 'href="/connections/"' in html


def test_the_e_mailed_link_leads_there_too_and_the_remover_reads_what_they_did(nudged):
    sam, _thandi, connection = nudged
    removals.connection_remove(member=sam, connection_id=connection.pk)
    links = {
        link
        for message in mail.outbox
        if message.to == [sam.email]
        for link in re.findall(r"https?://[^\s\"'<>]+", str(message.body))
        if "/connections/" in link
    }
    assert links, "the nudge e-mail links to the connection"
    client = web_client_for(sam)
    for link in links:
        path = re.sub(r"^https?://[^/]+", "", link)
        response = client.get(path)
        assert response.status_code == 410, path
        html = response.content.decode()
        removal = ConnectionRemoval.objects.get()
        day = date_format(timezone.localtime(removal.at), "j F Y")
        again = date_format(timezone.localtime(removal.at + timedelta(days=21)), "j F Y")
        assert f"You removed Thandi Mokoena from your connections on {day}" in html
        assert f"Either of you can send a new request from {again}" in html
        assert "Thandi was not told" in html


def test_anyone_else_still_finds_nothing_there(nudged):
    sam, _thandi, connection = nudged
    removals.connection_remove(member=sam, connection_id=connection.pk)
    stranger = make_pair(sender_name="Ana Ferreira", recipient_name="Ben Carter")[0]
    assert web_client_for(stranger).get(f"/connections/{connection.pk}/").status_code == 404
    # A connection id that never was is not found either.
    assert web_client_for(sam).get(f"/connections/{connection.pk + 1000}/").status_code == 404
