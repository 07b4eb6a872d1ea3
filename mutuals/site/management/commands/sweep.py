"""`mutuals sweep`: the periodic pass (run it hourly from cron or a systemd timer).

Deferred tasks already deliver queued requests, expire old ones and nudge on time; the sweep
catches whatever a stopped worker missed, fits the strength model's calibration to the
platform's history once a week, and recomputes ties computed more than a day ago or before
a changed calibration (strength fades with silence, which no event announces). Every step is
idempotent, so running it often changes nothing more; when several hosts run it from their
timers, one pass runs at a time and the others stop at once (an advisory lock, `core.locks`).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand

from mutuals.connections.models import Invitation, InvitationState
from mutuals.connections.services import invitation_expire_if_due, invitations_deliver_due
from mutuals.core.locks import held_exclusively
from mutuals.core.tasks import tasks_requeue_stale
from mutuals.engagement.delivery import notification_digests_send_due, notification_emails_send_due
from mutuals.engagement.notifications import obligations_missed_send_due
from mutuals.engagement.services import nudges_send_due
from mutuals.engagement.ties import strength_calibrate, ties_ensure_all, ties_refresh_stale
from mutuals.events.services.reminders import event_reminders_send_due
from mutuals.imports.services import imports_recover_stalled
from mutuals.imports.tasks import import_linkedin
from mutuals.mentorship.services.mentorships import mentorships_sweep
from mutuals.moderation.services import suspensions_lift_due
from mutuals.rights.erasure import deletions_erase_due
from mutuals.rights.services import exports_expire, exports_resume_stalled
from mutuals.rights.tasks import export_prepare_task
from mutuals.search.documents import member_documents_missing

# A task marked running for longer than this lost its worker (no task of mutuals runs for
# nearly so long); imports and exports have their own recovery.
TASK_STALE_AFTER = timedelta(hours=1)


class Command(BaseCommand):
    help = (
        "Deliver due requests, expire old ones, send due nudges, tell of pact items missed, "
        "send e-mails held by a quiet period and the daily digests due, end mentorships "
        "past their end date, remind those going to events, fit the strength calibration "
        "weekly, recompute ties a day old or older than a changed calibration, queue again "
        "(or fail) imports whose worker stopped, drop data exports whose link expired and "
        "resume those whose worker stopped, lift suspensions that ended, erase the accounts "
        "whose deletion grace period is over, queue again tasks running for over an hour "
        "(their worker stopped), write missing search documents (idempotent; run hourly)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        with held_exclusively("mutuals-sweep") as held:
            if not held:
                self.stdout.write("another sweep is running; this one did nothing")
                return
            self.sweep()

    def sweep(self) -> None:
        delivered = invitations_deliver_due()
        expired = sum(
            invitation_expire_if_due(invitation_id=pk)
            for pk in Invitation.objects.filter(
                state__in=[InvitationState.PENDING, InvitationState.IGNORED]
            ).values_list("pk", flat=True)
        )
        nudged = nudges_send_due()
        missed = obligations_missed_send_due()
        completed = mentorships_sweep()
        reminded = event_reminders_send_due()
        emailed = notification_emails_send_due()
        digests = notification_digests_send_due()
        ensured = ties_ensure_all()  # connections written in bulk: their rows, read by pages
        recalibrated = strength_calibrate()  # before the refresh: a change makes ties stale
        refreshed = ties_refresh_stale()
        requeued, stopped = imports_recover_stalled()
        exports = exports_expire()
        resumed = exports_resume_stalled()
        lifted = suspensions_lift_due()
        erased = deletions_erase_due()
        tasks = tasks_requeue_stale(
            older_than=TASK_STALE_AFTER,
            exclude=[import_linkedin.module_path, export_prepare_task.module_path],
        )
        documents = member_documents_missing()
        self.stdout.write(
            f"delivered {delivered} queued requests, expired {expired}, sent {nudged} nudges, "
            f"told {missed} members of pact items missed, "
            f"completed {completed} mentorships, reminded {reminded} people of events, "
            f"e-mailed {emailed} notifications and {digests} daily digests, "
            f"{'changed the strength calibration and ' if recalibrated else ''}"
            f"wrote {ensured} missing tie rows, recomputed the ties of {refreshed} members, "
            f"queued {requeued} stopped imports again and failed {stopped}, "
            f"dropped {exports} expired data exports and resumed {resumed} stalled ones, "
            f"lifted {lifted} suspensions that ended, erased {erased} deleted accounts, "
            f"queued again {tasks} tasks whose worker stopped, "
            f"wrote the search documents of {documents} members who had none"
        )
