"""How a notification reaches a member beyond the app (issue 17): their choice per kind, the
e-mail at once, the daily digest, and the one-click unsubscribe.

- **Kinds.** A member chooses, for each kind of notification (`KINDS`: connection requests,
  messages, the pact, …), one `Delivery`: in the app only, e-mail at once, a daily digest, or
  off (not told at all). A kind they never chose has its default: requests and messages by
  e-mail at once, comments and relationships gone quiet in the digest.
- **E-mail at once** follows the commit that made the notification; during a quiet period it
  waits for the end of it (`accounts.timezones.after_quiet`, the rule nudges follow). Each is
  claimed with a conditional update of `emailed_at` before it leaves, so it goes at most once;
  the choice is read again just before, so an unsubscribe stops what is already planned. New
  messages go in messaging's unread-messages e-mail instead (`EMAILED_ELSEWHERE`).
- **The daily digest** goes from 08:00 in the member's own time zone (`DIGEST_HOUR`) with the
  digest kinds that arrived before then and were neither read nor sent; one per member and
  local day (`NotificationDigest`, a unique row claimed before the e-mail leaves: a retried or
  killed worker never sends a second). A task is planned for the next 08:00 when a digest
  notification is made, and `mutuals sweep` sends whatever a stopped worker missed.
- **Every e-mail** names the community (`MUTUALS_SITE_NAME`), links absolutely
  (`MUTUALS_SITE_URL`), and carries a one-click unsubscribe for its kinds (RFC 8058:
  `List-Unsubscribe` and `List-Unsubscribe-Post: List-Unsubscribe=One-Click`): a URL with a
  signed token (`django.core.signing`) that works signed out and turns e-mail off, keeping the
  notifications in the app, for those kinds only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from mutuals.accounts.models import Boundaries, User
from mutuals.accounts.timezones import after_quiet, member_zone
from mutuals.core.compiled import CompiledQuery
from mutuals.core.errors import Refused
from mutuals.core.tasks import enqueue_at
from mutuals.engagement.models import (
    Delivery,
    NoticeKind,
    Notification,
    NotificationDigest,
    NotificationPreference,
)


@dataclass(frozen=True)
class KindRule:
    kind: NoticeKind
    # The notification kinds it covers: exact names, or families by a prefix ending in "_".
    covers: tuple[str, ...]
    default: Delivery


KINDS: tuple[KindRule, ...] = (
    KindRule(NoticeKind.REQUESTS, ("invitation_",), Delivery.EMAIL),
    KindRule(NoticeKind.MESSAGES, ("message_received",), Delivery.EMAIL),
    KindRule(NoticeKind.INTRODUCTIONS, ("introduction_",), Delivery.EMAIL),
    KindRule(NoticeKind.PACT, ("nudge_", "pact_"), Delivery.EMAIL),
    KindRule(NoticeKind.TIES, ("tie_",), Delivery.DIGEST),
    KindRule(NoticeKind.EVENTS, ("event_",), Delivery.EMAIL),
    KindRule(NoticeKind.MENTORSHIP, ("mentorship_", "programme_"), Delivery.EMAIL),
    KindRule(NoticeKind.COLLABORATIONS, ("collaboration_",), Delivery.EMAIL),
    KindRule(NoticeKind.MENTIONS, ("mention",), Delivery.EMAIL),
    KindRule(NoticeKind.COMMENTS, ("post_", "comment_"), Delivery.DIGEST),
    KindRule(NoticeKind.ACCOUNT, ("export_",), Delivery.EMAIL),
    # Whatever no rule above names (a kind added later) until it gets its own.
    KindRule(NoticeKind.OTHER, (), Delivery.EMAIL),
)
_RULES = {rule.kind: rule for rule in KINDS}

# Kinds whose e-mail is sent another way: new messages go out in messaging's unread e-mail.
EMAILED_ELSEWHERE = frozenset({"message_received"})
# How far back the sweep and the digest still e-mail a notification that never went (a worker
# that was down, a quiet period that ended): older news is left to the in-app list.
EMAIL_CATCH_UP = timedelta(days=7)
# The daily digest goes from this hour of the member's own day.
DIGEST_HOUR = 8
UNSUBSCRIBE_SALT = "mutuals.engagement.unsubscribe"
# How long an unsubscribe link works; afterwards the member changes it on the boundaries page.
UNSUBSCRIBE_VALID_FOR = timedelta(days=90)


def kind_of(notification_kind: str) -> NoticeKind:
    """The kind a member chooses for, of one notification kind (`invitation_accepted` →
    `requests`)."""
    for rule in KINDS:
        for name in rule.covers:
            if notification_kind == name or (
                name.endswith("_") and notification_kind.startswith(name)
            ):
                return rule.kind
    return NoticeKind.OTHER


def deliveries_for(member_id: int) -> dict[NoticeKind, Delivery]:
    """The member's delivery for every kind: their choice, or the kind's default."""
    chosen = dict(
        NotificationPreference.objects.filter(member_id=member_id).values_list("kind", "delivery")
    )
    return {rule.kind: Delivery(chosen.get(rule.kind.value, rule.default.value)) for rule in KINDS}


def delivery_for(member_id: int, notification_kind: str) -> Delivery:
    """How the member hears of one notification kind (one query, compiled once per process:
    every notification made asks it)."""
    kind = kind_of(notification_kind)
    chosen = _preference_compiled.first(member_id=member_id, kind=str(kind.value))
    return Delivery(chosen) if chosen else _RULES[kind].default


_preference_compiled: CompiledQuery[str] = CompiledQuery(
    lambda member_id, kind: (
        NotificationPreference.objects.filter(member_id=member_id, kind=kind)
        .order_by("pk")
        .values_list("delivery", flat=True)[:1]
    ),
    member_id=-730_810,
    kind="stand-in kind",
)


@transaction.atomic
def notification_preferences_set(
    *, member: User, choices: Iterable[tuple[str, str]]
) -> dict[NoticeKind, Delivery]:
    """Set the member's delivery for the kinds named (`[("comments", "off")]`); the others
    keep theirs. An unknown kind or delivery, or a kind named twice, refuses all, naming each
    (`invalid_fields`)."""
    chosen: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    for name, value in choices:
        if name not in NoticeKind.values:
            errors[name] = [f"No kind of notification is called {name!r}."]
        elif value not in Delivery.values:
            errors[name] = ["Choose app, email, digest or off."]
        elif name in chosen:
            errors[name] = ["Name each kind once."]
        chosen[name] = value
    if errors:
        raise Refused.for_fields(errors)
    now = timezone.now()
    for name, value in chosen.items():
        NotificationPreference.objects.update_or_create(
            member=member, kind=name, defaults={"delivery": value, "updated_at": now}
        )
    return deliveries_for(member.pk)


# --- E-mail ------------------------------------------------------------------------------------


def absolute_url(path: str) -> str:
    """A link for an e-mail, read outside the site: on `MUTUALS_SITE_URL`."""
    if not path.startswith("/"):
        return path
    return settings.SITE_URL.rstrip("/") + path


def unsubscribe_token(member_id: int, kinds: Iterable[NoticeKind]) -> str:
    """A signed, dated token naming the member and the kinds to stop e-mailing."""
    return signing.dumps(
        {"m": member_id, "k": sorted({kind.value for kind in kinds})}, salt=UNSUBSCRIBE_SALT
    )


def unsubscribe_url(member_id: int, kinds: Iterable[NoticeKind]) -> str:
    token = unsubscribe_token(member_id, kinds)
    return absolute_url(reverse("notifications_unsubscribe", args=[token]))


def email_send(
    *, member: User, kinds: Iterable[NoticeKind], subject: str, lines: Iterable[str]
) -> None:
    """One e-mail to the member about notifications of `kinds`: the community's name in the
    subject and the signature, and a one-click unsubscribe from those kinds (RFC 8058)."""
    kinds = sorted(set(kinds))
    unsubscribe = unsubscribe_url(member.pk, kinds)
    names = ", ".join(NoticeKind(kind).label.split(":")[0].lower() for kind in kinds)
    body = [
        f"Hello {member.get_short_name()},",
        "",
        *lines,
        "",
        f"— {settings.SITE_NAME}",
        "",
        f"You get this e-mail because {names} reach you by e-mail.",
        f"Stop these e-mails (one click, no sign-in): {unsubscribe}",
        f"Choose how you hear of each kind: {absolute_url(reverse('boundaries'))}",
    ]
    EmailMessage(
        subject=f"[{settings.SITE_NAME}] {subject}",
        body="\n".join(body),
        to=[member.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    ).send()


def email_later(notification_id: int, when: datetime | None = None) -> None:
    # Imported here: tasks.py imports this module (each task calls its service).
    from mutuals.engagement import tasks

    enqueue_at(tasks.notification_email, when or timezone.now(), notification_id)


def notification_email_send(*, notification_id: int, now: datetime | None = None) -> bool:
    """E-mail one notification once: claim it with a conditional update, then send. A crash
    between claim and send loses the e-mail, never the in-app notification, and never sends
    twice; a failed send releases the claim for a retry. Not while the member is quiet (it
    waits for the end of the quiet period, re-planned if it was extended), not once they read
    it in the app, and not when they no longer want this kind by e-mail at once (it then
    follows their choice: the digest, or the app only)."""
    now = now or timezone.now()
    notification = (
        Notification.objects.select_related("member__boundaries")
        .filter(pk=notification_id, emailed_at__isnull=True, read_at__isnull=True)
        .first()
    )
    if notification is None or notification.kind in EMAILED_ELSEWHERE:
        return False
    member = notification.member
    boundaries = member.boundaries
    if boundaries.is_quiet(now):
        email_later(notification_id, after_quiet(now, boundaries))
        return False
    wanted = delivery_for(member.pk, notification.kind)
    if wanted != Delivery.EMAIL:
        moved = Delivery.DIGEST if wanted == Delivery.DIGEST else Delivery.APP
        Notification.objects.filter(pk=notification_id, emailed_at__isnull=True).update(
            delivery=moved
        )
        if moved == Delivery.DIGEST:
            digest_later(member.pk, boundaries, after=now)
        return False
    claimed_at = timezone.now()
    if not Notification.objects.filter(
        pk=notification_id, emailed_at__isnull=True, read_at__isnull=True
    ).update(emailed_at=claimed_at):
        return False
    try:
        email_send(
            member=member,
            kinds=[kind_of(notification.kind)],
            subject=notification.title,
            lines=[notification.body, "", absolute_url(notification.url or "/notifications/")],
        )
    except Exception:
        Notification.objects.filter(pk=notification_id, emailed_at=claimed_at).update(
            emailed_at=None
        )
        raise
    return True


def notification_emails_send_due(*, now: datetime | None = None, limit: int = 500) -> int:
    """The sweep's catch-up: e-mail the unread notifications of the last week meant for
    e-mail at once whose e-mail never went (a stopped worker, a quiet period that has ended).
    Idempotent: each e-mail is claimed before it is sent."""
    now = now or timezone.now()
    due = (
        Notification.objects.filter(
            delivery=Delivery.EMAIL,
            emailed_at__isnull=True,
            read_at__isnull=True,
            created_at__gte=now - EMAIL_CATCH_UP,
        )
        .exclude(member__boundaries__quiet_until__gt=now)
        .exclude(kind__in=EMAILED_ELSEWHERE)
        .order_by("created_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(notification_email_send(notification_id=pk, now=now) for pk in list(due))


# --- The daily digest --------------------------------------------------------------------------


def _digest_hour_of(day: datetime, boundaries: Boundaries) -> datetime:
    return datetime.combine(day.date(), time(DIGEST_HOUR), tzinfo=member_zone(boundaries))


def next_digest_at(after: datetime, boundaries: Boundaries) -> datetime:
    """The member's next 08:00 after `after`, in their own zone, past any quiet period."""
    local = after.astimezone(member_zone(boundaries))
    at = _digest_hour_of(local, boundaries)
    if at <= local:
        at = _digest_hour_of(local + timedelta(days=1), boundaries)
    return after_quiet(at.astimezone(UTC), boundaries)


