"""Erasing a member whose "Delete my account" grace period is over (docs/api.md "Leaving").

The account row stays, as a tombstone named "Former member" with no e-mail, password,
profile or boundaries, because what the member wrote into *others'* conversations stays
there: their messages, comments, posts (others' comments hang on them), reports they made
(without their note) and their seat in collaborations and conversations. Every page already
names a member by their current name, so all of it now reads "Former member". Events of a
closed account are shown to nobody (`events.access`); the upcoming ones are called off.

Everything else that is theirs is deleted: profile and boundaries (emptied), e-mail
addresses, tokens, sessions, notifications, imports and their contact book, data exports,
calendar feed, reactions, topics followed, RSVPs, blocks, dismissals, acceptances of the
code of conduct, their mentor offer and the programmes they organized. What they shared with
one other member ends for that member, who is told once, neutrally, without the name:
connections (and with them the ties; the pact's items stay, closed as `member_left`, in the
other member's history, with no name in them), requests either way,
introductions, mentorships, programmes and upcoming events. Where the platform itself
copied the member's name into another member's row (a notification's title, a request's
context label, a mention in a post, the admin's log), the copy is rewritten to "Former
member"; words other members typed themselves are theirs and stay.

`mutuals sweep` runs `deletions_erase_due`; each erasure is one transaction that starts by
locking the deletion request, so a retry after a crash starts over and a second sweep finds
nothing left to do.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import datetime
from typing import Protocol

from allauth.account.models import EmailAddress
from django.contrib.admin.models import LogEntry
from django.contrib.sessions.models import Session
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.db.models import Q, Value
from django.db.models.functions import Replace
from django.urls import reverse
from django.utils import timezone

from mutuals.accounts import photos
from mutuals.accounts.deletion import deletions_due
from mutuals.accounts.models import (
    AccountDeletion,
    ApiToken,
    Boundaries,
    ConductAcceptance,
    Profile,
    ProfileVisibility,
    User,
)
from mutuals.connections.endings import connection_end
from mutuals.connections.models import (
    UNANSWERED_STATES,
    Block,
    Connection,
    ConnectionEnd,
    ConnectionRemoval,
    Invitation,
)
from mutuals.core import graph_changes
from mutuals.engagement.models import Interaction, Notification
from mutuals.engagement.notifications import notify
from mutuals.events.models import Attendance, AttendanceStatus, CalendarFeed, Event
from mutuals.feed.models import Comment, Mention, Post, Reaction, TopicFollow
from mutuals.imports.models import Contact, ContactInteraction, Import
from mutuals.introductions.models import OPEN_STATES as INTRODUCTION_OPEN
from mutuals.introductions.models import Introduction, SuggestionDismissal
from mutuals.mentorship.models import OPEN_STATES as MENTORSHIP_OPEN
from mutuals.mentorship.models import Assignment, MentorOffer, Mentorship, Programme
from mutuals.mentorship.models import Participant as ProgrammePlace
from mutuals.messaging.models import UnreadDigest
from mutuals.rights.models import DataExport

FORMER_MEMBER = "Former member"
# What erasure changes of the facts other apps hold about a member.
ERASED_FIELDS = frozenset({"name", "company", "topics", "open_to_introductions", "active"})


class ErasureStep(Protocol):
    def __call__(self, member: User) -> None: ...


# Steps of an app beside rights (moderation), registered from above by the site
# (`SiteConfig.ready`), since rights and moderation are independent; run inside the erasure's
# transaction.
_steps: dict[str, ErasureStep] = {}


def erasure_step_register(name: str, step: ErasureStep) -> None:
    """Add a step to every erasure (once per name; a second, different one is an error)."""
    if _steps.get(name, step) is not step:
        raise ImproperlyConfigured(f"The erasure step {name!r} is registered twice.")
    _steps[name] = step


def deletions_erase_due(*, now: datetime | None = None) -> int:
    """Erase every member whose grace period is over (the sweep; idempotent)."""
    now = now or timezone.now()
    return sum(member_erase(member_id=pk, now=now) for pk in deletions_due(now))


@transaction.atomic
def member_erase(*, member_id: int, now: datetime | None = None) -> bool:
    """Erase one member whose deletion is due (see the module's docstring). False when there
    is nothing to do: never asked, cancelled, not due yet, or already erased."""
    now = now or timezone.now()
    deletion = (
        AccountDeletion.objects.select_for_update()
        .filter(
            user_id=member_id,
            cancelled_at__isnull=True,
            erased_at__isnull=True,
            erase_after__lte=now,
        )
        .first()
    )
    if deletion is None:
        return False
    member = User.objects.get(pk=member_id)
    name, email = member.name, member.email
    ended: dict[int, set[str]] = defaultdict(set)
    _end_shared(member, ended, now)
    _delete_own(member)
    _rewrite_copies(member, name, email)
    _anonymize(member)
    # Whoever holds the member's facts (the graph, search's member document) reads them again.
    graph_changes.member_changed(member_id=member.pk, fields=ERASED_FIELDS)
    _tell_others(member, ended)
    deletion.erased_at = now
    deletion.save(update_fields=["erased_at"])
    graph_changes.connections_changed()
    return True


def _pair(member: User) -> Q:
    return Q(member_low=member) | Q(member_high=member)


def _end_shared(member: User, ended: dict[int, set[str]], now: datetime) -> None:
    """End what the member shared with one other member, noting whom to tell."""
    for low, high in Connection.objects.filter(_pair(member)).values_list(
        "member_low_id", "member_high_id"
    ):
        other = high if low == member.pk else low
        ended[other].add("connection")
        # The ties go with the connection; its pact's items stay in the other member's
        # history, closed as `member_left` (as a block keeps them, closed as `blocked`).
        connection_end(
            member_id=member.pk, other_id=other, reason=ConnectionEnd.MEMBER_LEFT, at=now
        )

    requests = Invitation.objects.filter(Q(sender=member) | Q(recipient=member))
    for sender, recipient in requests.filter(state__in=UNANSWERED_STATES).values_list(
        "sender_id", "recipient_id"
    ):
        ended[recipient if sender == member.pk else sender].add("request")
    requests.delete()

    introductions = Introduction.objects.filter(
        Q(requester=member) | Q(introducer=member) | Q(target=member)
    )
    for ids in introductions.filter(state__in=INTRODUCTION_OPEN).values_list(
        "requester_id", "introducer_id", "target_id"
    ):
        for other in set(ids) - {member.pk}:
            ended[other].add("introduction")
    introductions.delete()

    mentorships = Mentorship.objects.filter(Q(mentor=member) | Q(mentee=member))
    for mentor, mentee in mentorships.filter(state__in=MENTORSHIP_OPEN).values_list(
        "mentor_id", "mentee_id"
    ):
        ended[mentee if mentor == member.pk else mentor].add("mentorship")
    mentorships.delete()  # with their goals, check-in notes and reflections

    programmes = Programme.objects.filter(organizer=member)
    for other in ProgrammePlace.objects.filter(programme__in=programmes).values_list(
        "member_id", flat=True
    ):
        ended[other].add("mentoring programme")
    programmes.delete()
    ProgrammePlace.objects.filter(member=member).delete()
    Assignment.objects.filter(Q(mentor=member) | Q(mentee=member)).delete()

    # Events of a closed account are shown to nobody (events.access); the upcoming ones are
    # called off, and those with a place or a waitlist spot are told.
    upcoming = Event.objects.filter(organizer=member, cancelled_at__isnull=True, ends_at__gt=now)
    for other in (
        Attendance.objects.filter(event__in=upcoming)
        .exclude(status=AttendanceStatus.CANCELLED)
        .values_list("member_id", flat=True)
    ):
        ended[other].add("event")
    upcoming.update(cancelled_at=now)
    ended.pop(member.pk, None)


def _delete_own(member: User) -> None:
    """Delete what is the member's alone."""
    for own in (
        ApiToken.objects.filter(user=member),
        EmailAddress.objects.filter(user=member),
        ConductAcceptance.objects.filter(user=member),
        Notification.objects.filter(member=member),
        UnreadDigest.objects.filter(member=member),
        ContactInteraction.objects.filter(owner=member),
        Contact.objects.filter(owner=member),
        Import.objects.filter(owner=member),
        DataExport.objects.filter(member=member),
        CalendarFeed.objects.filter(member=member),
        Attendance.objects.filter(member=member),
        Reaction.objects.filter(member=member),
        TopicFollow.objects.filter(member=member),
        Mention.objects.filter(member=member),
        MentorOffer.objects.filter(mentor=member),
        Interaction.objects.filter(Q(actor=member) | Q(counterpart=member)),
        Block.objects.filter(Q(blocker=member) | Q(blocked=member)),
        ConnectionRemoval.objects.filter(Q(pair_low=member.pk) | Q(pair_high=member.pk)),
        SuggestionDismissal.objects.filter(Q(member=member) | Q(dismissed=member)),
    ):
        own.delete()
    # Apps beside rights erase their part (moderation: a report they made stays for the
    # moderators, without the note they wrote).
    for step in _steps.values():
        step(member)
    _sessions_end(member)


def _sessions_end(member: User) -> None:
    """Delete the member's sessions (signed in on the web or through the headless API): the
    session table has no member column, so each live session is read."""
    stale = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if str(session.get_decoded().get("_auth_user_id")) == str(member.pk)
    ]
    Session.objects.filter(pk__in=stale).delete()


