"""Delete my account (issue 18): re-authentication, the grace period (hidden, cancelled by
signing in), then the erasure by the sweep: nothing of the member's name or e-mail left in any
table, what they shared ended for the other side with a neutral notice, what they wrote in
others' conversations kept under "Former member"."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import models
from django.test import Client
from django.utils import timezone

from mutuals.accounts.conduct import conduct_accept, conduct_publish
from mutuals.accounts.deletion import account_deletion_request
from mutuals.accounts.models import AccountDeletion, User
from mutuals.accounts.services import privacy_update
from mutuals.accounts.tests.clients import api_client_for, web_client_for
from mutuals.accounts.tests.factories import PASSWORD, make_member
from mutuals.connections.models import Connection, Invitation, InvitationState
from mutuals.connections.services import connection_create
from mutuals.core.errors import NotAllowed
from mutuals.engagement.models import Notification
from mutuals.events.tests.factories import attend, make_event
from mutuals.feed.models import Comment, Post
from mutuals.feed.services import comment_create, post_create
from mutuals.introductions.models import GraphState, Introduction, SuggestionDismissal
from mutuals.messaging.models import Message
from mutuals.rights.erasure import FORMER_MEMBER, deletions_erase_due, member_erase
from mutuals.rights.tests.test_export import World, _invitation, world  # noqa: F401

pytestmark = pytest.mark.django_db

TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField)  # e-mail, URL, slug too


def _leftovers(*needles: str) -> list[str]:
    """Every row of every model in the app registry whose text, character, e-mail or JSON
    columns hold one of `needles` (case-insensitive): `Model.field #pk`."""
    found = []
    wanted = [needle.lower() for needle in needles]
    for model in apps.get_models():
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, TEXT_FIELDS) and not f.is_relation
        ]
        if not fields:
            continue
        for row in model._default_manager.values("pk", *fields).iterator():
            for field in fields:
                text = str(row[field] or "").lower()
                if any(needle in text for needle in wanted):
                    found.append(f"{model._meta.label}.{field} #{row['pk']}")
    return found


def _request(member: User, **kwargs) -> AccountDeletion:
    return account_deletion_request(user=member, password=PASSWORD, **kwargs)


def _erase_now(member: User) -> bool:
    """The erasure, with the clock moved past the grace period."""
    return member_erase(member_id=member.pk, now=timezone.now() + timedelta(days=15))


@pytest.fixture
def leaving(world: World, django_capture_on_commit_callbacks) -> World:  # noqa: F811
    """The export's world, and more places where Sam's name and e-mail end up: a mention of
    him in Thandi's post, notifications about him, a request between two others naming him
    as the mutual connection, the admin's log, a session, privacy and the code of conduct."""
    sam, thandi, ana = world.sam, world.thandi, world.ana
    privacy_update(user=sam, phone="+1 416 555 0199", shared_contacts=["email", "phone"])
    organizer = make_member(name="Olu Organizer", email="olu@example.com")
    organizer.is_staff = True
    organizer.save()
    version = conduct_publish(user=organizer, text="Be kind.").version
    for accepting in (sam, thandi, ana):  # else their pages would first ask them to accept
        conduct_accept(user=accepting, version=version)
    with django_capture_on_commit_callbacks(execute=True):
        post = post_create(
            author=thandi, kind="insight", body=f"Thanks @[Sam Okafor]({sam.pk}) for the tip"
        )
        comment_create(author=ana, post_id=post.pk, body="Agreed")
    mutual = _invitation(ana, make_member(name="Lee Chen"), "Hi Lee", InvitationState.PENDING)
    Invitation.objects.filter(pk=mutual.pk).update(
        context_kind="mutual", context_ref=str(sam.pk), context_label="Sam Okafor"
    )
    SuggestionDismissal.objects.create(member=sam, dismissed=ana, reason="not_now")
    LogEntry.objects.log_actions(
        user_id=organizer.pk,
        queryset=[sam],
        action_flag=CHANGE,
        change_message="Changed name of Sam Okafor <sam@example.com>",
    )
    ContentType.objects.clear_cache()
    web_client_for(sam).get("/")  # a live session
    return world


