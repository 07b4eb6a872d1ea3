"""The demo community (`mutuals demo`): the named cast, seeded idempotently."""

from __future__ import annotations

from collections import Counter

import pytest
from django.core.management import call_command
from django.test import Client

from mutuals.accounts.models import Topic, User
from mutuals.connections.models import Connection, Invitation
from mutuals.engagement.models import Interaction, Obligation, Tie
from mutuals.insights.selectors import MAX_SUGGESTIONS, health_for
from mutuals.introductions.selectors import proximity_for
from mutuals.messaging.models import Message
from mutuals.messaging.selectors import conversations_for, unread_conversation_count
from mutuals.site import demo_cast

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
    tiers = Counter(Tie.objects.filter(member=sam).values_list("tier", flat=True))
    # Fourteen connections: the five strongest are the inner five; by rank the rest he is in
    # touch with both ways would all be close, but a tier needs the contact to match (issue
    # 19, TIER_MIN_STRENGTH): three are close, two active, and Erik, silent for a year, wider.
    # Hannah (her hello unanswered) and Yuki (no word yet) are not relationships yet, and
    # Marcus rests: acquaintances (issue 15: tiers rank relationships only).
    assert tiers == {"inner": 5, "close": 3, "active": 2, "wider": 1, "acquaintance": 3}
    states = set(Tie.objects.values_list("state", flat=True))
    assert len(states) >= 3  # busy, quiet and cold ties

    obligations = Obligation.objects.count()
    assert obligations > 0
    messages = Message.objects.count()

    call_command("demo")
    out = capsys.readouterr().out
    assert "(0 new)" in out
    assert "0 new interactions, 0 new requests" in out
    assert (User.objects.count(), Connection.objects.count(), Topic.objects.count()) == counts
    assert Interaction.objects.count() == interactions
    assert Obligation.objects.count() == obligations
    assert Message.objects.count() == messages == 9
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


def test_sams_network_health_shows_every_state_a_pact_record_and_what_to_do_today():
    """What a new member sees signed in as Sam on /insights/: relationships in every state,
    pact items over the last twelve weeks met on time, late and missed (the follow-through
    rate is their on-time share), and a few suggested actions, each with its reason."""
    call_command("demo")
    sam = User.objects.get(email="sam@demo.mutuals.test")
    health = health_for(sam)

    assert health.connections == 14
    assert {state for state, count in health.by_state.items() if count} == {
        "engaged",
        "warm",
        "fading",
        "stagnant",
        "resting",
    }

    on_time = sum(week.on_time for week in health.pact_weeks)
    late = sum(week.late for week in health.pact_weeks)
    missed = sum(week.missed for week in health.pact_weeks)
    assert on_time > late >= 1
    assert missed >= 1
    assert sum(1 for w in health.pact_weeks if w.on_time + w.late + w.missed) >= 4
    assert health.follow_through_rate == pytest.approx(on_time / (on_time + late + missed))
    # Every item met was met by the interaction that satisfied it, as the pact's rules say.
    met = Obligation.objects.filter(party=sam, fulfilled_at__isnull=False)
    assert met.exists()
    assert not met.filter(fulfilled_by__isnull=True).exists()

    assert 3 <= len(health.suggestions) <= MAX_SUGGESTIONS
    # No check-in is due this week: Tariq's, planned at the cadence of his tier, is an active
    # tie's 90 days since his one exchange is not the contact a close tie needs (issue 19,
    # TIER_MIN_STRENGTH), so the demo shows no check-in suggestion today.
    assert {"reply", "thank", "reconnect"} <= {s.kind for s in health.suggestions}
    assert all(s.reason for s in health.suggestions)
    assert "Reconnect with Chen Wei" in [s.text for s in health.suggestions]
    # Kwame wrote yesterday and Sam has not answered: the first thing to do today.
    assert health.suggestions[0].text == "Reply to Kwame Asante"
    assert unread_conversation_count(sam) == 1
    unread = sorted(int(getattr(c, "unread_count", -1)) for c in conversations_for(sam))
    assert unread == [0, 0, 1]

    client = Client()
    client.force_login(sam)
    html = client.get("/insights/").content.decode()
    assert "Thank Hannah Schmidt for connecting" in html
    assert "Nothing is waiting on you" not in html
    assert "No pact items have fallen due" not in html