def digest_later(member_id: int, boundaries: Boundaries, *, after: datetime) -> None:
    # Imported here: tasks.py imports this module (each task calls its service).
    from mutuals.engagement import tasks

    enqueue_at(tasks.notification_digest, next_digest_at(after, boundaries), member_id)


def notification_digest_send(*, member_id: int, now: datetime | None = None) -> str:
    """E-mail the member's digest for their local day, once: the digest kinds that arrived
    before 08:00 of it, neither read nor sent. Returns `sent`, `quiet` (planned after the
    quiet period), `not_yet` (before 08:00), `nothing` or `already_sent`.

    Not one transaction: the day's digest row is claimed with its notifications (committed)
    before the e-mail leaves, so a retry after a crash never sends twice; a failed send
    releases them for the retry."""
    now = now or timezone.now()
    member = User.objects.select_related("boundaries").filter(pk=member_id, is_active=True).first()
    if member is None:
        return "nothing"
    boundaries = member.boundaries
    if boundaries.is_quiet(now):
        digest_later(member_id, boundaries, after=after_quiet(now, boundaries))
        return "quiet"
    local = now.astimezone(member_zone(boundaries))
    cutoff = _digest_hour_of(local, boundaries)
    if local < cutoff:
        return "not_yet"
    waiting = Notification.objects.filter(
        member=member,
        delivery=Delivery.DIGEST,
        emailed_at__isnull=True,
        read_at__isnull=True,
        created_at__gte=now - EMAIL_CATCH_UP,
        created_at__lt=cutoff,
    )
    wanted = deliveries_for(member_id)
    ids = [
        pk
        for pk, kind in waiting.values_list("pk", "kind")
        if wanted[kind_of(kind)] == Delivery.DIGEST
    ]
    if not ids:
        return "nothing"
    try:
        with transaction.atomic():
            digest = NotificationDigest.objects.create(
                member=member, day=local.date(), created_at=now
            )
            Notification.objects.filter(pk__in=ids, emailed_at__isnull=True).update(
                emailed_at=now, digest=digest
            )
    except IntegrityError:
        return "already_sent"
    rows = list(digest.notifications.order_by("created_at", "id"))
    try:
        _digest_email(member, rows)
    except Exception:
        Notification.objects.filter(digest=digest).update(emailed_at=None, digest=None)
        digest.delete()
        raise
    NotificationDigest.objects.filter(pk=digest.pk).update(sent_at=timezone.now())
    return "sent"


