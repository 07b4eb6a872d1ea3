"""What moderators' decisions count for (issue 18, docs/design.md §4 "Reports and
moderation"): a dismissed report cuts nobody's allowance, an upheld one cuts the reported
member's, a hidden item shown again no longer counts; a suspension pauses the pact on both
sides of the suspended member's connections and a restore reopens it, deadlines pushed back."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from mutuals.accounts.tests.factories import make_member
from mutuals.connections import invitations as rules
from mutuals.connections.models import ReportKind
from mutuals.connections.services import connection_open, invitation_report
from mutuals.connections.tests.factories import make_pair, send
from mutuals.engagement.models import Obligation, ObligationClosed, ObligationKind
from mutuals.engagement.selectors import follow_through_rate
from mutuals.feed.tests.factories import make_post
from mutuals.moderation import services
from mutuals.moderation.models import Report, ReportReason
from mutuals.moderation.tests.factories import make_moderator

pytestmark = pytest.mark.django_db


def _cuts(member) -> int:
    return rules.sender_allowance(member).reports


class TestAllowance:
    def test_a_spam_report_of_a_request_cuts_at_once_and_a_dismissal_takes_the_cut_back(self):
        moderator = make_moderator()
        sender, recipient, mutual = make_pair()
        invitation = send(sender, recipient, mutual)
        invitation_report(member=recipient, invitation_id=invitation.pk, kind=ReportKind.SPAM)
        assert _cuts(sender) == 1
        limit_reported = rules.sender_allowance(sender).limit
        report = Report.objects.get(target_kind="invitation")
        services.report_dismiss(moderator=moderator, report_id=report.pk, reason="A real ask")
        assert _cuts(sender) == 0
        assert rules.sender_allowance(sender).limit > limit_reported
        invitation.refresh_from_db()
        assert invitation.state == "reported"  # kept for the record

    def test_an_upheld_report_of_a_request_keeps_its_one_cut(self):
        moderator = make_moderator()
        sender, recipient, mutual = make_pair()
        invitation = send(sender, recipient, mutual)
        report = services.report_create(
            reporter=recipient, kind="invitation", target_id=invitation.pk, reason="spam"
        )
        services.member_warn(
            moderator=moderator, member_id=sender.pk, message="No sales", report_id=report.pk
        )
        assert _cuts(sender) == 1

    def test_a_report_waiting_or_dismissed_cuts_nothing_an_upheld_one_cuts(self):
        moderator = make_moderator()
        author = make_member(name="Ben Carter")
        post = make_post(author, "Buy my course today")
        first = services.report_create(
            reporter=make_member(name="Ana Ferreira"),
            kind="post",
            target_id=post.pk,
            reason=ReportReason.SPAM,
        )
        assert _cuts(author) == 0
        services.report_dismiss(moderator=moderator, report_id=first.pk, reason="Fine")
        assert _cuts(author) == 0
        # Two reporters, one item hidden: one cut.
        for name in ("Kofi Mensah", "Lea Roux"):
            second = services.report_create(
                reporter=make_member(name=name), kind="post", target_id=post.pk, reason="spam"
            )
        services.content_hide(moderator=moderator, report_id=second.pk, reason="Advertising")
        assert _cuts(author) == 1
        # Shown again: the hiding is undone, and so is the cut.
        services.content_restore(moderator=moderator, report_id=second.pk, reason="Mistake")
        assert _cuts(author) == 0

    def test_a_warning_or_a_suspension_over_a_report_of_the_member_cuts(self):
        moderator = make_moderator()
        member = make_member(name="Ben Carter")
        report = services.report_create(
            reporter=make_member(name="Ana Ferreira"),
            kind="member",
            target_id=member.pk,
            reason="impersonation",
        )
        services.member_suspend(
            moderator=moderator, member_id=member.pk, days=7, reason="Fake", report_id=report.pk
        )
        assert _cuts(member) == 1

    def test_an_upheld_report_stops_counting_after_ninety_days(self):
        moderator = make_moderator()
        author = make_member(name="Ben Carter")
        post = make_post(author, "Buy my course today")
        report = services.report_create(
            reporter=make_member(name="Ana Ferreira"), kind="post", target_id=post.pk, reason="spam"
        )
        services.content_hide(moderator=moderator, report_id=report.pk, reason="Advertising")
        later = timezone.now() + rules.REPORT_LOOKBACK + timedelta(days=1)
        assert rules.sender_allowance(author, later).reports == 0


class TestPactAndSuspension:
    def _connected(self):
        ana, ben, kofi = (
            make_member(name="Ana Ferreira"),
            make_member(name="Ben Carter"),
            make_member(name="Kofi Mensah"),
        )
        first = connection_open(member=ana, other=ben)
        second = connection_open(member=ben, other=kofi)
        return ana, ben, kofi, first, second

    def test_a_suspension_pauses_the_pact_on_both_sides_and_nobody_is_scored_for_it(self):
        moderator = make_moderator()
        ana, ben, _kofi, first, _ = self._connected()
        services.member_suspend(moderator=moderator, member_id=ben.pk, days=30, reason="Spam")
        items = Obligation.objects.filter(connection=first)
        assert {o.closed_reason for o in items} == {ObligationClosed.SUSPENDED}
        assert all(o.cancelled_at is not None for o in items)
        # Their deadlines pass while Ben is suspended: Ana is not failing anyone.
        later = timezone.now() + timedelta(days=40)
        assert follow_through_rate(ana, later) is None

    def test_items_missed_before_the_suspension_still_count_as_missed(self):
        moderator = make_moderator()
        ana, ben, _, first, _ = self._connected()
        hello = Obligation.objects.get(
            connection=first, party=ana, kind=ObligationKind.FIRST_MESSAGE
        )
        Obligation.objects.filter(pk=hello.pk).update(
            due_at=timezone.now() - timedelta(days=1), opened_at=timezone.now() - timedelta(days=8)
        )
        services.member_suspend(moderator=moderator, member_id=ben.pk, days=30, reason="Spam")
        assert follow_through_rate(ana) == 0.0

    def test_a_restore_reopens_the_items_with_their_deadlines_pushed_back(self):
        moderator = make_moderator()
        _ana, ben, _kofi, first, second = self._connected()
        before = {o.pk: o.due_at for o in Obligation.objects.filter(connection=first)}
        services.member_suspend(moderator=moderator, member_id=ben.pk, days=30, reason="Spam")
        # As if the suspension began ten days ago.
        paused = Obligation.objects.filter(closed_reason=ObligationClosed.SUSPENDED)
        paused.update(cancelled_at=timezone.now() - timedelta(days=10))
        services.member_restore(moderator=moderator, member_id=ben.pk, reason="Appeal upheld")
        for obligation in Obligation.objects.filter(connection=first):
            assert obligation.is_open
            assert obligation.closed_reason == ""
            pushed = obligation.due_at - before[obligation.pk]
            assert timedelta(days=10) <= pushed < timedelta(days=10, minutes=1)
        assert all(o.is_open for o in Obligation.objects.filter(connection=second))

    def test_the_sweep_lifting_a_suspension_reopens_them_too(self):
        moderator = make_moderator()
        _, ben, _, first, _ = self._connected()
        services.member_suspend(moderator=moderator, member_id=ben.pk, days=1, reason="Cool off")
        assert services.suspensions_lift_due(now=timezone.now() + timedelta(days=2)) == 1
        assert all(o.is_open for o in Obligation.objects.filter(connection=first))

    def test_a_pair_both_suspended_waits_for_the_second_restore(self):
        moderator = make_moderator()
        ana, ben, _, first, _ = self._connected()
        services.member_suspend(moderator=moderator, member_id=ben.pk, days=30, reason="Spam")
        services.member_suspend(moderator=moderator, member_id=ana.pk, days=30, reason="Spam")
        services.member_restore(moderator=moderator, member_id=ben.pk, reason="Appeal")
        assert not any(o.is_open for o in Obligation.objects.filter(connection=first))
        services.member_restore(moderator=moderator, member_id=ana.pk, reason="Appeal")
        assert all(o.is_open for o in Obligation.objects.filter(connection=first))