def _replace(model: type[models.Model], field: str, old: str, rows: Q | None = None) -> None:
    """Rewrite `old` to "Former member" in one text column (case as written)."""
    queryset = model._default_manager.filter(**{f"{field}__contains": old})
    if rows is not None:
        queryset = queryset.filter(rows)
    queryset.update(**{field: Replace(field, Value(old), Value(FORMER_MEMBER))})


def _rewrite_copies(member: User, name: str, email: str) -> None:
    """Where the platform copied the member's name into others' rows, say "Former member"."""
    for text in {name, email} - {""}:
        _replace(Notification, "title", text)
        _replace(Notification, "body", text)
        _replace(Invitation, "context_label", text)
        _replace(LogEntry, "object_repr", text)
        _replace(LogEntry, "change_message", text)
    # Mentions are written `@[Name](id)`: the id says who, the name is a copy.
    token = re.compile(r"@\[[^\[\]\n]{1,120}\]\(" + str(member.pk) + r"\)")
    replacement = f"@[{FORMER_MEMBER}]({member.pk})"
    for model in (Post, Comment):
        for row in model.objects.filter(body__contains=f"]({member.pk})"):
            body = token.sub(replacement, row.body)
            if body != row.body:
                model.objects.filter(pk=row.pk).update(body=body)