def _digest_email(member: User, rows: list[Notification]) -> None:
    by_kind: dict[NoticeKind, list[Notification]] = {}
    for row in rows:
        by_kind.setdefault(kind_of(row.kind), []).append(row)
    lines = [f"What happened on {settings.SITE_NAME} since your last digest:"]
    for kind, notices in by_kind.items():
        lines += ["", f"{kind.label.split(':')[0]}:"]
        for notice in notices:
            lines.append(f"• {notice.title}" + (f" — {notice.body}" if notice.body else ""))
            lines.append(f"  {absolute_url(notice.url or '/notifications/')}")
        lines.append(f"  (No more e-mail about these: {unsubscribe_url(member.pk, [kind])})")
    count = len(rows)
    email_send(
        member=member,
        kinds=by_kind,
        subject=f"Your daily digest: {count} notice{'s' if count != 1 else ''}",
        lines=lines,
    )


def notification_digests_send_due(*, now: datetime | None = None) -> int:
    """The sweep: send the day's digest of every member with digest notifications waiting
    whose 08:00 has come (idempotent: one digest per member and local day)."""
    now = now or timezone.now()
    member_ids = (
        Notification.objects.filter(
            delivery=Delivery.DIGEST,
            emailed_at__isnull=True,
            read_at__isnull=True,
            created_at__gte=now - EMAIL_CATCH_UP,
        )
        .exclude(member__boundaries__quiet_until__gt=now)
        .values_list("member_id", flat=True)
        .distinct()
    )
    return sum(
        notification_digest_send(member_id=member_id, now=now) == "sent"
        for member_id in sorted(set(member_ids))
    )