class TestRequesting:
    def test_needs_the_password_and_changes_nothing_without_it(self, member):
        with pytest.raises(NotAllowed) as refused:
            account_deletion_request(user=member, password="not it")
        assert refused.value.code == "reauthentication_failed"
        member.refresh_from_db()
        assert member.is_active
        assert not AccountDeletion.objects.exists()

    def test_the_grace_period_is_a_setting(self, member, settings):
        settings.ACCOUNT_DELETION_GRACE_DAYS = 3
        deletion = _request(member)
        assert deletion.erase_after - deletion.requested_at == timedelta(days=3)

    def test_default_grace_period_is_14_days(self, member):
        deletion = _request(member)
        assert deletion.erase_after - deletion.requested_at == timedelta(days=14)


class TestDuringTheGracePeriod:
    def test_hidden_like_an_inactive_member(self, member, other):
        privacy_update(user=member, visibility="community")
        connection_create(member=member, other=other)
        client = api_client_for(other)
        assert client.get(f"/api/members/{member.pk}").status_code == 200
        _request(member)
        assert client.get(f"/api/members/{member.pk}").status_code == 404
        names = [m["id"] for m in client.get("/api/members").json()["items"]]
        assert member.pk not in names
        assert web_client_for(other).get(f"/members/{member.pk}/").status_code == 404

    def test_sessions_and_tokens_stop_working(self, member):
        api = api_client_for(member)
        web = web_client_for(member)
        _request(member)
        assert api.get("/api/me").status_code == 401
        assert web.get("/me/profile/").status_code == 302

    def test_signing_in_cancels_and_says_so(self, member):
        _request(member)
        client = Client()
        response = client.post(
            "/accounts/login/", {"login": member.email, "password": PASSWORD}, follow=True
        )
        member.refresh_from_db()
        assert member.is_active
        assert AccountDeletion.objects.get(user=member).cancelled_at is not None
        assert "Your account will not be deleted" in response.content.decode()
        assert client.get("/api/me").status_code == 200
        # The sweep leaves a cancelled deletion alone, whenever it runs.
        assert deletions_erase_due(now=timezone.now() + timedelta(days=30)) == 0
        member.refresh_from_db()
        assert member.name != FORMER_MEMBER

    def test_signing_in_through_the_account_flows_api_cancels_too(self, member):
        _request(member)
        response = Client().post(
            "/api/auth/app/v1/auth/login",
            {"email": member.email, "password": PASSWORD},
            "application/json",
        )
        assert response.status_code == 200, response.content
        member.refresh_from_db()
        assert member.is_active

    def test_a_token_cannot_be_had_meanwhile_and_cancels_nothing(self, member):
        _request(member)
        response = Client().post(
            "/api/auth/token", {"email": member.email, "password": PASSWORD}, "application/json"
        )
        assert response.status_code == 401
        assert response.json()["code"] == "invalid_credentials"
        member.refresh_from_db()
        assert not member.is_active

    def test_a_wrong_password_cancels_nothing(self, member):
        _request(member)
        Client().post("/accounts/login/", {"login": member.email, "password": "wrong-one"})
        member.refresh_from_db()
        assert not member.is_active
        assert AccountDeletion.objects.get(user=member).cancelled_at is None

    def test_signing_in_after_the_grace_period_does_not_cancel(self, member):
        _request(member, now=timezone.now() - timedelta(days=15))
        Client().post("/accounts/login/", {"login": member.email, "password": PASSWORD})
        member.refresh_from_db()
        assert not member.is_active
        assert member_erase(member_id=member.pk)

    def test_not_erased_before_the_end(self, member):
        _request(member)
        assert deletions_erase_due() == 0
        assert deletions_erase_due(now=timezone.now() + timedelta(days=13)) == 0
        assert deletions_erase_due(now=timezone.now() + timedelta(days=14, seconds=1)) == 1


