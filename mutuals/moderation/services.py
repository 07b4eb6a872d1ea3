"""Every write of moderation: members' reports, moderators' actions, suspensions.

Rules, in the order they are checked:

- **Reporting** (`report_create`): the item must be one the reporter may see (each app's own
  access rule, `targets.target_for_reporter`: `not_found` otherwise, so a report reveals
  nothing); not one's own (`cannot_report_own_<kind>` / `cannot_report_yourself`, 422); a
  reason from `ReportReason`, a note under 500 characters, required for "other"
  (`invalid_fields`); one open report per reporter and item (`already_reported`, 409, the
  database's constraint behind it). A request to connect that is still open is closed as
  reported (spam) through `connections.services.invitation_report`, which cuts the sender's
  allowance as before. The reported member is never told.
- **Acting** needs the moderator role (`not_moderator`, 403), a report that is still open
  to dismiss it (`report_closed`, 409), an item that can be hidden to hide it
  (`not_hideable`, 422); a suspension is never of oneself (`cannot_suspend_yourself`) or of
  a moderator (`cannot_suspend_moderator`), never doubled (`already_suspended`, 409), and a
  restore needs a current suspension (`not_suspended`, 409). Every action writes one
  `ModerationAction` with the moderator and the reason given, in the same transaction.
- **Suspension** sets `User.is_active` False (sign-in, API tokens, sessions, the directory,
  searches, suggestions and the graph all leave inactive members out) and tells the graph;
  restoring, by a moderator or by `suspensions_lift_due` when its time has come (the
  sweep), sets it back.
- **What decisions count** (docs/design.md §4, "Reports and moderation"): a report waiting
  for a moderator counts against nobody, except a request to connect reported as spam, which
  cuts its sender's allowance at once (the recipient's word, as before) — and no longer does
  once a moderator dismisses the report. A report upheld — the item hidden, the member warned
  or suspended with it — cuts the reported member's allowance by one report for 90 days
  (`selectors.report_outcomes_of`, registered with `connections.invitations`); showing a
  hidden item again undoes it. A reporter is never cut for a report dismissed. A suspension
  pauses every open pact item on the member's connections, theirs and the other side's
  (`engagement.pact_pauses.pact_pause`: nobody is scored for a pact they could not keep with
  someone suspended); a restore, by a moderator or by the sweep, reopens them with their
  deadlines pushed back by the time paused (`pact_resume`). What cannot be reversed: a
  warning sent, a request closed as reported.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth.models import Permission
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from mutuals.accounts.models import User
from mutuals.connections.models import Invitation, InvitationState, ReportKind
from mutuals.connections.moments import InvitationMoment
from mutuals.connections.services import invitation_report
from mutuals.core import graph_changes
from mutuals.core.errors import Conflict, NotAllowed, NotFound, Refused
from mutuals.engagement.notifications import notify
from mutuals.engagement.pact_pauses import pact_pause, pact_resume
from mutuals.feed.services import comment_set_hidden, post_set_hidden
from mutuals.messaging.services import message_set_hidden
from mutuals.moderation.models import (
    HIDEABLE,
    MAX_NOTE_LENGTH,
    MAX_REASON_LENGTH,
    ActionKind,
    ModerationAction,
    Report,
    ReportReason,
    ReportStatus,
    Suspension,
    TargetKind,
)
from mutuals.moderation.selectors import moderators
from mutuals.moderation.targets import target_for_reporter

PERMISSION = "moderation.moderate"
MAX_SUSPENSION_DAYS = 3650
MAX_WARNING_LENGTH = 1000

_OWN = {
    TargetKind.MEMBER: ("You cannot report yourself.", "cannot_report_yourself"),
    TargetKind.MESSAGE: ("You cannot report your own message.", "cannot_report_own_message"),
    TargetKind.POST: ("You cannot report your own post.", "cannot_report_own_post"),
    TargetKind.COMMENT: ("You cannot report your own comment.", "cannot_report_own_comment"),
}


def is_moderator(member: User) -> bool:
    """A signed-in, active member holding the moderator permission (superusers hold all)."""
    return bool(member.is_active and member.has_perm(PERMISSION))


def moderator_required(member: User) -> User:
    """The member, if a moderator; `not_moderator` (403) otherwise."""
    if not is_moderator(member):
        raise NotAllowed("Only moderators can do this.", code="not_moderator")
    return member


def _clean(text: str) -> str:
    return " ".join((text or "").split())


def _reason(text: str, field: str = "reason", limit: int = MAX_REASON_LENGTH) -> str:
    cleaned = (text or "").strip()
    if not cleaned:
        raise Refused.for_fields({field: ["Say why, for the record."]})
    if len(cleaned) > limit:
        raise Refused.for_fields({field: [f"Keep it under {limit} characters."]})
    return cleaned


# --- Reports -------------------------------------------------------------------------------


@transaction.atomic
def report_create(
    *, reporter: User, kind: str, target_id: int, reason: str, note: str = ""
) -> Report:
    """A member reports an item to the moderators (the rules: the module's docstring)."""
    target = target_for_reporter(reporter, kind, target_id)
    if target.about.pk == reporter.pk:
        message, code = _OWN.get(
            target.kind, ("You cannot report yourself.", "cannot_report_yourself")
        )
        raise Refused(message, code=code)
    errors: dict[str, list[str]] = {}
    if reason not in ReportReason.values:
        errors["reason"] = ["Choose a reason."]
    note = _clean(note)
    if len(note) > MAX_NOTE_LENGTH:
        errors["note"] = [f"Keep the note under {MAX_NOTE_LENGTH} characters."]
    if reason == ReportReason.OTHER and not note:
        errors["note"] = ["Say in a few words what is wrong."]
    if errors:
        raise Refused.for_fields(errors)
    try:
        with transaction.atomic():
            report = Report.objects.create(
                reporter=reporter,
                reported=target.about,
                target_kind=target.kind,
                target_id=target.id,
                reason=reason,
                note=note,
                excerpt=target.excerpt,
                created_at=timezone.now(),
            )
    except IntegrityError as exc:
        raise Conflict(
            "You have already reported this; the moderators will look at it.",
            code="already_reported",
        ) from exc
    if target.kind == TargetKind.INVITATION:
        _close_reported_invitation(reporter, target.id)
    _tell_moderators(report)
    return report


def _tell_moderators(report: Report) -> None:
    """Each moderator hears of a new report (never one about themselves, never their own);
    the notification names the kind of item and the reason, not who reported it."""
    for moderator in moderators().exclude(pk__in=[report.reporter_id, report.reported_id]):
        notify(
            member=moderator,
            key=f"moderation-report:{report.pk}",
            kind="moderation_report",
            title=f"New report: {report.get_target_kind_display().lower()}, "
            f"{report.get_reason_display().lower()}",
            url=reverse("moderation_report", args=[report.pk]),
        )


def _close_reported_invitation(reporter: User, invitation_id: int) -> None:
    """A request still open closes as reported (spam), which cuts its sender's allowance; the
    moment's listener below finds this report already filed."""
    still_open = Invitation.objects.filter(
        pk=invitation_id, state__in=[InvitationState.PENDING, InvitationState.IGNORED]
    ).exists()
    if still_open:
        invitation_report(member=reporter, invitation_id=invitation_id, kind=ReportKind.SPAM)


def invitation_reported_listen(*, invitation: Invitation, moment: InvitationMoment) -> None:
    """Registered with `connections.moments`: a request reported as spam (on the requests
    page or `POST /api/invitations/{id}/report`) reaches the moderators' queue as a report
    of the request, unless its recipient already filed one. "I don't know this person" only
    cuts the allowance: it says nothing against the sender a moderator could act on."""
    if moment != InvitationMoment.REPORTED or invitation.report_kind != ReportKind.SPAM:
        return
    filed = Report.objects.filter(
        reporter_id=invitation.recipient_id,
        target_kind=TargetKind.INVITATION,
        target_id=invitation.pk,
        status=ReportStatus.OPEN,
    ).exists()
    if not filed:
        report = Report.objects.create(
            reporter_id=invitation.recipient_id,
            reported_id=invitation.sender_id,
            target_kind=TargetKind.INVITATION,
            target_id=invitation.pk,
            reason=ReportReason.SPAM,
            excerpt=invitation.message[:1000],
            created_at=timezone.now(),
        )
        _tell_moderators(report)


# --- Moderators' actions --------------------------------------------------------------------


def _report_for_moderator(report_id: int) -> Report:
    report = Report.objects.select_for_update().filter(pk=report_id).first()
    if report is None:
        raise NotFound("No such report.")
    return report


def _close_item_reports(report: Report, moderator: User | None, now: datetime) -> int:
    """Close every open report of the report's item as acted on."""
    return Report.objects.filter(
        target_kind=report.target_kind, target_id=report.target_id, status=ReportStatus.OPEN
    ).update(status=ReportStatus.ACTIONED, resolved_at=now, resolved_by=moderator)


def _log(
    *,
    moderator: User | None,
    action: ActionKind,
    reason: str,
    member_id: int | None = None,
    report: Report | None = None,
    until: datetime | None = None,
    now: datetime | None = None,
) -> ModerationAction:
    return ModerationAction.objects.create(
        moderator=moderator,
        action=action,
        member_id=member_id if member_id is not None else (report.reported_id if report else None),
        report=report,
        target_kind=report.target_kind if report else "",
        target_id=report.target_id if report else None,
        reason=reason,
        until=until,
        created_at=now or timezone.now(),
    )


@transaction.atomic
def report_dismiss(*, moderator: User, report_id: int, reason: str) -> ModerationAction:
    """Close an open report with no action on its item (the item stays as it is). It counts
    against nobody: the report of a request to connect, which cut its sender's allowance
    when it was filed, no longer does (`selectors.report_outcomes_of`)."""
    moderator_required(moderator)
    report = _report_for_moderator(report_id)
    reason = _reason(reason)
    if report.status != ReportStatus.OPEN:
        raise Conflict(
            "This report was already closed.",
            code="report_closed",
            detail={"status": report.status},
        )
    now = timezone.now()
    Report.objects.filter(pk=report.pk).update(
        status=ReportStatus.DISMISSED, resolved_at=now, resolved_by=moderator
    )
    report.status = ReportStatus.DISMISSED
    return _log(
        moderator=moderator, action=ActionKind.DISMISS, reason=reason, report=report, now=now
    )


_HIDERS = {
    TargetKind.POST: lambda pk, hidden: post_set_hidden(post_id=pk, hidden=hidden),
    TargetKind.COMMENT: lambda pk, hidden: comment_set_hidden(comment_id=pk, hidden=hidden),
    TargetKind.MESSAGE: lambda pk, hidden: message_set_hidden(message_id=pk, hidden=hidden),
}


def _set_hidden(report: Report, hidden: bool) -> bool:
    if report.target_kind not in HIDEABLE:
        raise Refused("Only a post, a comment or a message can be hidden.", code="not_hideable")
    return bool(_HIDERS[TargetKind(report.target_kind)](report.target_id, hidden))


@transaction.atomic
def content_hide(*, moderator: User, report_id: int, reason: str) -> ModerationAction:
    """Hide the reported post, comment or message: it disappears for everyone but its author
    and stays for the record. Every open report of it closes as acted on."""
    moderator_required(moderator)
    report = _report_for_moderator(report_id)
    reason = _reason(reason)
    if not _set_hidden(report, hidden=True):
        raise Conflict("That is already hidden.", code="already_hidden")
    now = timezone.now()
    _close_item_reports(report, moderator, now)
    return _log(moderator=moderator, action=ActionKind.HIDE, reason=reason, report=report, now=now)


@transaction.atomic
def content_restore(*, moderator: User, report_id: int, reason: str) -> ModerationAction:
    """Show again an item a moderator hid. Its reports stay closed (the reporters were told
    they were reviewed), but the hiding is undone: they no longer count against its author
    (`overturned_at`)."""
    moderator_required(moderator)
    report = _report_for_moderator(report_id)
    reason = _reason(reason)
    if not _set_hidden(report, hidden=False):
        raise Conflict("That is not hidden.", code="not_hidden")
    Report.objects.filter(
        target_kind=report.target_kind,
        target_id=report.target_id,
        status=ReportStatus.ACTIONED,
        overturned_at__isnull=True,
    ).update(overturned_at=timezone.now())
    return _log(moderator=moderator, action=ActionKind.UNHIDE, reason=reason, report=report)


def _member_for_moderator(member_id: int) -> User:
    member = User.objects.filter(pk=member_id).first()
    if member is None:
        raise NotFound("That member was not found.")
    return member


def _report_about(member: User, report_id: int | None) -> Report | None:
    """The report an action on a member answers: one about that member."""
    if report_id is None:
        return None
    report = _report_for_moderator(report_id)
    if report.reported_id != member.pk:
        raise Refused.for_fields({"report_id": ["That report is not about this member."]})
    return report


@transaction.atomic
def member_warn(
    *, moderator: User, member_id: int, message: str, report_id: int | None = None
) -> ModerationAction:
    """Send the member a warning in the moderators' name (a notification, e-mailed like any
    other); it never names who reported them. The report, if given, closes as acted on."""
    moderator_required(moderator)
    member = _member_for_moderator(member_id)
    report = _report_about(member, report_id)
    message = _reason(message, field="message", limit=MAX_WARNING_LENGTH)
    now = timezone.now()
    if report is not None:
        _close_item_reports(report, moderator, now)
    action = _log(
        moderator=moderator,
        action=ActionKind.WARN,
        reason=message,
        member_id=member.pk,
        report=report,
        now=now,
    )
    notify(
        member=member,
        key=f"moderation-warning:{action.pk}",
        kind="moderation_warning",
        title="A warning from the moderators",
        body=message,
        url=reverse("notifications"),
    )
    return action


@transaction.atomic
def member_suspend(
    *,
    moderator: User,
    member_id: int,
    days: int | None,
    reason: str,
    report_id: int | None = None,
) -> Suspension:
    """Suspend a member for `days` (1–3650) or for good (`None`): they cannot sign in or use
    their tokens, and disappear from the directory, searches, suggestions and the graph until
    restored."""
    moderator_required(moderator)
    member = User.objects.select_for_update().filter(pk=member_id).first()
    if member is None:
        raise NotFound("That member was not found.")
    report = _report_about(member, report_id)
    reason = _reason(reason)
    if days is not None and not 1 <= days <= MAX_SUSPENSION_DAYS:
        raise Refused.for_fields(
            {"days": [f"Between 1 and {MAX_SUSPENSION_DAYS} days, or for good."]}
        )
    if member.pk == moderator.pk:
        raise Refused("You cannot suspend yourself.", code="cannot_suspend_yourself")
    if member.is_staff or is_moderator(member):
        raise Refused(
            "Moderators and staff cannot be suspended; ask staff to remove the role first.",
            code="cannot_suspend_moderator",
        )
    if Suspension.objects.filter(member=member, lifted_at__isnull=True).exists():
        raise Conflict("This member is already suspended.", code="already_suspended")
    if not member.is_active:
        raise Conflict("This member's account is not active.", code="member_inactive")
    now = timezone.now()
    until = now + timedelta(days=days) if days is not None else None
    suspension = Suspension.objects.create(
        member=member, starts_at=now, ends_at=until, reason=reason, created_by=moderator
    )
    User.objects.filter(pk=member.pk).update(is_active=False)
    graph_changes.member_changed(member_id=member.pk, fields={"active"})
    # Nobody is scored for a pact they cannot keep with someone suspended.
    pact_pause(member_id=member.pk, at=now)
    if report is not None:
        _close_item_reports(report, moderator, now)
    _log(
        moderator=moderator,
        action=ActionKind.SUSPEND,
        reason=reason,
        member_id=member.pk,
        report=report,
        until=until,
        now=now,
    )
    return suspension


def _lift(suspension: Suspension, *, by: User | None, reason: str, now: datetime) -> None:
    Suspension.objects.filter(pk=suspension.pk).update(lifted_at=now, lifted_by=by)
    User.objects.filter(pk=suspension.member_id).update(is_active=True)
    graph_changes.member_changed(member_id=suspension.member_id, fields={"active"})
    pact_resume(member_id=suspension.member_id, at=now)
    _log(
        moderator=by,
        action=ActionKind.RESTORE,
        reason=reason,
        member_id=suspension.member_id,
        now=now,
    )


@transaction.atomic
def member_restore(*, moderator: User, member_id: int, reason: str) -> Suspension:
    """Lift a member's current suspension before its end: they are back everywhere."""
    moderator_required(moderator)
    _member_for_moderator(member_id)
    reason = _reason(reason)
    suspension = (
        Suspension.objects.select_for_update()
        .filter(member_id=member_id, lifted_at__isnull=True)
        .first()
    )
    if suspension is None:
        raise Conflict("This member is not suspended.", code="not_suspended")
    now = timezone.now()
    _lift(suspension, by=moderator, reason=reason, now=now)
    suspension.lifted_at, suspension.lifted_by = now, moderator
    return suspension


def suspensions_lift_due(now: datetime | None = None) -> int:
    """Lift every suspension whose end has come (`mutuals sweep`; idempotent: each is lifted
    once, under its row's lock). Returns how many were lifted."""
    now = now or timezone.now()
    lifted = 0
    due = Suspension.objects.filter(lifted_at__isnull=True, ends_at__lte=now).values_list(
        "pk", flat=True
    )
    for pk in list(due):
        with transaction.atomic():
            suspension = (
                Suspension.objects.select_for_update()
                .filter(pk=pk, lifted_at__isnull=True, ends_at__lte=now)
                .first()
            )
            if suspension is not None:
                _lift(suspension, by=None, reason="The suspension ended.", now=now)
                lifted += 1
    return lifted


# --- The role -------------------------------------------------------------------------------


def _permission() -> Permission:
    return Permission.objects.get(content_type__app_label="moderation", codename="moderate")


def staff_required(member: User) -> None:
    if not (member.is_active and member.is_staff):
        raise NotAllowed("Only staff can give or take the moderator role.", code="not_staff")


@transaction.atomic
def moderator_grant(*, member: User, granted_by: User | None, reason: str) -> ModerationAction:
    """Make a member a moderator: by staff, or by the operator's command (`granted_by` None:
    `createmember --moderator`, registered as the role's grant with `accounts.roles`)."""
    if granted_by is not None:
        staff_required(granted_by)
    member.user_permissions.add(_permission())
    return _log(
        moderator=granted_by, action=ActionKind.GRANT, reason=_reason(reason), member_id=member.pk
    )


def moderator_grant_by_staff(*, staff: User, member_id: int, reason: str) -> ModerationAction:
    """Staff make an active member a moderator (`not_staff`, 403; `not_found`)."""
    staff_required(staff)
    member = User.objects.filter(pk=member_id, is_active=True).first()
    if member is None:
        raise NotFound("That member was not found.")
    return moderator_grant(member=member, granted_by=staff, reason=reason)


def moderator_grant_by_email(*, staff: User, email: str, reason: str) -> ModerationAction:
    """The same, naming the member by their e-mail address (the staff's page)."""
    staff_required(staff)
    member = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if member is None:
        raise NotFound("No active member has that e-mail address.")
    return moderator_grant(member=member, granted_by=staff, reason=reason)


@transaction.atomic
def moderator_revoke(*, revoked_by: User, member_id: int, reason: str) -> ModerationAction:
    """Staff take the role back (`not_staff`, 403; `not_found`)."""
    staff_required(revoked_by)
    member = _member_for_moderator(member_id)
    member.user_permissions.remove(_permission())
    return _log(
        moderator=revoked_by, action=ActionKind.REVOKE, reason=_reason(reason), member_id=member.pk
    )


def reports_erase_notes(member: User) -> None:
    """An erased member's reports stay for the moderators, without the notes they wrote
    (registered by the site as a step of `rights.erasure`)."""
    Report.objects.filter(reporter=member).update(note="")