def test_demo_prints_how_every_member_signs_in_and_whom_to_try(capsys):
    """Not only Sam: the e-mail pattern every member follows, and members worth trying, each
    with what they show; every printed claim holds in the seeded data."""
    import unicodedata
    from datetime import timedelta

    from django.utils import timezone

    from mutuals.events.models import Event
    from mutuals.mentorship.models import MentorOffer, Mentorship, Reflection
    from mutuals.site.management.commands.demo import WORTH_TRYING

    call_command("demo")
    out = capsys.readouterr().out
    assert f"Every demo member ({len(demo_cast.CAST)}) signs in with the same password" in out
    assert "<first name, letters only, lower case>@demo.mutuals.test" in out
    for member in demo_cast.CAST:  # "Mei-Lin Chen": meilin@, "María José Gutiérrez": mariajose@
        given = unicodedata.normalize("NFKD", member.name.rsplit(" ", 1)[0])
        letters = "".join(c for c in given if c.isascii() and c.isalpha()).lower()
        assert member.email == f"{letters}@demo.mutuals.test", member.name
    assert [key for key, _ in WORTH_TRYING] == ["priya", "thandi", "aiko"]
    client = Client()
    for key, shows in WORTH_TRYING:
        user = User.objects.get(email=f"{key}@demo.mutuals.test")
        assert user.email in out
        assert f"{user.name}: {shows}" in out
        assert client.login(email=user.email, password=demo_cast.DEMO_PASSWORD)

    now = timezone.now()
    priya = User.objects.get(email="priya@demo.mutuals.test")
    organized = Event.objects.filter(organizer=priya)
    assert organized.filter(ends_at__lt=now, ends_at__gt=now - timedelta(days=2)).count()
    assert organized.filter(starts_at__gt=now, title__startswith="Mentoring circle").count() == 1
    assert Mentorship.objects.filter(mentor=priya, mentee__email="sam@demo.mutuals.test").get()
    assert priya.has_perm("moderation.moderate")
    open_reports = Client()
    open_reports.force_login(priya)
    queue = open_reports.get("/moderation/").content.decode()
    assert queue.count("/moderation/reports/") == 2  # the two reports waiting
    thandi = User.objects.get(email="thandi@demo.mutuals.test")
    assert MentorOffer.objects.filter(mentor=thandi).exists()
    assert Reflection.objects.filter(
        mentorship__mentor=thandi, mentorship__state="completed", share=True
    ).exists()
    assert Mentorship.objects.filter(
        mentor__email="sam@demo.mutuals.test",
        mentee__email="aiko@demo.mutuals.test",
        state="requested",
    ).exists()


def test_demo_members_have_histories_and_some_faces_made_once():
    """Issue 19: experience and education on some profiles, generated portraits on a few
    (drawn, never downloaded), the rest showing initials; a second run adds none."""
    from mutuals.accounts.models import Education, Experience

    call_command("demo")
    sam = User.objects.get(email="sam@demo.mutuals.test")
    roles = list(
        Experience.objects.filter(user=sam).order_by("position").values_list("role", flat=True)
    )
    assert roles == [role for _, role, _, _ in demo_cast.EXPERIENCE["sam"]]
    assert Experience.objects.count() == sum(len(v) for v in demo_cast.EXPERIENCE.values())
    assert Education.objects.count() == sum(len(v) for v in demo_cast.EDUCATION.values())
    with_photo = set(User.objects.exclude(photo_key="").values_list("email", flat=True))
    assert with_photo == {f"{key}@demo.mutuals.test" for key in demo_cast.PORTRAITS}
    keys = dict(User.objects.exclude(photo_key="").values_list("pk", "photo_key"))
    call_command("demo")
    assert Experience.objects.count() == sum(len(v) for v in demo_cast.EXPERIENCE.values())
    assert dict(User.objects.exclude(photo_key="").values_list("pk", "photo_key")) == keys
    page = Client()
    page.force_login(sam)
    thandi = User.objects.get(email="thandi@demo.mutuals.test")
    html = page.get(f"/members/{thandi.pk}/").content.decode()
    assert f"/photos/{thandi.pk}/{thandi.photo_key}-400.jpg" in html
    assert "Senior Programme Manager" in html
    assert "University of Cape Town" in html