class TestErasure:
    def test_no_table_holds_the_name_or_email_afterwards(self, leaving):
        sam = leaving.sam
        before = _leftovers("Sam Okafor", "sam@example.com")
        # The scan sees each place the fixture wrote them (so it can fail).
        for where in (
            "accounts.User.name",
            "accounts.User.email",
            "account.EmailAddress.email",
            "engagement.Notification.title",
            "feed.Post.body",
            "connections.Invitation.context_label",
            "admin.LogEntry.object_repr",
            "admin.LogEntry.change_message",
        ):
            assert any(hit.startswith(where) for hit in before), where
        _request(sam)
        assert _erase_now(sam)
        assert _leftovers("Sam Okafor", "sam@example.com") == []

    def test_personal_data_is_gone(self, leaving):
        sam = leaving.sam
        _request(sam)
        _erase_now(sam)
        sam.refresh_from_db()
        assert sam.name == FORMER_MEMBER
        assert not sam.has_usable_password()
        assert not sam.is_active
        assert sam.profile.phone == ""
        assert sam.profile.topics.count() == 0
        assert sam.boundaries.open_intents == []
        assert not sam.api_tokens.exists()
        assert not EmailAddress.objects.filter(user=sam).exists()
        assert not Notification.objects.filter(member=sam).exists()
        assert not sam.contact_set.exists() if hasattr(sam, "contact_set") else True
        assert not any(
            str(s.get_decoded().get("_auth_user_id")) == str(sam.pk) for s in Session.objects.all()
        )

    def test_shared_things_end_for_the_other_side_with_a_neutral_notice(self, leaving):
        sam, thandi = leaving.sam, leaving.thandi
        grace = User.objects.get(name="Grace Mentor")
        kofi = User.objects.get(name="Kofi Mensah")
        version = GraphState.objects.filter(pk=1).values_list("version", flat=True).first() or 0
        _request(sam)
        _erase_now(sam)
        assert not Connection.objects.filter(member_low=sam).exists()
        assert not Connection.objects.filter(member_high=sam).exists()
        assert not Invitation.objects.filter(sender=sam).exists()
        assert not Invitation.objects.filter(recipient=sam).exists()
        assert not Introduction.objects.filter(requester=sam).exists()
        assert not sam.mentorships_as_mentee.exists()
        notices = {n.member_id: n for n in Notification.objects.filter(kind="member_left")}
        lena = User.objects.get(name="Lena Berg")  # her request to Sam was still queued
        assert set(notices) == {thandi.pk, grace.pk, kofi.pk, leaving.ana.pk, lena.pk}
        assert "request" in notices[lena.pk].body
        assert "connection" in notices[thandi.pk].body
        assert "request" not in notices[thandi.pk].body
        assert "mentorship" in notices[grace.pk].body
        assert "request" in notices[kofi.pk].body
        assert "introduction" in notices[leaving.ana.pk].body
        assert all("Sam" not in n.title + n.body for n in notices.values())
        # The graph was told (its version moved on).
        assert GraphState.objects.get(pk=1).version > version

    def test_upcoming_events_are_called_off_and_those_going_told(self, member, other):
        upcoming = make_event(member, title="Later", starts_in=timedelta(days=30))
        past = make_event(member, title="Earlier", starts_in=timedelta(days=-3))
        attend(upcoming, other)
        attend(past, other)
        _request(member)
        _erase_now(member)
        upcoming.refresh_from_db()
        past.refresh_from_db()
        assert upcoming.cancelled_at is not None
        assert past.cancelled_at is None
        notice = Notification.objects.get(member=other, kind="member_left")
        assert "an upcoming event they organized (it is called off)" in notice.body

    def test_messages_and_comments_stay_under_former_member(self, leaving):
        sam, thandi = leaving.sam, leaving.thandi
        _request(sam)
        _erase_now(sam)
        message = Message.objects.get(text="SAM-MESSAGE to Thandi")
        assert message.sender.name == FORMER_MEMBER
        comment = Comment.objects.get(body="SAM-COMMENT on Thandi's question")
        assert comment.author.name == FORMER_MEMBER
        page = web_client_for(thandi).get(f"/messages/{message.conversation_id}/")
        text = page.content.decode()
        assert "SAM-MESSAGE to Thandi" in text
        assert FORMER_MEMBER in text
        post = Post.objects.get(author=thandi, body__contains="for the tip")
        assert post.body == f"Thanks @[{FORMER_MEMBER}]({sam.pk}) for the tip"

    def test_idempotent_and_safe_to_run_again(self, leaving):
        sam = leaving.sam
        _request(sam, now=timezone.now() - timedelta(days=15))
        out = StringIO()
        call_command("sweep", stdout=out)
        assert "erased 1 deleted accounts" in out.getvalue()
        notices = Notification.objects.filter(kind="member_left").count()
        call_command("sweep", stdout=(again := StringIO()))
        assert "erased 0 deleted accounts" in again.getvalue()
        assert not member_erase(member_id=sam.pk)
        assert Notification.objects.filter(kind="member_left").count() == notices

    def test_a_failure_half_way_leaves_everything_as_it_was(self, leaving, monkeypatch):
        sam = leaving.sam
        _request(sam, now=timezone.now() - timedelta(days=15))

        def broken(member, ended):
            raise RuntimeError("the worker died")

        monkeypatch.setattr("mutuals.rights.erasure._tell_others", broken)
        with pytest.raises(RuntimeError):
            member_erase(member_id=sam.pk)
        sam.refresh_from_db()
        assert sam.name == "Sam Okafor"
        assert (
            Connection.objects.filter(member_low=sam).exists()
            or Connection.objects.filter(member_high=sam).exists()
        )
        monkeypatch.undo()
        assert member_erase(member_id=sam.pk)


