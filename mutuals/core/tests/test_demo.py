"""The demo community (`mutuals demo`): the named cast, seeded idempotently."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

from mutuals.accounts.models import Topic, User
from mutuals.connections.models import Connection, Invitation
from mutuals.core import demo_cast
from mutuals.engagement.models import Interaction, Tie
from mutuals.introductions.selectors import proximity_for

pytestmark = pytest.mark.django_db


def test_demo_seeds_the_chapter_and_running_it_again_adds_nothing(capsys):
    call_command("demo")
    first = capsys.readouterr().out
    counts = (User.objects.count(), Connection.objects.count(), Topic.objects.count())
    assert counts[0] == len(demo_cast.CAST) >= 60
    assert counts[1] == len(demo_cast.CONNECTIONS)
    # Topic spelling variants in the cast collapse into one topic each.
    assert counts[2] == len({t.lower().replace("-", " ") for m in demo_cast.CAST for t in m.topics})
    assert "sam@demo.mutuals.test" in first
    assert demo_cast.DEMO_PASSWORD in first

    interactions = Interaction.objects.count()
    assert interactions > 300
    sam = User.objects.get(email="sam@demo.mutuals.test")
    waiting = Invitation.objects.filter(recipient=sam, state="pending")
    assert waiting.count() == len(demo_cast.DEMO_REQUESTS)
    assert {i.verdict for i in waiting} == {"personal"}
    tiers = set(Tie.objects.filter(member=sam).values_list("tier", flat=True))
    assert "inner" in tiers  # five connections: those in touch are all in the inner five
    assert tiers <= {"inner", "acquaintance"}
    states = set(Tie.objects.values_list("state", flat=True))
    assert len(states) >= 3  # busy, quiet and cold ties

    call_command("demo")
    out = capsys.readouterr().out
    assert "(0 new)" in out
    assert "0 new interactions, 0 new requests" in out
    assert (User.objects.count(), Connection.objects.count(), Topic.objects.count()) == counts
    assert Interaction.objects.count() == interactions
    # One collaboration confirmed by all three, one waiting for Sam: made once, whatever reruns.
    from mutuals.engagement.models import Collaboration

    collaboration_states = sorted(Collaboration.objects.values_list("state", flat=True))
    assert collaboration_states == ["active", "proposed"]
    # Thandi with Kwame and with Liam; Kwame and Liam are not connected, so not in the ledger.
    assert Interaction.objects.filter(kind="collaboration").count() == 2


def test_printed_credentials_sign_in_and_the_network_has_every_degree():
    call_command("demo")
    client = Client()
    login = next(m for m in demo_cast.CAST if m.key == demo_cast.DEMO_LOGIN_KEY)
    assert client.login(email=login.email, password=demo_cast.DEMO_PASSWORD)
    sam = User.objects.get(email=login.email)
    everyone = User.objects.values_list("pk", flat=True)
    degrees = {p.degree for p in proximity_for(sam.pk, everyone).values()}
    assert {1, 2, 3} <= degrees
    html = client.get("/members/?topic=risk-management").content.decode()
    assert "Thandi Mokoena" in html


def test_existing_members_keep_their_edits_on_reseed():
    call_command("demo")
    sam = User.objects.get(email="sam@demo.mutuals.test")
    sam.profile.headline = "Edited while trying the demo"
    sam.profile.save()
    call_command("demo")
    sam.profile.refresh_from_db()
    assert sam.profile.headline == "Edited while trying the demo"