# --- One-click unsubscribe ---------------------------------------------------------------------


@dataclass(frozen=True)
class Unsubscribe:
    member: User
    kinds: list[NoticeKind]


def unsubscribe_read(token: str) -> Unsubscribe:
    """The member and kinds a link names; a link past its time or not made here is refused
    (`unsubscribe_link_expired`, `unsubscribe_link_invalid`)."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=UNSUBSCRIBE_VALID_FOR)
    except signing.SignatureExpired as exc:
        raise Refused(
            "This unsubscribe link has expired. Sign in and choose how you hear of each kind "
            "of notification on your boundaries page.",
            code="unsubscribe_link_expired",
        ) from exc
    except signing.BadSignature as exc:
        raise Refused(
            "This unsubscribe link is not one we sent: it may have been cut short or changed. "
            "Use the link in the e-mail, or sign in and change it on your boundaries page.",
            code="unsubscribe_link_invalid",
        ) from exc
    member = User.objects.filter(pk=data.get("m"), is_active=True).first()
    kinds = [NoticeKind(k) for k in data.get("k", []) if k in NoticeKind.values]
    if member is None or not kinds:
        raise Refused("This unsubscribe link is not valid.", code="unsubscribe_link_invalid")
    return Unsubscribe(member=member, kinds=kinds)


@transaction.atomic
def notification_unsubscribe(*, token: str) -> Unsubscribe:
    """Stop e-mail for the kinds the link names, and only those: each reaches the member in
    the app only from now on (a kind already off stays off). Again changes nothing."""
    unsubscribe = unsubscribe_read(token)
    current = deliveries_for(unsubscribe.member.pk)
    notification_preferences_set(
        member=unsubscribe.member,
        choices=[
            (kind.value, Delivery.APP.value)
            for kind in unsubscribe.kinds
            if current[kind] in (Delivery.EMAIL, Delivery.DIGEST)
        ],
    )
    return unsubscribe