def test_the_photo_and_its_files_go_with_the_account(leaving, django_capture_on_commit_callbacks):
    """A profile photo is personal data: erasure removes it and, once committed, its files."""
    import io

    from PIL import Image

    from mutuals.accounts import photos

    sam = leaving.sam
    image = io.BytesIO()
    Image.new("RGB", (200, 200), (30, 90, 160)).save(image, "JPEG")
    image.seek(0)
    photos.photo_set(user=sam, stream=image, size=len(image.getvalue()))
    sam.refresh_from_db()
    key = sam.photo_key
    assert key
    assert photos.photo_file(sam.pk, key, photos.MEDIUM) is not None
    _request(sam)
    with django_capture_on_commit_callbacks(execute=True):
        _erase_now(sam)
    sam.refresh_from_db()
    assert sam.photo_key == ""
    assert photos.photo_file(sam.pk, key, photos.MEDIUM) is None


def test_the_pact_stays_in_the_other_members_history_closed_not_deleted(member, other):
    """Issue 18: the erased member's connections end, but the pact's items are kept for the
    other side — what was met stays met and counts in their follow-through, what was open
    closes as `member_left` and counts for nobody — with no name in them."""
    from mutuals.connections.services import connection_open
    from mutuals.engagement.models import Obligation, ObligationClosed
    from mutuals.engagement.selectors import follow_through_rate
    from mutuals.messaging.services import conversation_start

    connection = connection_open(member=member, other=other)
    conversation_start(creator=other, participant_ids=[member.pk], text="Thanks for connecting!")
    _request(member)
    assert _erase_now(member)
    items = Obligation.objects.filter(member_low_id=connection.member_low_id)
    assert items.count() == 3
    assert all(o.connection_id is None for o in items)
    assert all(o.member_high_id == connection.member_high_id for o in items)
    said_hello = items.get(party=other)
    assert said_hello.fulfilled_at is not None
    assert said_hello.closed_reason == ""
    still_open = items.exclude(party=other)
    assert {o.closed_reason for o in still_open} == {ObligationClosed.MEMBER_LEFT}
    assert all(o.cancelled_at is not None for o in still_open)
    later = timezone.now() + timedelta(days=60)
    assert follow_through_rate(other, later) == 1.0
