"""Invitation services: every refusal at send time, every transition, capacity, allowance,
expiry and blocks. Each refusal is checked to change nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from mutuals.accounts.services import boundaries_update, profile_update
from mutuals.accounts.tests.factories import make_member
from mutuals.connections import invitations as rules
from mutuals.connections.models import Connection, Invitation, InvitationEvent, InvitationState
from mutuals.connections.selectors import are_connected
from mutuals.connections.services import (
    block_create,
    connection_create,
    invitation_accept,
    invitation_check,
    invitation_decline,
    invitation_deliver_if_due,
    invitation_expire_if_due,
    invitation_for_sender_state,
    invitation_ignore,
    invitation_report,
    invitation_send,
    invitation_withdraw,
    invitations_deliver_due,
)
from mutuals.connections.tests.factories import (
    backdate,
    good_draft,
    invitation_row,
    make_pair,
    send,
)
from mutuals.core.errors import Conflict, MutualsError, NotFound, RateLimited, Refused
from mutuals.personalization import minhash

pytestmark = pytest.mark.django_db


@pytest.fixture
def trio():
    return make_pair()


def refused_with(code: str, action) -> MutualsError:
    before = Invitation.objects.count()
    with pytest.raises(MutualsError) as caught:
        action()
    assert caught.value.code == code, caught.value.message
    assert Invitation.objects.count() == before
    return caught.value


class TestSend:
    def test_personal_request_is_delivered_with_its_report(self, trio):
        sender, recipient, mutual = trio
        invitation = send(sender, recipient, mutual)
        assert invitation.state == InvitationState.PENDING
        assert invitation.verdict == "personal"
        assert invitation.context_verified is True
        assert invitation.context_label == "Kwame Asante"
        assert len(invitation.signature) == minhash.NUM_PERMUTATIONS
        assert minhash.unpack(bytes(invitation.minhash)) == tuple(invitation.signature)
        assert InvitationEvent.objects.get(invitation=invitation).to_state == "pending"

    def test_self(self, trio):
        sender, _, mutual = trio
        error = refused_with("cannot_invite_self", lambda: send(sender, sender, mutual))
        assert error.status == 422

    def test_blocked_answers_not_found(self, trio):
        sender, recipient, mutual = trio
        block_create(blocker=recipient, blocked=sender)
        with pytest.raises(NotFound):
            send(sender, recipient, mutual)

    def test_inactive_or_missing_recipient_not_found(self, trio):
        sender, recipient, mutual = trio
        recipient.is_active = False
        recipient.save()
        with pytest.raises(NotFound):
            send(sender, recipient, mutual)

    def test_already_connected(self, trio):
        sender, recipient, mutual = trio
        connection_create(member=sender, other=recipient)
        assert (
            refused_with("already_connected", lambda: send(sender, recipient, mutual)).status == 409
        )

    def test_pending_either_way(self, trio):
        sender, recipient, mutual = trio
        send(sender, recipient, mutual)
        refused_with("invitation_pending", lambda: send(sender, recipient, mutual))
        reverse = good_draft(sender, mutual)
        refused_with("invitation_pending", lambda: invitation_send(sender=recipient, draft=reverse))

    @pytest.mark.parametrize("close", ["withdraw", "decline"])
    def test_reinvite_within_21_days(self, trio, close):
        sender, recipient, mutual = trio
        invitation = send(sender, recipient, mutual)
        if close == "withdraw":
            invitation_withdraw(member=sender, invitation_id=invitation.pk)
        else:
            invitation_decline(member=recipient, invitation_id=invitation.pk, reason="ask_later")
        error = refused_with("reinvite_too_soon", lambda: send(sender, recipient, mutual))
        assert "retry_at" in error.detail
        Invitation.objects.filter(pk=invitation.pk).update(
            responded_at=timezone.now() - timedelta(days=22)
        )
        assert send(sender, recipient, mutual).state == InvitationState.PENDING

    def test_intent_the_recipient_is_closed_to(self, trio):
        sender, recipient, mutual = trio
        boundaries_update(user=recipient, open_intents=["peer", "knowledge_exchange"])
        error = refused_with(
            "recipient_closed_to_intent", lambda: send(sender, recipient, mutual, intent="referral")
        )
        assert error.status == 422
        assert error.detail["open_intents"] == ["knowledge_exchange", "peer"]
        assert "job referral" in error.message

    @pytest.mark.parametrize(
        ("kind", "ref", "text"),
        [
            ("mutual", "999999", ""),
            ("mutual", "not-a-number", ""),
            ("topic", "underwater-basket-weaving", ""),
            ("event", "1", ""),
            ("content", "1", ""),
            ("other", "", "hi"),
            ("telepathy", "", ""),
        ],
    )
    def test_invalid_context(self, trio, kind, ref, text):
        sender, recipient, mutual = trio
        refused_with(
            "invalid_context",
            lambda: send(
                sender, recipient, mutual, context_kind=kind, context_ref=ref, context_text=text
            ),
        )

    def test_shared_topic_and_other_contexts(self, trio):
        sender, recipient, mutual = trio
        invitation = send(sender, recipient, mutual, context_kind="topic", context_ref="Agile")
        assert (invitation.context_ref, invitation.context_verified) == ("agile", True)
        invitation_withdraw(member=sender, invitation_id=invitation.pk)
        other = make_member(profile={"company": "Acme Rail"})
        invitation = send(
            sender,
            other,
            mutual,
            context_kind="other",
            context_text="Your talk at the PMO forum",
            message="Hi, your talk at the PMO forum on supplier contracts at Acme Rail is what "
            "my team at Kestrel is wrestling with. Could I ask your advice for 20 minutes?",
        )
        assert invitation.context_verified is False

    def test_a_mutual_connection_must_be_connected_to_both(self, trio):
        sender, recipient, _ = trio
        stranger = make_member()
        connection_create(member=sender, other=stranger)
        refused_with("invalid_context", lambda: send(sender, recipient, stranger))

    def test_below_the_recipients_minimum(self, trio):
        sender, recipient, mutual = trio
        error = refused_with(
            "below_personalization_threshold",
            lambda: send(sender, recipient, mutual, message="Hi, I'd like to join your network."),
        )
        assert error.status == 422
        assert error.detail["score"] < 40
        assert {f["code"] for f in error.detail["findings"]} >= {"stock_phrase", "too_short"}

    def test_minimum_zero_lets_a_thin_note_through(self, trio):
        sender, recipient, mutual = trio
        boundaries_update(user=recipient, min_personalization=0)
        invitation = send(sender, recipient, mutual, message="Hi, let's connect.")
        assert invitation.verdict == "generic"

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"intent": "gossip"}, "intent"),
            ({"message": "   "}, "message"),
            ({"message": "x" * 601}, "message"),
        ],
    )
    def test_malformed_drafts(self, trio, change, field):
        sender, recipient, mutual = trio
        error = refused_with("invalid_fields", lambda: send(sender, recipient, mutual, **change))
        assert field in error.detail["fields"]


class TestCapacity:
    def test_beyond_weekly_capacity_requests_queue_for_next_week(self, trio):
        _, recipient, mutual = trio
        boundaries_update(user=recipient, weekly_capacity=2)
        senders = [make_member(profile={"company": "Kestrel"}) for _ in range(3)]
        for sender in senders:
            connection_create(member=sender, other=mutual)
        states = [send(s, recipient, mutual) for s in senders]
        assert [i.state for i in states] == ["pending", "pending", "queued"]
        queued = states[2]
        assert queued.deliver_at == rules.week_start(timezone.now()) + timedelta(days=7)
        assert queued.deliver_at.weekday() == 0

    def test_queued_request_is_delivered_when_due_and_only_once(self, trio):
        sender, recipient, mutual = trio
        boundaries_update(user=recipient, weekly_capacity=1)
        other = make_member()
        connection_create(member=other, other=mutual)
        send(other, recipient, mutual)
        queued = send(sender, recipient, mutual)
        assert not invitation_deliver_if_due(invitation_id=queued.pk)
        later = queued.deliver_at + timedelta(minutes=1)
        assert invitation_deliver_if_due(invitation_id=queued.pk, now=later)
        assert not invitation_deliver_if_due(invitation_id=queued.pk, now=later)
        queued.refresh_from_db()
        assert queued.state == InvitationState.PENDING

    def test_recipient_does_not_see_queued_requests_but_inbox_delivers_due_ones(self, trio):
        sender, recipient, mutual = trio
        boundaries_update(user=recipient, weekly_capacity=1)
        other = make_member()
        connection_create(member=other, other=mutual)
        send(other, recipient, mutual)
        queued = send(sender, recipient, mutual)
        with pytest.raises(NotFound):
            invitation_decline(member=recipient, invitation_id=queued.pk, reason="other")
        with pytest.raises(NotFound):
            invitation_ignore(member=recipient, invitation_id=queued.pk)
        Invitation.objects.filter(pk=queued.pk).update(deliver_at=timezone.now())
        assert invitations_deliver_due(recipient=recipient) == 1

    def test_withdrawn_requests_free_capacity(self, trio):
        sender, recipient, mutual = trio
        boundaries_update(user=recipient, weekly_capacity=1)
        first = send(sender, recipient, mutual)
        invitation_withdraw(member=sender, invitation_id=first.pk)
        other = make_member()
        connection_create(member=other, other=mutual)
        assert send(other, recipient, mutual).state == InvitationState.PENDING


class TestAllowance:
    def test_new_member_gets_the_base(self, trio):
        sender, _, _ = trio
        allowance = rules.sender_allowance(sender)
        assert (allowance.limit, allowance.used, allowance.acceptance_rate) == (20, 0, None)

    def _history(self, sender, accepted: int, declined: int) -> None:
        for n in range(accepted + declined):
            recipient = make_member()
            invitation_row(
                sender,
                recipient,
                at=timezone.now() - timedelta(days=30),
                context_text="",
                message="m",
                score=80,
                state="accepted" if n < accepted else "declined",
                responded_at=timezone.now() - timedelta(days=29),
            )

    def test_scaled_by_acceptance_rate_and_bounded(self, trio):
        sender, _, _ = trio
        self._history(sender, accepted=10, declined=0)
        assert rules.sender_allowance(sender).limit == 30  # 20 × 1.5
        other = make_member()
        self._history(other, accepted=0, declined=10)
        assert rules.sender_allowance(other).limit == 10  # 20 × 0.5

    def test_reports_cut_it(self, trio):
        sender, recipient, mutual = trio
        invitation = send(sender, recipient, mutual)
        invitation_report(member=recipient, invitation_id=invitation.pk, kind="unknown")
        assert rules.sender_allowance(sender).limit == 15  # 20 × 0.75

    def test_declined_as_dont_know_you_cuts_it_too(self, trio):
        sender, recipient, mutual = trio
        invitation = send(sender, recipient, mutual)
        invitation_decline(member=recipient, invitation_id=invitation.pk, reason="no_capacity")
        assert rules.sender_allowance(sender).limit == 20
        Invitation.objects.filter(pk=invitation.pk).update(decline_reason="dont_know_you")
        assert rules.sender_allowance(sender).limit == 15

    def test_over_the_allowance_is_429_with_retry_at(self, trio, monkeypatch):
        sender, recipient, mutual = trio
        monkeypatch.setattr(rules, "BASE_ALLOWANCE", 1)
        monkeypatch.setattr(rules, "MIN_ALLOWANCE", 1)
        first = send(sender, recipient, mutual)
        other = make_member(profile={"company": "Acme Rail"})
        connection_create(member=other, other=mutual)
        with pytest.raises(RateLimited) as caught:
            send(sender, other, mutual)
        assert caught.value.code == "sender_allowance_exhausted"
        assert caught.value.retry_at == first.created_at + timedelta(days=7)


class TestTransitions:
    def test_accept_connects_once(self, trio):
        sender, recipient, mutual = trio
        invitation = send(sender, recipient, mutual)
        connection = invitation_accept(member=recipient, invitation_id=invitation.pk)
        assert are_connected(sender.pk, recipient.pk)
        assert connection.intent == "advice"
        invitation.refresh_from_db()
        assert (invitation.state, invitation.connection_id) == ("accepted", connection.pk)
        with pytest.raises(Conflict) as caught:
            invitation_accept(member=recipient, invitation_id=invitation.pk)
        assert caught.value.code == "state_changed"
        assert Connection.objects.count() == 3

    def test_only_the_recipient_may_answer_and_only_the_sender_withdraw(self, trio):
        sender, recipient, mutual = trio
        invitation = send(sender, recipient, mutual)
        for action in (invitation_accept, invitation_ignore):
            with pytest.raises(NotFound):
                action(member=sender, invitation_id=invitation.pk)
            with pytest.raises(NotFound):
                action(member=mutual, invitation_id=invitation.pk)
        with pytest.raises(NotFound):
            invitation_withdraw(member=recipient, invitation_id=invitation.pk)
        invitation.refresh_from_db()
        assert invitation.state == "pending"

    def test_decline_needs_a_known_reason(self, trio):
        sender, recipient, mutual = trio
        invitation = send(sender, recipient, mutual)
        with pytest.raises(Refused):
            invitation_decline(member=recipient, invitation_id=invitation.pk, reason="meh")
        invitation_decline(member=recipient, invitation_id=invitation.pk, reason="no_capacity")
        invitation.refresh_from_db()
        assert (invitation.state, invitation.decline_reason) == ("declined", "no_capacity")

    def test_ignore_is_silent_to_the_sender_and_can_still_be_accepted(self, trio):
        sender, recipient, mutual = trio
        invitation = send(sender, recipient, mutual)
        invitation_ignore(member=recipient, invitation_id=invitation.pk)
        invitation.refresh_from_db()
        assert invitation.state == "ignored"
        assert invitation_for_sender_state(invitation) == "pending"
        invitation_withdraw(member=sender, invitation_id=invitation.pk)
        invitation.refresh_from_db()
        assert invitation.state == "withdrawn"

    def test_report_needs_a_kind(self, trio):
        sender, recipient, mutual = trio
        invitation = send(sender, recipient, mutual)
        with pytest.raises(Refused):
            invitation_report(member=recipient, invitation_id=invitation.pk, kind="rude")
        invitation_report(member=recipient, invitation_id=invitation.pk, kind="spam")
        invitation.refresh_from_db()
        assert (invitation.state, invitation.report_kind) == ("reported", "spam")

    def test_withdraw_then_nothing_else(self, trio):
        sender, recipient, mutual = trio
        invitation = send(sender, recipient, mutual)
        invitation_withdraw(member=sender, invitation_id=invitation.pk)
        with pytest.raises(Conflict):
            invitation_accept(member=recipient, invitation_id=invitation.pk)
        with pytest.raises(Conflict):
            invitation_withdraw(member=sender, invitation_id=invitation.pk)

    def test_pending_requests_expire_after_30_days(self, trio):
        sender, recipient, mutual = trio
        invitation = send(sender, recipient, mutual)
        assert not invitation_expire_if_due(invitation_id=invitation.pk)
        backdate(invitation, timezone.now() - timedelta(days=31))
        with pytest.raises(Conflict) as caught:
            invitation_accept(member=recipient, invitation_id=invitation.pk)
        assert caught.value.detail["state"] == "expired"
        assert not are_connected(sender.pk, recipient.pk)
        # The refusal wrote nothing; the expiry task records the expiry.
        assert invitation_expire_if_due(invitation_id=invitation.pk)
        invitation.refresh_from_db()
        assert invitation.state == "expired"

    def test_expiry_task_is_idempotent(self, trio):
        sender, recipient, mutual = trio
        invitation = send(sender, recipient, mutual)
        backdate(invitation, timezone.now() - timedelta(days=31))
        assert invitation_expire_if_due(invitation_id=invitation.pk)
        assert not invitation_expire_if_due(invitation_id=invitation.pk)
        assert (
            InvitationEvent.objects.filter(invitation=invitation, to_state="expired").count() == 1
        )

    def test_every_transition_leaves_an_audit_row(self, trio):
        sender, recipient, mutual = trio
        invitation = send(sender, recipient, mutual)
        invitation_ignore(member=recipient, invitation_id=invitation.pk)
        invitation_accept(member=recipient, invitation_id=invitation.pk)
        trail = list(
            InvitationEvent.objects.filter(invitation=invitation).values_list(
                "from_state", "to_state", "actor"
            )
        )
        assert trail == [
            ("", "pending", sender.pk),
            ("pending", "ignored", recipient.pk),
            ("ignored", "accepted", recipient.pk),
        ]


class TestBlocks:
    def test_block_closes_open_requests_both_ways_and_the_connection(self, trio):
        sender, recipient, mutual = trio
        invitation = send(sender, recipient, mutual)
        block_create(blocker=recipient, blocked=sender)
        invitation.refresh_from_db()
        assert (invitation.state, invitation.closed_by_block) == ("withdrawn", True)
        with pytest.raises(NotFound):
            invitation_accept(member=recipient, invitation_id=invitation.pk)

    def test_block_removes_connection(self, trio):
        sender, _recipient, mutual = trio
        block_create(blocker=sender, blocked=mutual)
        assert not are_connected(sender.pk, mutual.pk)


def test_check_reports_an_unverifiable_context_instead_of_refusing(trio):
    sender, recipient, mutual = trio
    report = invitation_check(
        sender=sender, draft=good_draft(recipient, mutual, context_kind="event", context_ref="5")
    )
    assert report.findings[0].code == "context_unverified"
    assert Invitation.objects.count() == 0


def test_check_sees_the_senders_history(trio):
    sender, recipient, mutual = trio
    profile_update(user=recipient, topics=[])
    body = (
        "your point about pricing schedule risk into supplier contracts is what my team is "
        "wrestling with. Could I ask your advice for 20 minutes?"
    )
    for n in range(2):  # the third copy is mass outreach (MASS_OUTREACH_COPIES)
        other = make_member(name=f"Person{n} Example", profile={"company": f"Company{n}"})
        connection_create(member=other, other=mutual)
        send(sender, other, mutual, message=f"Hi Person{n}, Kwame suggested I write: {body}")
    report = invitation_check(
        sender=sender,
        draft=good_draft(recipient, mutual, message=f"Hi Thandi, Kwame suggested I write: {body}"),
    )
    assert report.verdict == "generic"
    assert any(f.code == "mass_outreach" for f in report.findings)
