"""The items a member can report, found two ways:

- `target_for_reporter`: what a reporter may report, through each app's own access rule, so
  a report never reveals an item (or a member) the reporter could not see: not found
  otherwise. Each item names the member it is about and an excerpt for the record.
- `context_for_moderator`: what a moderator reads beside a report — the item as it stands
  now (hidden, edited or gone), the post a comment is on, the messages around a reported
  message — without the members' access rules (moderators see hidden items too).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import Q
from django.urls import reverse

from mutuals.accounts.access import access_member_by_id
from mutuals.accounts.models import User
from mutuals.connections.models import Invitation, InvitationState
from mutuals.connections.selectors import is_blocked_between
from mutuals.core.errors import NotFound, Refused
from mutuals.feed.access import access_comment_by_id, access_post_by_id
from mutuals.feed.models import Comment, Post
from mutuals.introductions.access import access_introduction_by_id
from mutuals.introductions.models import Introduction
from mutuals.mentorship.access import access_mentorship_by_id
from mutuals.mentorship.models import Mentorship
from mutuals.messaging.access import access_conversation_by_id
from mutuals.messaging.models import Message
from mutuals.messaging.selectors import visible_to
from mutuals.moderation.models import MAX_EXCERPT_LENGTH, Report, TargetKind

# Messages shown on each side of a reported message.
AROUND = 3


@dataclass(frozen=True)
class Target:
    kind: TargetKind
    id: int
    about: User  # the member the item is about: its author, sender or requester
    excerpt: str
    url: str  # where the reporter saw it


def _cut(text: str) -> str:
    return text[:MAX_EXCERPT_LENGTH]


def _member(reporter: User, target_id: int) -> Target:
    member = access_member_by_id(reporter, target_id)
    profile = member.profile
    excerpt = " · ".join(p for p in (member.name, profile.headline, profile.bio) if p)
    url = reverse("member_detail", args=[member.pk])
    return Target(TargetKind.MEMBER, member.pk, member, _cut(excerpt), url)


def _message(reporter: User, target_id: int) -> Target:
    message = Message.objects.select_related("sender").filter(pk=target_id).first()
    if message is None:
        raise NotFound("That message was not found.")
    conversation = access_conversation_by_id(reporter, message.conversation_id)
    if not Message.objects.filter(visible_to(reporter.pk), pk=message.pk).exists():
        raise NotFound("That message was not found.")
    url = reverse("conversation_detail", args=[conversation.pk]) + f"#message-{message.pk}"
    return Target(TargetKind.MESSAGE, message.pk, message.sender, _cut(message.text), url)


def _post(reporter: User, target_id: int) -> Target:
    post = access_post_by_id(reporter, target_id)
    url = reverse("post_detail", args=[post.pk])
    return Target(TargetKind.POST, post.pk, post.author, _cut(post.body), url)


def _comment(reporter: User, target_id: int) -> Target:
    comment = access_comment_by_id(reporter, target_id)
    url = reverse("post_detail", args=[comment.post_id]) + f"#comment-{comment.pk}"
    return Target(TargetKind.COMMENT, comment.pk, comment.author, _cut(comment.body), url)


def _invitation(reporter: User, target_id: int) -> Target:
    """A request the reporter received (delivered, in any state since): only its recipient
    may report it."""
    invitation = (
        Invitation.objects.select_related("sender")
        .filter(pk=target_id, recipient=reporter)
        .exclude(state=InvitationState.QUEUED)
        .first()
    )
    if invitation is None or is_blocked_between(invitation.sender_id, reporter.pk):
        raise NotFound("No such request.")
    url = reverse("invitations_received")
    return Target(
        TargetKind.INVITATION, invitation.pk, invitation.sender, _cut(invitation.message), url
    )


def _mentorship(reporter: User, target_id: int) -> Target:
    """A mentorship request: its mentor (who received it) may report the mentee's note."""
    mentorship = access_mentorship_by_id(reporter, target_id)
    if mentorship.mentor_id != reporter.pk:
        raise NotFound("No such mentorship request.")
    url = reverse("mentorship_detail", args=[mentorship.pk])
    return Target(
        TargetKind.MENTORSHIP, mentorship.pk, mentorship.mentee, _cut(mentorship.note), url
    )


def _introduction(reporter: User, target_id: int) -> Target:
    """An introduction request: the introducer, or the target once it reached them, may
    report the requester's message."""
    introduction = access_introduction_by_id(reporter, target_id)
    if introduction.requester_id == reporter.pk:
        raise NotFound("No such introduction request.")
    url = reverse("introduction_inbox")
    return Target(
        TargetKind.INTRODUCTION,
        introduction.pk,
        introduction.requester,
        _cut(introduction.message),
        url,
    )


_FINDERS = {
    TargetKind.MEMBER: _member,
    TargetKind.MESSAGE: _message,
    TargetKind.POST: _post,
    TargetKind.COMMENT: _comment,
    TargetKind.INVITATION: _invitation,
    TargetKind.MENTORSHIP: _mentorship,
    TargetKind.INTRODUCTION: _introduction,
}


def target_for_reporter(reporter: User, kind: str, target_id: int) -> Target:
    """The item the reporter names, if they may see it; `not_found` otherwise, and
    `invalid_fields` for a kind that is not one of `TargetKind`."""
    if kind not in TargetKind.values:
        raise Refused.for_fields({"kind": [f"Choose one of {', '.join(TargetKind.values)}."]})
    return _FINDERS[TargetKind(kind)](reporter, target_id)


