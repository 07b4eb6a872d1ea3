"""`mutuals sweep` catches up what a stopped worker missed, and changes nothing when rerun."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from mutuals.accounts.tests.factories import make_member
from mutuals.connections.models import Invitation
from mutuals.connections.tests.factories import make_pair, send
from mutuals.engagement.models import Notification
from mutuals.rights.models import DataExport, ExportStatus

pytestmark = pytest.mark.django_db


def test_sweep_expires_and_is_idempotent(capsys):
    sender, recipient, mutual = make_pair()
    invitation = send(sender, recipient, mutual)
    Invitation.objects.filter(pk=invitation.pk).update(
        deliver_at=timezone.now() - timedelta(days=31)
    )
    call_command("sweep")
    assert "expired 1" in capsys.readouterr().out
    invitation.refresh_from_db()
    assert invitation.state == "expired"
    call_command("sweep")
    assert (
        "delivered 0 queued requests, expired 0, sent 0 nudges, told 0 members of pact items "
        "missed, completed 0 mentorships" in capsys.readouterr().out
    )
    # The request's delivery told Thandi; the sweep itself nudged nobody.
    assert Notification.objects.filter(kind__startswith="nudge_").count() == 0


def test_sweep_completes_a_mentorship_past_its_end_date(capsys):
    """The hourly pass is also the safety net for mentorships whose end-date task was lost."""
    from mutuals.mentorship.models import Mentorship
    from mutuals.mentorship.tests.factories import active, make_mentee, make_mentor

    _, offer = make_mentor()
    mentorship = active(make_mentee(), offer)
    Mentorship.objects.filter(pk=mentorship.pk).update(ends_at=timezone.now() - timedelta(hours=1))
    call_command("sweep")
    assert "completed 1 mentorships" in capsys.readouterr().out
    mentorship.refresh_from_db()
    assert mentorship.state == "completed"
    call_command("sweep")
    assert "completed 0 mentorships" in capsys.readouterr().out


def test_sweep_lets_a_relationship_that_went_silent_fade(capsys):
    """Strength decays with silence, which no event announces: ties computed more than a day
    ago are recomputed by the hourly pass, and a second pass finds nothing to do."""
    from mutuals.accounts.tests.factories import make_member
    from mutuals.connections.services import connection_create
    from mutuals.engagement.models import Tie
    from mutuals.engagement.services import interaction_record
    from mutuals.engagement.ties import ties_recompute

    now = timezone.now()
    ada, ben = make_member(name="Ada Obi"), make_member(name="Ben Cho")
    connection_create(member=ada, other=ben, at=now - timedelta(days=400))
    for week in range(30):  # weekly for thirty weeks, the last 100 days ago
        at = now - timedelta(days=100 + 7 * week)
        interaction_record(actor=ada, counterpart=ben, kind="message", at=at, source_key=f"m{week}")
        interaction_record(
            actor=ben,
            counterpart=ada,
            kind="reply",
            at=at + timedelta(hours=2),
            source_key=f"r{week}",
        )
    then = now - timedelta(days=100)
    for member in (ada, ben):
        ties_recompute(member_id=member.pk, now=then)
    before = Tie.objects.get(member=ada).strength

    call_command("sweep")
    assert "recomputed the ties of 2 members" in capsys.readouterr().out
    after = Tie.objects.get(member=ada)
    assert after.strength < before / 2, (before, after.strength)
    assert after.computed_at is not None
    assert after.computed_at > now - timedelta(minutes=5)
    assert Tie.objects.get(member=ben).strength == pytest.approx(after.strength)

    call_command("sweep")
    assert "recomputed the ties of 0 members" in capsys.readouterr().out


def test_sweep_drops_data_exports_whose_link_expired(capsys):
    member = make_member(name="Sam Okafor")
    now = timezone.now()
    export = DataExport.objects.create(
        member=member,
        base_url="http://x",
        requested_at=now - timedelta(days=8),
        status=ExportStatus.READY,
        content=b"zip",
        expires_at=now - timedelta(hours=1),
    )
    call_command("sweep")
    assert "dropped 1 expired data exports and" in capsys.readouterr().out
    export.refresh_from_db()
    assert (export.status, export.content) == (ExportStatus.EXPIRED, None)
    call_command("sweep")
    assert "dropped 0 expired data exports and" in capsys.readouterr().out


def test_sweep_resumes_a_data_export_whose_worker_stopped(capsys):
    member = make_member(name="Sam Okafor")
    export = DataExport.objects.create(
        member=member,
        base_url="http://x",
        requested_at=timezone.now() - timedelta(hours=2),
    )
    call_command("sweep")
    assert "resumed 1 stalled ones" in capsys.readouterr().out
    export.refresh_from_db()
    assert export.status == ExportStatus.READY
    call_command("sweep")
    assert "resumed 0 stalled ones" in capsys.readouterr().out


def test_sweep_lifts_a_suspension_whose_end_has_come(capsys):
    from mutuals.accounts.models import User
    from mutuals.moderation.models import ModerationAction, Suspension
    from mutuals.moderation.services import member_suspend
    from mutuals.moderation.tests.factories import make_moderator

    member = make_member(name="Ben Carter")
    member_suspend(moderator=make_moderator(), member_id=member.pk, days=1, reason="Spam")
    call_command("sweep")
    assert "lifted 0 suspensions that ended" in capsys.readouterr().out
    an_hour_ago = timezone.now() - timedelta(hours=1)
    Suspension.objects.update(starts_at=an_hour_ago - timedelta(days=1), ends_at=an_hour_ago)
    call_command("sweep")
    assert "lifted 1 suspensions that ended" in capsys.readouterr().out
    assert User.objects.get(pk=member.pk).is_active
    assert ModerationAction.objects.filter(action="restore", moderator=None).count() == 1
    call_command("sweep")
    assert "lifted 0 suspensions that ended" in capsys.readouterr().out


def test_sweep_queues_again_a_task_whose_worker_was_killed(capsys, tmp_path):
    """A worker killed with `kill -9` mid-task left the row RUNNING for ever (the local
    cluster's test, issue 21): after an hour the sweep hands it back to the queue, except the
    imports' and exports' tasks, which recover by their own rules."""
    from django.test import override_settings
    from django_tasks_db.models import DBTaskResult

    from mutuals.core.tests.worker_tasks import record_run
    from mutuals.imports.tasks import import_linkedin

    tracing = {"default": {"BACKEND": "mutuals.core.tasks.RequestTracingBackend"}}
    with override_settings(TASKS=tracing):
        lost = record_run.enqueue(1, str(tmp_path / "runs")).id
        busy = record_run.enqueue(2, str(tmp_path / "runs")).id
        own_recovery = import_linkedin.enqueue(3).id
    now = timezone.now()
    DBTaskResult.objects.filter(pk__in=[lost, own_recovery]).update(
        status="RUNNING", started_at=now - timedelta(hours=2), worker_ids=["killed"]
    )
    DBTaskResult.objects.filter(pk=busy).update(
        status="RUNNING", started_at=now - timedelta(minutes=5), worker_ids=["alive"]
    )
    call_command("sweep")
    assert "queued again 1 tasks whose worker stopped" in capsys.readouterr().out
    states = {str(pk): status for pk, status in DBTaskResult.objects.values_list("pk", "status")}
    assert states == {lost: "READY", busy: "RUNNING", own_recovery: "RUNNING"}
    assert DBTaskResult.objects.ready().filter(pk=lost).exists()  # a worker takes it again
