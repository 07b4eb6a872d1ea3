"""A member in their deletion grace period (docs/design.md §4 and §8): their account is
inactive, and the pact on their connections is paused as a suspension pauses it — nobody is
scored or nudged for an item with a member who is leaving — and resumes, deadlines pushed
back, if they cancel the deletion by signing in."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from mutuals.accounts.deletion import account_deletion_cancel, account_deletion_request
from mutuals.accounts.tests.factories import PASSWORD, make_member
from mutuals.connections.services import connection_open
from mutuals.engagement import services
from mutuals.engagement.models import Obligation, ObligationClosed, ObligationKind
from mutuals.engagement.pact_pauses import pact_close
from mutuals.engagement.selectors import follow_through_rate

pytestmark = pytest.mark.django_db


@pytest.fixture
def connected():
    ana, ben, kofi = (
        make_member(name="Ana Ferreira"),
        make_member(name="Ben Carter"),
        make_member(name="Kofi Mensah"),
    )
    with_ben = connection_open(member=ana, other=ben)
    ben_kofi = connection_open(member=ben, other=kofi)
    ana_kofi = connection_open(member=ana, other=kofi)
    return ana, ben, kofi, with_ben, ben_kofi, ana_kofi


def test_asking_to_delete_pauses_the_pact_on_both_sides(connected):
    ana, ben, _, with_ben, ben_kofi, ana_kofi = connected
    account_deletion_request(user=ben, password=PASSWORD)
    for connection in (with_ben, ben_kofi):
        items = Obligation.objects.filter(connection=connection)
        assert items.exists()
        assert {o.closed_reason for o in items} == {ObligationClosed.LEAVING}
        assert all(o.cancelled_at is not None for o in items)
    # Ana's pact with Kofi, neither leaving, is untouched.
    assert all(o.is_open for o in Obligation.objects.filter(connection=ana_kofi))
    # Ana's items with Ben fall due while he is leaving: she fails nobody, and is not nudged.
    ana_hello = Obligation.objects.get(
        connection=with_ben, party=ana, kind=ObligationKind.FIRST_MESSAGE
    )
    assert services.obligation_nudge(obligation_id=ana_hello.pk, member_id=ana.pk) is None
    Obligation.objects.filter(connection=ana_kofi).delete()
    assert follow_through_rate(ana, timezone.now() + timedelta(days=40)) is None
    assert services.nudges_send_due(now=ana_hello.due_at) == 0


def test_items_met_stay_met_and_items_missed_before_still_count(connected):
    ana, ben, _, with_ben, _, ana_kofi = connected
    hello = Obligation.objects.get(
        connection=with_ben, party=ana, kind=ObligationKind.FIRST_MESSAGE
    )
    Obligation.objects.filter(pk=hello.pk).update(
        due_at=timezone.now() - timedelta(days=1), opened_at=timezone.now() - timedelta(days=8)
    )
    services.interaction_record(
        actor=ben, counterpart=ana, kind="message", at=timezone.now(), source_key="leave:1"
    )
    met = Obligation.objects.get(connection=with_ben, party=ben, kind=ObligationKind.FIRST_MESSAGE)
    assert met.fulfilled_at is not None
    account_deletion_request(user=ben, password=PASSWORD)
    met.refresh_from_db()
    assert (met.closed_reason, met.cancelled_at) == ("", None)
    Obligation.objects.filter(connection=ana_kofi).delete()
    assert follow_through_rate(ana) == 0.0


def test_cancelling_the_deletion_resumes_the_pact_with_deadlines_pushed_back(connected):
    ana, ben, _, with_ben, ben_kofi, _ = connected
    before = {o.pk: o.due_at for o in Obligation.objects.filter(connection=with_ben)}
    account_deletion_request(user=ben, password=PASSWORD)
    # As if he asked ten days ago.
    Obligation.objects.filter(closed_reason=ObligationClosed.LEAVING).update(
        cancelled_at=timezone.now() - timedelta(days=10)
    )
    assert account_deletion_cancel(user=ben)
    for obligation in Obligation.objects.filter(connection=with_ben):
        assert obligation.is_open
        assert obligation.closed_reason == ""
        pushed = obligation.due_at - before[obligation.pk]
        assert timedelta(days=10) <= pushed < timedelta(days=10, minutes=1)
    assert all(o.is_open for o in Obligation.objects.filter(connection=ben_kofi))
    ana_hello = Obligation.objects.get(
        connection=with_ben, party=ana, kind=ObligationKind.FIRST_MESSAGE
    )
    assert services.obligation_nudge(obligation_id=ana_hello.pk, member_id=ana.pk) is not None


def test_a_pair_both_leaving_waits_for_both_to_stay(connected):
    ana, ben, _, with_ben, _, _ = connected
    account_deletion_request(user=ben, password=PASSWORD)
    account_deletion_request(user=ana, password=PASSWORD)
    account_deletion_cancel(user=ben)
    assert not any(o.is_open for o in Obligation.objects.filter(connection=with_ben))
    account_deletion_cancel(user=ana)
    assert all(o.is_open for o in Obligation.objects.filter(connection=with_ben))


def test_an_ending_while_paused_closes_the_items_with_its_reason(connected):
    """Erased at the end of the grace period (or the connection otherwise ended): the items
    paused as `leaving` read as the ending's reason, their pause time kept."""
    _, ben, _, with_ben, _, _ = connected
    account_deletion_request(user=ben, password=PASSWORD)
    paused = {o.pk: o.cancelled_at for o in Obligation.objects.filter(connection=with_ben)}
    pact_close(connection=with_ben, reason="member_left", at=timezone.now() + timedelta(days=14))
    for obligation in Obligation.objects.filter(pk__in=paused):
        assert obligation.closed_reason == ObligationClosed.MEMBER_LEFT
        assert obligation.cancelled_at == paused[obligation.pk]