@dataclass
class Context:
    """What a moderator reads beside a report."""

    kind: str
    exists: bool
    hidden: bool = False
    text: str = ""  # the item's words now ("" when gone)
    title: str = ""  # one line saying where it is
    url: str = ""  # the page it is on, for a moderator who is also a member there
    # Around a message: (sender name, text, is the reported one, hidden) oldest first.
    thread: list[tuple[str, str, bool, bool]] = field(default_factory=list)


def _current[M: models.Model](model: type[M], report: Report, *related: str) -> M | None:
    """The reported item as it is now, with the rows named in `related`; None once deleted."""
    return model._default_manager.select_related(*related).filter(pk=report.target_id).first()


def _message_context(report: Report) -> Context:
    message = _current(Message, report, "sender", "conversation")
    if message is None:
        return Context(report.target_kind, exists=False, title="The message was deleted.")
    around = Message.objects.filter(conversation_id=message.conversation_id).select_related(
        "sender"
    )
    before = list(
        around.filter(
            Q(created_at__lt=message.created_at)
            | Q(created_at=message.created_at, pk__lt=message.pk)
        ).order_by("-created_at", "-id")[:AROUND]
    )
    after = list(
        around.filter(
            Q(created_at__gt=message.created_at)
            | Q(created_at=message.created_at, pk__gt=message.pk)
        ).order_by("created_at", "id")[:AROUND]
    )
    thread = [
        (m.sender.name, m.text, m.pk == message.pk, m.hidden_at is not None)
        for m in [*reversed(before), message, *after]
    ]
    kind = "group conversation" if message.conversation.is_group else "conversation"
    return Context(
        report.target_kind,
        exists=True,
        hidden=message.hidden_at is not None,
        text=message.text,
        title=f"A message from {message.sender.name} in a {kind}",
        thread=thread,
    )


def _post_context(report: Report) -> Context:
    post = _current(Post, report, "author")
    if post is None:
        return Context(report.target_kind, exists=False, title="The post was deleted.")
    return Context(
        report.target_kind,
        exists=True,
        hidden=post.hidden_at is not None,
        text=post.body,
        title=f"A post by {post.author.name} ({post.get_visibility_display().lower()})",
        url=reverse("post_detail", args=[post.pk]),
    )


def _comment_context(report: Report) -> Context:
    comment = _current(Comment, report, "author", "post__author")
    if comment is None:
        return Context(report.target_kind, exists=False, title="The comment was deleted.")
    post = comment.post
    return Context(
        report.target_kind,
        exists=True,
        hidden=comment.hidden_at is not None,
        text=comment.body,
        title=f"A comment by {comment.author.name} on {post.author.name}'s post",
        url=reverse("post_detail", args=[post.pk]) + f"#comment-{comment.pk}",
        thread=[(post.author.name, post.body, False, post.hidden_at is not None)],
    )


def _member_context(report: Report) -> Context:
    member = _current(User, report, "profile")
    if member is None:
        return Context(report.target_kind, exists=False, title="The member is gone.")
    profile = member.profile
    return Context(
        report.target_kind,
        exists=True,
        text="\n".join(p for p in (profile.headline, profile.bio) if p),
        title=f"The profile of {member.name}",
        url=reverse("member_detail", args=[member.pk]),
    )


@dataclass(frozen=True, slots=True)
class _Request:
    """A request a member received, as a moderator reads it: the row with its members, the
    field holding the requester's words, and who asked whom."""

    model: type[Invitation] | type[Mentorship] | type[Introduction]
    members: tuple[str, ...]
    words: str
    title: Callable[[Any], str]


_REQUESTS = {
    TargetKind.INVITATION: _Request(
        Invitation,
        ("sender", "recipient"),
        "message",
        lambda found: f"A request to connect from {found.sender.name} to {found.recipient.name}",
    ),
    TargetKind.MENTORSHIP: _Request(
        Mentorship,
        ("mentor", "mentee"),
        "note",
        lambda found: f"A mentorship request from {found.mentee.name} to {found.mentor.name}",
    ),
    TargetKind.INTRODUCTION: _Request(
        Introduction,
        ("requester", "introducer", "target"),
        "message",
        lambda found: (
            f"{found.requester.name} asked {found.introducer.name} for an "
            f"introduction to {found.target.name}"
        ),
    ),
}


def _request_context(report: Report) -> Context:
    request = _REQUESTS[TargetKind(report.target_kind)]
    found = _current(request.model, report, *request.members)
    if found is None:
        return Context(report.target_kind, exists=False, title="The request was deleted.")
    return Context(
        report.target_kind,
        exists=True,
        text=getattr(found, request.words),
        title=f"{request.title(found)} ({found.get_state_display().lower()})",
    )


_CONTEXTS = {
    TargetKind.MEMBER: _member_context,
    TargetKind.MESSAGE: _message_context,
    TargetKind.POST: _post_context,
    TargetKind.COMMENT: _comment_context,
    TargetKind.INVITATION: _request_context,
    TargetKind.MENTORSHIP: _request_context,
    TargetKind.INTRODUCTION: _request_context,
}


def context_for_moderator(report: Report) -> Context:
    """The reported item as it stands now, with what surrounds it."""
    return _CONTEXTS[TargetKind(report.target_kind)](report)
