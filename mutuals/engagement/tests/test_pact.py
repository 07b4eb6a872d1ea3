"""The engagement pact: opening, every obligation transition, deadlines across time zones,
daylight saving and quiet periods, low bandwidth, resting, and nudge idempotency."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db.models import F
from django.utils import timezone

from mutuals.accounts import timezones
from mutuals.accounts.services import boundaries_update
from mutuals.connections.services import block_create, invitation_accept
from mutuals.connections.tests.factories import make_pair, send
from mutuals.core.errors import NotFound, Refused
from mutuals.engagement import delivery, services
from mutuals.engagement.models import Interaction, Notification, Obligation, Tie

pytestmark = pytest.mark.django_db


@pytest.fixture
def connected():
    """Sam and Thandi, connected by an accepted request, so their pact is open."""
    sender, recipient, mutual = make_pair()
    invitation = send(sender, recipient, mutual)
    connection = invitation_accept(member=recipient, invitation_id=invitation.pk)
    return sender, recipient, connection


def nudges():
    """The pact's nudges (the request's own notifications aside)."""
    return Notification.objects.filter(kind__startswith="nudge_")


def message(actor, counterpart, at, n):
    return services.interaction_record(
        actor=actor, counterpart=counterpart, kind="message", at=at, source_key=f"message:{n}"
    )


def items(connection):
    return {(o.kind, o.party_id): o for o in Obligation.objects.filter(connection=connection)}


class TestDeadlines:
    def test_end_of_day_in_the_members_time_zone(self, member):
        boundaries_update(user=member, time_zone="America/Toronto")
        member.boundaries.refresh_from_db()
        start = datetime(2026, 3, 3, 15, 0, tzinfo=UTC)  # 10:00 in Toronto
        due = timezones.deadline(start, 7, member.boundaries)
        assert (
            due.astimezone(ZoneInfo("America/Toronto")).isoformat() == "2026-03-10T23:59:59-04:00"
        )

    def test_across_a_daylight_saving_change_it_stays_local_midnight(self, member):
        boundaries_update(user=member, time_zone="Europe/Berlin")
        member.boundaries.refresh_from_db()
        start = datetime(2026, 3, 25, 12, 0, tzinfo=UTC)  # DST begins 29 March in Berlin
        due = timezones.deadline(start, 7, member.boundaries)
        local = due.astimezone(ZoneInfo("Europe/Berlin"))
        assert (local.date().isoformat(), local.hour, local.minute) == ("2026-04-01", 23, 59)
        assert local.utcoffset() == timedelta(hours=2)

    def test_late_evening_utc_is_already_tomorrow_in_tokyo(self, member):
        boundaries_update(user=member, time_zone="Asia/Tokyo")
        member.boundaries.refresh_from_db()
        start = datetime(2026, 6, 1, 20, 0, tzinfo=UTC)  # 05:00 on 2 June in Tokyo
        due = timezones.deadline(start, 7, member.boundaries)
        assert due.astimezone(ZoneInfo("Asia/Tokyo")).date().isoformat() == "2026-06-09"

    def test_low_bandwidth_doubles(self, member):
        start = datetime(2026, 1, 1, 12, tzinfo=UTC)
        normal = timezones.deadline(start, 7, member.boundaries)
        boundaries_update(user=member, low_bandwidth=True)
        member.boundaries.refresh_from_db()
        assert timezones.deadline(start, 7, member.boundaries) - normal == timedelta(days=7)

    def test_quiet_period_moves_the_nudge_never_drops_it(self, member):
        due = timezone.now() + timedelta(days=3)
        assert timezones.nudge_time(due, member.boundaries) == due - timedelta(days=1)
        quiet = timezone.now() + timedelta(days=5)
        boundaries_update(user=member, quiet_until=quiet)
        member.boundaries.refresh_from_db()
        assert timezones.nudge_time(due, member.boundaries) == quiet

    def test_unknown_time_zone_is_refused(self, member):
        with pytest.raises(Refused) as caught:
            boundaries_update(user=member, time_zone="Mars/Olympus")
        assert "time_zone" in caught.value.detail["fields"]


class TestPact:
    def test_acceptance_opens_the_pact_for_both(self, connected):
        sender, recipient, connection = connected
        pact = items(connection)
        assert set(pact) == {
            ("first_message", sender.pk),
            ("first_message", recipient.pk),
            ("first_exchange", None),
        }
        # Due at 23:59:59 local, 7 (30) calendar days on: from a connection made in a day's
        # last second that is a fraction of a second under 7 (30) days.
        second = timedelta(seconds=1)
        first = pact[("first_message", sender.pk)]
        assert timedelta(days=7) - second < first.due_at - connection.created_at < timedelta(days=8)
        exchange = pact[("first_exchange", None)]
        gap = exchange.due_at - connection.created_at
        assert timedelta(days=30) - second < gap < timedelta(days=31)
        assert Tie.objects.filter(connection=connection).count() == 2

    def test_low_bandwidth_party_gets_double_and_the_pair_the_later(self, member):
        sender, recipient, mutual = make_pair()
        boundaries_update(user=recipient, low_bandwidth=True)
        invitation = send(sender, recipient, mutual)
        connection = invitation_accept(member=recipient, invitation_id=invitation.pk)
        pact = items(connection)
        theirs = pact[("first_message", recipient.pk)].due_at - connection.created_at
        mine = pact[("first_message", sender.pk)].due_at - connection.created_at
        assert theirs.days == mine.days + 7
        assert (pact[("first_exchange", None)].due_at - connection.created_at).days >= 60

    def test_pact_open_is_idempotent(self, connected, django_capture_on_commit_callbacks):
        _, _, connection = connected
        opened = set(Obligation.objects.filter(connection=connection).values_list("pk", flat=True))
        with django_capture_on_commit_callbacks() as callbacks:
            again = services.pact_open(connection=connection)
        assert Obligation.objects.filter(connection=connection).count() == 3
        assert {o.pk for o in again} == opened  # the same three, the pair's included
        assert callbacks == []  # and no nudge scheduled a second time

    def test_a_message_fulfils_only_the_senders_first_message(self, connected):
        sender, recipient, connection = connected
        interaction = message(sender, recipient, timezone.now(), 1)
        pact = items(connection)
        assert pact[("first_message", sender.pk)].fulfilled_by_id == interaction.pk
        assert pact[("first_message", recipient.pk)].fulfilled_at is None
        assert pact[("first_exchange", None)].fulfilled_at is None

    def test_messages_both_ways_fulfil_the_exchange_and_plan_check_ins(self, connected):
        sender, recipient, connection = connected
        message(sender, recipient, timezone.now(), 1)
        reply = message(recipient, sender, timezone.now(), 2)
        pact = items(connection)
        assert pact[("first_message", recipient.pk)].fulfilled_at is not None
        assert pact[("first_exchange", None)].fulfilled_by_id == reply.pk
        check_ins = Obligation.objects.filter(connection=connection, kind="check_in")
        assert {o.party_id for o in check_ins} == {sender.pk, recipient.pk}
        for check_in in check_ins:
            assert check_in.due_at > timezone.now() + timedelta(days=13)

    def test_a_meeting_fulfils_the_next_check_in_and_plans_another(self, connected):
        sender, recipient, connection = connected
        message(sender, recipient, timezone.now(), 1)
        message(recipient, sender, timezone.now(), 2)
        first = Obligation.objects.get(connection=connection, kind="check_in", party=sender)
        # A check-in is met by a later contact: let a few days pass.
        Obligation.objects.filter(kind="check_in").update(
            opened_at=timezone.now() - timedelta(days=5), due_at=F("due_at") - timedelta(days=5)
        )
        services.interaction_log(
            member=recipient, connection_id=connection.pk, kind="meeting", at=timezone.now()
        )
        first.refresh_from_db()
        assert first.fulfilled_at is not None
        assert (
            Obligation.objects.filter(
                connection=connection, kind="check_in", party=sender, fulfilled_at__isnull=True
            ).count()
            == 1
        )

    def test_more_of_the_same_conversation_is_not_a_check_in(self, connected):
        sender, recipient, connection = connected
        message(sender, recipient, timezone.now(), 1)
        message(recipient, sender, timezone.now(), 2)
        message(sender, recipient, timezone.now(), 3)
        assert not Obligation.objects.filter(
            connection=connection, kind="check_in", fulfilled_at__isnull=False
        ).exists()

    def test_recording_twice_counts_once(self, connected):
        sender, recipient, _ = connected
        at = timezone.now()
        assert message(sender, recipient, at, 7).pk == message(sender, recipient, at, 7).pk
        assert Interaction.objects.count() == 1

    def test_interactions_between_strangers_are_not_recorded(self, member, other):
        assert message(member, other, timezone.now(), 1) is None

    def test_rest_stops_check_ins_and_wake_resumes(self, connected):
        sender, recipient, connection = connected
        message(sender, recipient, timezone.now(), 1)
        message(recipient, sender, timezone.now(), 2)
        tie = services.connection_rest(member=sender, connection_id=connection.pk)
        assert tie.state == "resting"
        assert not Obligation.objects.filter(
            connection=connection,
            party=sender,
            kind="check_in",
            cancelled_at__isnull=True,
            fulfilled_at__isnull=True,
        ).exists()
        services.connection_rest(member=sender, connection_id=connection.pk, resting=False)
        assert (
            Obligation.objects.filter(
                connection=connection,
                party=sender,
                kind="check_in",
                cancelled_at__isnull=True,
                fulfilled_at__isnull=True,
            ).count()
            == 1
        )

    def test_only_your_own_connections(self, connected, other):
        _, _, connection = connected
        with pytest.raises(NotFound):
            services.connection_rest(member=other, connection_id=connection.pk)
        with pytest.raises(NotFound):
            services.interaction_log(
                member=other, connection_id=connection.pk, kind="call", at=timezone.now()
            )

    @pytest.mark.parametrize(
        ("kind", "shift", "field"),
        [
            ("lunch", timedelta(0), "kind"),
            ("call", timedelta(days=2), "at"),
            ("call", -timedelta(days=400), "at"),
        ],
    )
    def test_logging_refusals(self, connected, kind, shift, field):
        sender, _, connection = connected
        with pytest.raises(Refused) as caught:
            services.interaction_log(
                member=sender, connection_id=connection.pk, kind=kind, at=timezone.now() + shift
            )
        assert field in caught.value.detail["fields"]
        assert Interaction.objects.count() == 0


class TestNudges:
    def _overdue(self, connection):
        Obligation.objects.filter(connection=connection).update(
            due_at=timezone.now() + timedelta(hours=2)
        )

    def test_sweep_nudges_each_owing_member_once_with_an_email(
        self, connected, django_capture_on_commit_callbacks
    ):
        sender, _recipient, connection = connected
        self._overdue(connection)
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            created = services.nudges_send_due()
        # Each party's hello, and the pair's exchange for both: four nudges.
        assert created == 4
        assert services.nudges_send_due() == 0
        nudges = Notification.objects.filter(kind__startswith="nudge_")
        assert nudges.count() == 4
        assert len(mail.outbox) == 4
        titles = sorted(nudges.filter(member=sender).values_list("title", flat=True))
        assert titles == [
            "Say hello to Thandi Mokoena",
            "Start a real conversation with Thandi Mokoena",
        ]

    def test_a_worker_killed_mid_batch_neither_loses_nor_repeats(self, connected, monkeypatch):
        _sender, _recipient, connection = connected
        self._overdue(connection)
        original = services.obligation_nudge
        calls = {"n": 0}

        def dies_on_the_third(**kwargs):
            calls["n"] += 1
            if calls["n"] == 3:
                raise SystemExit("worker killed")
            return original(**kwargs)

        monkeypatch.setattr(services, "obligation_nudge", dies_on_the_third)
        with pytest.raises(SystemExit):
            services.nudges_send_due()
        assert nudges().count() == 2
        monkeypatch.setattr(services, "obligation_nudge", original)
        services.nudges_send_due()
        assert nudges().count() == 4
        keys = list(nudges().values_list("key", flat=True))
        assert len(keys) == len(set(keys))

    def test_no_nudge_when_met_resting_blocked_or_quiet(self, connected):
        sender, recipient, connection = connected
        self._overdue(connection)
        message(sender, recipient, timezone.now(), 1)
        first = Obligation.objects.get(connection=connection, kind="first_message", party=sender)
        assert services.obligation_nudge(obligation_id=first.pk, member_id=sender.pk) is None
        exchange = Obligation.objects.get(connection=connection, kind="first_exchange")
        boundaries_update(user=recipient, quiet_until=timezone.now() + timedelta(days=2))
        assert services.obligation_nudge(obligation_id=exchange.pk, member_id=recipient.pk) is None
        services.connection_rest(member=sender, connection_id=connection.pk)
        assert services.obligation_nudge(obligation_id=exchange.pk, member_id=sender.pk) is None
        block_create(blocker=recipient, blocked=sender)
        assert nudges().count() == 0

    def test_email_is_sent_at_most_once(self, connected, django_capture_on_commit_callbacks):
        sender, _, connection = connected
        self._overdue(connection)
        with django_capture_on_commit_callbacks(execute=True):
            services.nudges_send_due()
        notification = nudges().filter(member=sender).first()
        assert notification is not None
        assert notification.emailed_at is not None
        mail.outbox.clear()
        assert delivery.notification_email_send(notification_id=notification.pk) is False
        assert mail.outbox == []


class TestStatus:
    """`Obligation.status(now)`: the one reading of a pact item, for the pages, the insights
    and the API."""

    def test_each_status(self, connected):
        sender, _, connection = connected
        first = items(connection)[("first_message", sender.pk)]
        due = first.due_at
        assert first.status(due - timedelta(hours=1)) == "open"
        assert first.status(due) == "open"  # due at 23:59:59: not overdue until after it
        assert first.status(due + timedelta(seconds=1)) == "overdue"
        first.fulfilled_at = due
        assert first.status(due + timedelta(days=3)) == "met"
        first.fulfilled_at = due + timedelta(seconds=1)
        assert first.status(due + timedelta(days=3)) == "late"
        first.fulfilled_at, first.cancelled_at = None, due - timedelta(days=1)
        assert first.status(due + timedelta(days=3)) == "cancelled"

    def test_the_api_reports_an_overdue_and_a_met_item(self, connected, client):
        sender, recipient, connection = connected
        message(sender, recipient, connection.created_at + timedelta(minutes=1), 1)
        Obligation.objects.filter(connection=connection, party=recipient).update(
            due_at=timezone.now() - timedelta(minutes=1)
        )
        client.force_login(sender)
        pact = client.get(f"/api/connections/{connection.pk}").json()["pact"]
        by_party = {(p["kind"], p["party_id"]): p["status"] for p in pact}
        assert by_party[("first_message", sender.pk)] == "met"
        assert by_party[("first_message", recipient.pk)] == "overdue"
        assert by_party[("first_exchange", None)] == "open"


class TestMetBy:
    """`services.obligation_met_by`: the one rule the pact and mentorship check-ins use."""

    def test_a_mentor_check_in_is_met_by_a_call_for_both_and_a_message_for_its_sender(
        self, connected
    ):
        sender, recipient, connection = connected
        at = connection.created_at + timedelta(days=2)
        checkins = services.mentor_checkins_plan(
            connection=connection,
            party_ids=(sender.pk, recipient.pk),
            every_days=7,
            for_days=14,
            at=connection.created_at,
        )
        assert len(checkins) == 4  # two each, one per week
        first_of = {o.party_id: o for o in checkins if o.opened_at == connection.created_at}
        note = Interaction(actor=sender, counterpart=recipient, kind="message", at=at)
        assert services.obligation_met_by(first_of[sender.pk], note)
        assert not services.obligation_met_by(first_of[recipient.pk], note)
        call = Interaction(actor=sender, counterpart=recipient, kind="call", at=at)
        assert services.obligation_met_by(first_of[recipient.pk], call)
        before = Interaction(
            actor=sender,
            counterpart=recipient,
            kind="call",
            at=connection.created_at - timedelta(1),
        )
        assert not services.obligation_met_by(first_of[sender.pk], before)

    def test_reconcile_and_cancel_write_the_check_ins(self, connected):
        sender, recipient, connection = connected
        start = connection.created_at
        pair = (sender.pk, recipient.pk)
        services.mentor_checkins_plan(
            connection=connection, party_ids=pair, every_days=7, for_days=21, at=start
        )
        Interaction.objects.create(
            actor=recipient, counterpart=sender, kind="message", weight=1, at=start, source_key="x"
        )
        assert (
            services.mentor_checkins_reconcile(
                connection_id=connection.pk, party_ids=pair, since=start
            )
            == 1
        )
        cancelled = services.mentor_checkins_cancel(
            connection_id=connection.pk, party_ids=pair, since=start, at=start + timedelta(days=8)
        )
        assert cancelled == 4  # the two of weeks two and three, each party's
        kept = Obligation.objects.filter(
            connection=connection, kind="mentor_check_in", cancelled_at__isnull=True
        )
        assert sorted(o.status(start + timedelta(days=8)) for o in kept) == ["met", "overdue"]
