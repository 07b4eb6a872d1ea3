"""`mutuals sweep`: the periodic pass (run it hourly from cron or a systemd timer).

Deferred tasks already deliver queued requests, expire old ones and nudge on time; the sweep
catches whatever a stopped worker missed, and recomputes ties computed more than a day ago
(strength fades with silence, which no event announces). Every step is idempotent, so
running it often changes nothing more; when several hosts run it from their timers, one pass
runs at a time and the others stop at once (an advisory lock, `core.locks`).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from mutuals.connections.models import Invitation, InvitationState
from mutuals.connections.services import invitation_expire_if_due, invitations_deliver_due
from mutuals.core.locks import held_exclusively
from mutuals.engagement.notifications import notification_emails_send_due
from mutuals.engagement.services import nudges_send_due
from mutuals.engagement.ties import ties_refresh_stale
from mutuals.events.services.reminders import event_reminders_send_due
from mutuals.imports.services import imports_recover_stalled
from mutuals.mentorship.services.mentorships import mentorships_sweep
from mutuals.rights.services import exports_expire, exports_resume_stalled
from mutuals.search.documents import member_documents_missing


class Command(BaseCommand):
    help = (
        "Deliver due requests, expire old ones, send due nudges and e-mails held by a quiet "
        "period, end mentorships past their end date, remind those going to events, "
        "recompute ties a day old, queue again (or fail) imports whose worker stopped, drop "
        "data exports whose link expired and resume those whose worker stopped, write missing "
        "search documents (idempotent; "
        "run hourly)."
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
        completed = mentorships_sweep()
        reminded = event_reminders_send_due()
        emailed = notification_emails_send_due()
        refreshed = ties_refresh_stale()
        requeued, stopped = imports_recover_stalled()
        exports = exports_expire()
        resumed = exports_resume_stalled()
        documents = member_documents_missing()
        self.stdout.write(
            f"delivered {delivered} queued requests, expired {expired}, sent {nudged} nudges, "
            f"completed {completed} mentorships, reminded {reminded} people of events, "
            f"e-mailed {emailed} notifications, "
            f"recomputed the ties of {refreshed} members, "
            f"queued {requeued} stopped imports again and failed {stopped}, "
            f"dropped {exports} expired data exports and resumed {resumed} stalled ones, "
            f"wrote the search documents of {documents} members who had none"
        )
