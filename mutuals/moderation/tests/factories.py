"""Moderation scenarios: a moderator, and one reportable item of each kind with the member
who may report it and the member it is about."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from mutuals.accounts.models import User
from mutuals.accounts.tests.factories import make_member
from mutuals.connections.services import connection_create
from mutuals.connections.tests.factories import make_pair, send
from mutuals.feed.services import comment_create
from mutuals.feed.tests.factories import make_post
from mutuals.introductions.services import IntroductionDraft, introduction_request
from mutuals.introductions.tests.factories import GOOD_NOTE, make_cast
from mutuals.mentorship.tests.factories import make_mentee, make_mentor, request
from mutuals.messaging.tests.factories import start
from mutuals.moderation.services import moderator_grant


def make_moderator(name: str = "Mona Moderator") -> User:
    member = make_member(name=name)
    moderator_grant(member=member, granted_by=None, reason="tests")
    return User.objects.get(pk=member.pk)  # a fresh object: permissions are cached per object


@dataclass
class Item:
    kind: str
    id: int
    reporter: User  # who may report it
    about: User  # whom it is about


def _member() -> Item:
    ana, ben = make_member(name="Ana Ferreira"), make_member(name="Ben Carter")
    return Item("member", ben.pk, ana, ben)


def _message() -> Item:
    ana, ben = make_member(name="Ana Ferreira"), make_member(name="Ben Carter")
    connection_create(member=ana, other=ben)
    started = start(ben, ana, text="Send me your bank details please")
    return Item("message", started.message.pk, ana, ben)


def _post() -> Item:
    ana, ben = make_member(name="Ana Ferreira"), make_member(name="Ben Carter")
    return Item("post", make_post(ben, "Buy my course today").pk, ana, ben)


def _comment() -> Item:
    ana, ben = make_member(name="Ana Ferreira"), make_member(name="Ben Carter")
    post = make_post(ana)
    comment = comment_create(author=ben, post_id=post.pk, body="Buy my course today")
    return Item("comment", comment.pk, ana, ben)


def _invitation() -> Item:
    sender, recipient, mutual = make_pair()
    return Item("invitation", send(sender, recipient, mutual).pk, recipient, sender)


def _mentorship() -> Item:
    mentor, offer = make_mentor()
    mentee = make_mentee()
    return Item("mentorship", request(mentee, offer).pk, mentor, mentee)


def _introduction() -> Item:
    cast = make_cast()
    introduction = introduction_request(
        requester=cast.sam,
        draft=IntroductionDraft(
            target_id=cast.thandi.pk,
            introducer_id=cast.kwame.pk,
            intent="advice",
            message=GOOD_NOTE,
        ),
    )
    return Item("introduction", introduction.pk, cast.kwame, cast.sam)


ITEMS: dict[str, Callable[[], Item]] = {
    "member": _member,
    "message": _message,
    "post": _post,
    "comment": _comment,
    "invitation": _invitation,
    "mentorship": _mentorship,
    "introduction": _introduction,
}
