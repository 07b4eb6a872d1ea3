"""Reporting: every kind of item, the reasons, what the reporter and the reported member are
told (received; nothing), one open report per reporter and item, and the requests to
connect reported as spam that now reach the queue."""

from __future__ import annotations

import pytest
from django.db import IntegrityError
from django.utils import timezone

from mutuals.accounts.tests.factories import make_member
from mutuals.connections.invitations import sender_allowance
from mutuals.connections.models import InvitationState
from mutuals.connections.services import invitation_report
from mutuals.connections.tests.factories import make_pair, send
from mutuals.core.errors import Conflict, NotFound, Refused
from mutuals.engagement.models import Notification
from mutuals.moderation import services
from mutuals.moderation.models import Report, ReportStatus
from mutuals.moderation.selectors import reporter_status
from mutuals.moderation.tests.factories import ITEMS, make_moderator

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("kind", sorted(ITEMS))
def test_every_kind_can_be_reported_and_the_reported_member_is_never_told(kind):
    item = ITEMS[kind]()
    before = Notification.objects.filter(member=item.about).count()
    report = services.report_create(
        reporter=item.reporter, kind=kind, target_id=item.id, reason="harassment", note=" Rude  "
    )
    assert (report.target_kind, report.target_id) == (kind, item.id)
    assert report.reported_id == item.about.pk
    assert report.note == "Rude"
    assert report.excerpt  # the record keeps what the item said
    assert reporter_status(report) == "received"
    assert Notification.objects.filter(member=item.about).count() == before


@pytest.mark.parametrize("kind", sorted(ITEMS))
def test_an_item_someone_else_cannot_see_is_not_found(kind):
    item = ITEMS[kind]()
    outsider = make_member(name="Olu Outsider")
    if kind in ("member", "post", "comment"):
        # Anyone may see a member and what is on a community post: a block hides them.
        from mutuals.connections.services import block_create

        block_create(blocker=item.about, blocked=outsider)
    with pytest.raises(NotFound):
        services.report_create(reporter=outsider, kind=kind, target_id=item.id, reason="spam")
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    ("kind", "code"),
    [
        ("member", "cannot_report_yourself"),
        ("message", "cannot_report_own_message"),
        ("post", "cannot_report_own_post"),
        ("comment", "cannot_report_own_comment"),
    ],
)
def test_ones_own_item_cannot_be_reported(kind, code):
    item = ITEMS[kind]()
    if kind == "message":
        from mutuals.messaging.models import Message

        own = Message.objects.get(pk=item.id).sender
        target = item.id
    else:
        own = item.about
        target = item.id
    with pytest.raises(Refused) as caught:
        services.report_create(reporter=own, kind=kind, target_id=target, reason="spam")
    assert caught.value.code == code


@pytest.mark.parametrize("kind", ["invitation", "mentorship", "introduction"])
def test_a_request_is_reported_by_whom_it_reached_never_by_its_sender(kind):
    item = ITEMS[kind]()
    with pytest.raises(NotFound):
        services.report_create(reporter=item.about, kind=kind, target_id=item.id, reason="spam")


def test_reasons_and_notes_are_checked():
    item = ITEMS["post"]()
    for reason, note, field in [
        ("bored", "", "reason"),
        ("other", "", "note"),
        ("spam", "x" * 501, "note"),
    ]:
        with pytest.raises(Refused) as caught:
            services.report_create(
                reporter=item.reporter, kind="post", target_id=item.id, reason=reason, note=note
            )
        assert field in caught.value.detail["fields"]
    with pytest.raises(Refused) as kind:
        services.report_create(reporter=item.reporter, kind="event", target_id=1, reason="spam")
    assert "kind" in kind.value.detail["fields"]
    assert not Report.objects.exists()


def test_one_open_report_per_reporter_and_item_then_again_once_reviewed():
    item = ITEMS["post"]()
    first = services.report_create(
        reporter=item.reporter, kind="post", target_id=item.id, reason="spam"
    )
    with pytest.raises(Conflict) as again:
        services.report_create(
            reporter=item.reporter, kind="post", target_id=item.id, reason="misleading"
        )
    assert again.value.code == "already_reported"
    # Another member's report of the same item is their own.
    other = make_member(name="Cleo Park")
    services.report_create(reporter=other, kind="post", target_id=item.id, reason="spam")
    services.report_dismiss(moderator=make_moderator(), report_id=first.pk, reason="Fine")
    first.refresh_from_db()
    assert reporter_status(first) == "reviewed"
    services.report_create(reporter=item.reporter, kind="post", target_id=item.id, reason="spam")
    assert Report.objects.filter(reporter=item.reporter).count() == 2


def test_the_database_holds_one_open_report_per_reporter_and_item():
    item = ITEMS["member"]()
    values = {
        "reporter": item.reporter,
        "reported": item.about,
        "target_kind": "member",
        "target_id": item.id,
        "reason": "spam",
        "created_at": timezone.now(),
    }
    Report.objects.create(**values)
    with pytest.raises(IntegrityError):
        Report.objects.create(**values)


def test_reporting_an_open_request_closes_it_and_cuts_the_senders_allowance():
    sender, recipient, mutual = make_pair()
    invitation = send(sender, recipient, mutual)
    assert sender_allowance(sender).reports == 0
    services.report_create(
        reporter=recipient, kind="invitation", target_id=invitation.pk, reason="harassment"
    )
    invitation.refresh_from_db()
    assert (invitation.state, invitation.report_kind) == (InvitationState.REPORTED, "spam")
    assert sender_allowance(sender).reports == 1
    # One report in the queue, the one the recipient wrote (the moment found it filed).
    assert list(Report.objects.values_list("reason", flat=True)) == ["harassment"]


def test_a_request_reported_as_spam_on_the_requests_page_reaches_the_queue():
    sender, recipient, mutual = make_pair()
    spam = send(sender, recipient, mutual)
    invitation_report(member=recipient, invitation_id=spam.pk, kind="spam")
    report = Report.objects.get()
    assert (report.target_kind, report.target_id, report.reason) == ("invitation", spam.pk, "spam")
    assert (report.reporter_id, report.reported_id) == (recipient.pk, sender.pk)
    assert report.status == ReportStatus.OPEN
    with pytest.raises(Conflict):  # it is already in the queue
        services.report_create(
            reporter=recipient, kind="invitation", target_id=spam.pk, reason="spam"
        )


def test_i_dont_know_this_person_cuts_the_allowance_but_is_no_case_for_moderators():
    sender, recipient, mutual = make_pair()
    invitation = send(sender, recipient, mutual)
    invitation_report(member=recipient, invitation_id=invitation.pk, kind="unknown")
    assert sender_allowance(sender).reports == 1
    assert not Report.objects.exists()
    assert not Notification.objects.filter(member=sender, kind="invitation_declined").exists()


def test_moderators_hear_of_a_new_report_without_the_reporters_name():
    moderator = make_moderator()
    item = ITEMS["message"]()
    report = services.report_create(
        reporter=item.reporter, kind="message", target_id=item.id, reason="harassment"
    )
    notice = Notification.objects.get(member=moderator, kind="moderation_report")
    assert notice.title == "New report: message, harassment or hateful"
    assert notice.url == f"/moderation/reports/{report.pk}/"
    assert item.reporter.name not in notice.title + notice.body
    assert not Notification.objects.filter(kind="moderation_report").exclude(member=moderator)
