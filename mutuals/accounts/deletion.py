"""Leaving: a member asks to delete their account, with their password, and has a grace period
(`ACCOUNT_DELETION_GRACE_DAYS`, 14 by default) to change their mind by signing in.

While the request waits, the account is inactive: every page, list, search, suggestion and the
graph already leave inactive members out, and its sessions and tokens stop working. Signing in
with the password during the grace period cancels the request (`account_deletion_cancel`, from
the sign-in adapter). Meanwhile the pact on their connections is paused, as a suspension
pauses it, and resumes if they stay (`providers.leaving_listener_register`). Once the grace
period is over, `mutuals sweep` erases the member (`rights.erasure`, which stands above every
app whose data it erases).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from mutuals.accounts import providers
from mutuals.accounts.models import AccountDeletion, User
from mutuals.core import graph_changes
from mutuals.core.errors import NotAllowed, RateLimited

# The longest window of ACCOUNT_RATE_LIMITS["login_failed"], which wrong passwords count against.
REAUTH_LOCKOUT = timedelta(minutes=5)


def grace_period() -> timedelta:
    return timedelta(days=settings.ACCOUNT_DELETION_GRACE_DAYS)


@transaction.atomic
def account_deletion_request(
    *, user: User, password: str, now: datetime | None = None
) -> AccountDeletion:
    """Schedule the member's erasure at the end of the grace period, re-authenticated by their
    password (`reauthentication_failed`, 403, and nothing changes, when it is not theirs).
    The account becomes inactive at once: hidden like any inactive member, its sessions and
    tokens refused; signing in before `erase_after` cancels."""
    if not password or not user.check_password(password):
        raise NotAllowed(
            "That password is not right, so your account was not scheduled for deletion.",
            code="reauthentication_failed",
        )
    now = now or timezone.now()
    deletion, _ = AccountDeletion.objects.update_or_create(
        user=user,
        defaults={
            "requested_at": now,
            "erase_after": now + grace_period(),
            "cancelled_at": None,
            "erased_at": None,
        },
    )
    User.objects.filter(pk=user.pk).update(is_active=False)
    user.is_active = False
    # The graph holds active members only: its next build leaves them out of paths and
    # suggestions (and puts them back when the request is cancelled).
    graph_changes.connections_changed()
    # Nobody is scored or nudged for a pact with a member who is leaving.
    for listener in providers.leaving_listeners():
        listener(member_id=user.pk, leaving=True, at=now)
    return deletion


def account_deletion_request_limited(
    *, request: HttpRequest, user: User, password: str
) -> AccountDeletion:
    """`account_deletion_request` for the page and the API: wrong passwords count against the
    sign-in page's `login_failed` limit for the member's e-mail, so a session left open
    cannot be used to guess the password (`rate_limited`, 429, with `retry_at`)."""
    # Imported here: every command loads this module at start-up and needs none of allauth's
    # rate limits (docs/benchmarks.md, "Start-up").
    from allauth.core import ratelimit

    if not ratelimit.consume(request, action="login_failed", key=user.email, dry_run=True):
        raise RateLimited(
            "Too many wrong passwords; wait a few minutes.",
            retry_at=timezone.now() + REAUTH_LOCKOUT,
        )
    try:
        return account_deletion_request(user=user, password=password)
    except NotAllowed:
        ratelimit.consume(request, action="login_failed", key=user.email)
        raise


def deletion_pending(user: User, now: datetime | None = None) -> AccountDeletion | None:
    """The member's deletion request while signing in can still cancel it."""
    now = now or timezone.now()
    return AccountDeletion.objects.filter(
        user=user, cancelled_at__isnull=True, erased_at__isnull=True, erase_after__gt=now
    ).first()


@transaction.atomic
def account_deletion_cancel(*, user: User, now: datetime | None = None) -> bool:
    """Cancel a pending deletion and make the account active again; False when there is none
    to cancel (never asked, already cancelled or erased, or the grace period is over: the
    sweep erases it). Locks the row, so it and the sweep's erasure cannot both win."""
    now = now or timezone.now()
    deletion = (
        AccountDeletion.objects.select_for_update()
        .filter(user=user, cancelled_at__isnull=True, erased_at__isnull=True, erase_after__gt=now)
        .first()
    )
    if deletion is None:
        return False
    deletion.cancelled_at = now
    deletion.save(update_fields=["cancelled_at"])
    User.objects.filter(pk=user.pk).update(is_active=True)
    user.is_active = True
    graph_changes.connections_changed()
    for listener in providers.leaving_listeners():
        listener(member_id=user.pk, leaving=False, at=now)
    return True


def deletions_due(now: datetime | None = None) -> list[int]:
    """Ids of members whose grace period is over and who are not erased yet."""
    now = now or timezone.now()
    return list(
        AccountDeletion.objects.filter(
            cancelled_at__isnull=True, erased_at__isnull=True, erase_after__lte=now
        )
        .order_by("erase_after")
        .values_list("user_id", flat=True)
    )
