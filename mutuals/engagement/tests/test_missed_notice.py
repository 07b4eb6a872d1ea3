"""A pact item whose deadline passes while it is open is told, once, to whoever owes it
(issue 17: members were nudged a day before, then never heard of it again)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from mutuals.accounts.tests.factories import make_member
from mutuals.connections.services import block_create, connection_open
from mutuals.engagement import notifications, services
from mutuals.engagement.models import Notification, Obligation, ObligationKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair():
    sam = make_member(name="Sam Okafor")
    priya = make_member(name="Priya Raman")
    connection = connection_open(member=sam, other=priya)
    return sam, priya, connection


def _missed():
    return Notification.objects.filter(kind="pact_missed").order_by("member_id", "id")


def _after(obligation: Obligation):
    return obligation.due_at + timedelta(minutes=5)


def test_a_missed_hello_is_told_once_to_whoever_owes_it(pair):
    sam, priya, connection = pair
    services.interaction_record(
        actor=priya, counterpart=sam, kind="message", at=timezone.now(), source_key="m:1"
    )
    hello = Obligation.objects.get(connection=connection, party=sam, kind="first_message")
    assert notifications.obligations_missed_send_due(now=hello.due_at - timedelta(hours=1)) == 0
    assert notifications.obligations_missed_send_due(now=_after(hello)) == 1
    # The planned task, a retry and the sweep again: nobody is told twice.
    assert notifications.obligation_missed_notify(obligation_id=hello.pk, now=_after(hello)) == 0
    assert notifications.obligations_missed_send_due(now=_after(hello)) == 0
    (told,) = _missed()
    assert told.member_id == sam.pk
    assert told.about_id == priya.pk
    assert told.title == "Your hello to Priya Raman is overdue"
    assert "A message now still counts, late." in told.body
    assert told.url == f"/connections/{connection.pk}/"
    assert told.delivery == "email"


def test_a_missed_first_exchange_tells_both(pair):
    sam, priya, connection = pair
    exchange = Obligation.objects.get(connection=connection, kind=ObligationKind.FIRST_EXCHANGE)
    notifications.obligation_missed_notify(obligation_id=exchange.pk, now=_after(exchange))
    assert [(n.member_id, n.about_id) for n in _missed()] == sorted(
        [(sam.pk, priya.pk), (priya.pk, sam.pk)]
    )


def test_nothing_for_an_item_met_late_resting_or_across_a_block(pair):
    sam, priya, connection = pair
    hello = Obligation.objects.get(connection=connection, party=sam, kind="first_message")
    services.interaction_record(
        actor=sam, counterpart=priya, kind="message", at=_after(hello), source_key="m:late"
    )
    assert notifications.obligation_missed_notify(obligation_id=hello.pk, now=_after(hello)) == 0
    services.connection_rest(member=priya, connection_id=connection.pk)
    theirs = Obligation.objects.get(connection=connection, party=priya, kind="first_message")
    assert notifications.obligation_missed_notify(obligation_id=theirs.pk, now=_after(theirs)) == 0
    other = make_member()
    link = connection_open(member=sam, other=other)
    hers = Obligation.objects.get(connection=link, party=other, kind="first_message")
    due = _after(hers)
    block_create(blocker=sam, blocked=other)
    assert notifications.obligations_missed_send_due(now=due) == 0
    assert not _missed().exists()


def test_the_sweep_tells_of_missed_items(pair, capsys):
    _, _, connection = pair
    Obligation.objects.filter(connection=connection).update(
        due_at=timezone.now() - timedelta(hours=1)
    )
    call_command("sweep")
    assert "told 4 members of pact items missed" in capsys.readouterr().out
    call_command("sweep")
    assert "told 0 members of pact items missed" in capsys.readouterr().out
    assert _missed().count() == 4