def _anonymize(member: User) -> None:
    """The tombstone: no name, e-mail, password, photo, profile or boundaries."""
    photos.photo_remove(user=member)  # its files go once the erasure commits
    Profile.objects.filter(user=member).update(
        headline="",
        bio="",
        company="",
        title="",
        location="",
        offers=[],
        looking_for=[],
        linkedin_url="",
        phone="",
        shared_contacts=[],
        visibility=ProfileVisibility.CONNECTIONS,
    )
    for profile in Profile.objects.filter(user=member):
        profile.topics.clear()
    Boundaries.objects.filter(user=member).update(
        weekly_capacity=1,
        open_intents=[],
        quiet_until=None,
        open_to_introductions=False,
        low_bandwidth=False,
        time_zone="UTC",
    )
    member.name = FORMER_MEMBER
    member.email = f"former-member-{member.pk}@erased.invalid"
    member.set_unusable_password()
    member.is_active = False
    member.is_staff = False
    member.is_superuser = False
    member.last_login = None
    member.save()
    member.groups.clear()
    member.user_permissions.clear()


# What ended, as the notice names it, in the order it lists them.
_ENDED = {
    "connection": "a connection",
    "request": "a request waiting for an answer",
    "introduction": "an introduction under way",
    "mentorship": "a mentorship",
    "mentoring programme": "a mentoring programme they organized",
    "event": "an upcoming event they organized (it is called off)",
}


def _tell_others(member: User, ended: dict[int, set[str]]) -> None:
    """One neutral notice to each member something ended with; no name, no reason."""
    for other in User.objects.filter(pk__in=list(ended), is_active=True):
        what = [label for kind, label in _ENDED.items() if kind in ended[other.pk]]
        listed = "; ".join(what)
        notify(
            member=other,
            key=f"rights:member-left:{member.pk}:{other.pk}",
            kind="member_left",
            title="A member has left the community",
            body=f"Someone has deleted their account, and what you shared with them has "
            f"ended: {listed}. Messages you exchanged stay in your conversations, signed "
            f"“{FORMER_MEMBER}”.",
            url=reverse("connections_list"),
        )
