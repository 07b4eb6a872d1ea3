"""Who may see which post: the one place the visibility rule lives.

A post is visible to its author always. To anyone else only when it is not hidden by a
moderator, its author is active and not on either side of a block with the viewer, and it is
either community-wide or the viewer is connected to the author.

The rule is written once (`RULE`, over six facts about a post and its viewer) and read three
ways from that one tree: in Python on a post or a row (`Audience.can_see`, `Audience.allows`),
as an ORM filter (`Audience.q`; `posts_visible_to` with the viewer's connections and blocks as
subqueries) and as SQL (`visible_sql`, for the feed's PostgreSQL statement, which the ORM
cannot express). Every read path (the feed's candidates on either database, a member's posts,
the post page, comments, reactions, reshares' originals, the API, search) goes through one of
them, with an `Audience` loaded once per request where it needs one.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import reduce

from django.db.models import BooleanField, OuterRef, Q, QuerySet, Subquery
from django.db.models.lookups import Exact

from mutuals.accounts.models import User
from mutuals.connections.selectors import (
    blocked_ids,
    connected_ids,
    connected_with,
    not_blocked_with,
)
from mutuals.core.errors import NotFound
from mutuals.feed.models import Comment, Post, Visibility

# --- The rule ----------------------------------------------------------------------------------


class Fact(StrEnum):
    """What the rule asks of a post and its viewer."""

    OWN = "own"  # the viewer wrote it
    SHOWN = "shown"  # no moderator hid it
    AUTHOR_ACTIVE = "author_active"  # its author's account is active
    NOT_BLOCKED = "not_blocked"  # its author and the viewer are on neither side of a block
    COMMUNITY = "community"  # it is community-wide
    CONNECTED = "connected"  # its author is one of the viewer's connections


@dataclass(frozen=True)
class AllOf:
    terms: tuple[Term, ...]


@dataclass(frozen=True)
class AnyOf:
    terms: tuple[Term, ...]


type Term = Fact | AllOf | AnyOf

RULE: Term = AnyOf(
    (
        Fact.OWN,
        AllOf(
            (
                Fact.SHOWN,
                Fact.NOT_BLOCKED,
                AnyOf((Fact.COMMUNITY, Fact.CONNECTED)),
                Fact.AUTHOR_ACTIVE,  # last: asking it may load the author
            )
        ),
    )
)


def assuming(term: Term, fact: Fact) -> Term:
    """`term` with `fact` taken as true, for a reader that checks that fact later itself. Only
    a fact that must hold with others (inside an `AllOf`) can be put off this way."""
    if isinstance(term, Fact):
        return term
    if isinstance(term, AnyOf) and fact in term.terms:
        raise ValueError(f"{fact} is one alternative of several: it cannot be assumed away")
    kept = tuple(assuming(t, fact) for t in term.terms if t != fact)
    return AllOf(kept) if isinstance(term, AllOf) else AnyOf(kept)


def render[T](
    term: Term,
    fact: Callable[[Fact], T],
    all_of: Callable[[list[T]], T],
    any_of: Callable[[list[T]], T],
) -> T:
    """`term` in another medium: each fact through `fact`, each combination through
    `all_of` / `any_of`."""
    if isinstance(term, Fact):
        return fact(term)
    parts = [render(t, fact, all_of, any_of) for t in term.terms]
    return all_of(parts) if isinstance(term, AllOf) else any_of(parts)


def visible_sql(*, post: str, viewer: str, connected: str, blocked: str, rule: Term = RULE) -> str:
    """The rule as a SQL condition on the posts table aliased `post`. `viewer` is the viewer's
    id as a SQL bind parameter (e.g. `%(viewer)s`); `connected` and `blocked` are queries of
    member ids: all constants of the calling statement, never input."""
    facts = {
        Fact.OWN: f"{post}.author_id = {viewer}",
        Fact.SHOWN: f"{post}.hidden_at IS NULL",
        Fact.AUTHOR_ACTIVE: (
            f"EXISTS (SELECT 1 FROM accounts_user post_author "  # noqa: S608 - constants only
            f"WHERE post_author.id = {post}.author_id AND post_author.is_active)"
        ),
        Fact.NOT_BLOCKED: f"{post}.author_id NOT IN ({blocked})",
        Fact.COMMUNITY: f"{post}.visibility = '{Visibility.COMMUNITY.value}'",
        Fact.CONNECTED: f"{post}.author_id IN ({connected})",
    }
    return render(
        rule,
        facts.__getitem__,
        lambda parts: "(" + " AND ".join(parts) + ")",
        lambda parts: "(" + " OR ".join(parts) + ")",
    )


def _rule_q(
    viewer_id: int,
    prefix: str,
    rule: Term,
    *,
    not_blocked: Q,
    connected: Q,
    author_active: Q | None = None,
) -> Q:
    facts = {
        Fact.OWN: Q(**{f"{prefix}author_id": viewer_id}),
        Fact.SHOWN: Q(**{f"{prefix}hidden_at__isnull": True}),
        Fact.AUTHOR_ACTIVE: author_active or Q(**{f"{prefix}author__is_active": True}),
        Fact.NOT_BLOCKED: not_blocked,
        Fact.COMMUNITY: Q(**{f"{prefix}visibility": Visibility.COMMUNITY}),
        Fact.CONNECTED: connected,
    }
    return render(
        rule,
        facts.__getitem__,
        lambda parts: reduce(operator.and_, parts),
        lambda parts: reduce(operator.or_, parts),
    )


def posts_visible_to(viewer_id: int) -> QuerySet[Post]:
    """The posts the viewer may see, the viewer's connections and blocks read inside the
    statement (subqueries) rather than loaded first: for a list that runs once per request
    and needs nothing else of the `Audience` (search's candidates). The author's account is
    read for each post still in question, as a scalar subquery on the primary key: joined,
    the database hashes every member before it knows whether any post matched; as `EXISTS`,
    PostgreSQL may still choose to hash every active member once it expects thousands of
    posts to ask (a common word's), although the statement stops after a few hundred (a
    `LIMIT`): 100,000 members read for 600 posts. A scalar subquery is never hashed."""
    author_active = Subquery(
        User.objects.filter(pk=OuterRef("author_id")).values("is_active")[:1],
        output_field=BooleanField(),
    )
    return Post.objects.filter(
        _rule_q(
            viewer_id,
            "",
            RULE,
            not_blocked=not_blocked_with(viewer_id, "author_id"),
            connected=connected_with(viewer_id, "author_id"),
            author_active=Q(Exact(author_active, True)),
        )
    )


# --- The viewer's side of it -------------------------------------------------------------------


@dataclass
class Audience:
    """The viewer's connections and blocks, read once (two queries) and reused for a page."""

    viewer_id: int
    connected: set[int] = field(default_factory=set)
    blocked: set[int] = field(default_factory=set)

    @classmethod
    def of(cls, viewer: User | int) -> Audience:
        viewer_id = viewer if isinstance(viewer, int) else viewer.pk
        return cls(viewer_id, connected_ids(viewer_id), blocked_ids(viewer_id))

    def q(self, prefix: str = "", *, rule: Term = RULE) -> Q:
        """The rule as a filter on posts (`prefix` e.g. "post__" for comments)."""
        return _rule_q(
            self.viewer_id,
            prefix,
            rule,
            not_blocked=~Q(**{f"{prefix}author_id__in": self.blocked}),
            connected=Q(**{f"{prefix}author_id__in": self.connected}),
        )

    def allows(
        self,
        *,
        author_id: int,
        hidden: bool,
        visibility: str,
        author_active: Callable[[], bool],
    ) -> bool:
        """The rule on a post's values. `author_active` is asked only when the answer depends
        on it (on a `Post`, reading it may load the author)."""
        return _decide(self, PostFacts(author_id, hidden, visibility, author_active))

    def can_see(self, post: Post) -> bool:
        return self.allows(
            author_id=post.author_id,
            hidden=post.hidden_at is not None,
            visibility=post.visibility,
            author_active=lambda: post.author.is_active,
        )

    def sees_member(self, member_id: int) -> bool:
        return member_id not in self.blocked

    def posts(self) -> QuerySet[Post]:
        return Post.objects.filter(self.q())


@dataclass(frozen=True, slots=True)
class PostFacts:
    """What the rule reads of a post, however it was loaded."""

    author_id: int
    hidden: bool
    visibility: str
    author_active: Callable[[], bool]


type Check = Callable[[Audience, PostFacts], bool]

_CHECKS: dict[Fact, Check] = {
    Fact.OWN: lambda audience, post: post.author_id == audience.viewer_id,
    Fact.SHOWN: lambda audience, post: not post.hidden,
    Fact.AUTHOR_ACTIVE: lambda audience, post: post.author_active(),
    Fact.NOT_BLOCKED: lambda audience, post: post.author_id not in audience.blocked,
    Fact.COMMUNITY: lambda audience, post: post.visibility == Visibility.COMMUNITY,
    Fact.CONNECTED: lambda audience, post: post.author_id in audience.connected,
}


def _all_checks(parts: list[Check]) -> Check:
    def check(audience: Audience, post: PostFacts) -> bool:
        return all(part(audience, post) for part in parts)

    return check


def _any_checks(parts: list[Check]) -> Check:
    def check(audience: Audience, post: PostFacts) -> bool:
        return any(part(audience, post) for part in parts)

    return check


# Rendered once: a page asks it of every post it shows.
_decide: Check = render(RULE, _CHECKS.__getitem__, _all_checks, _any_checks)


def access_post_by_id(viewer: User, post_id: int, audience: Audience | None = None) -> Post:
    """A post the viewer may see, with its author and profile; not found otherwise (hidden,
    connections-only and not connected, blocked either way, missing)."""
    audience = audience or Audience.of(viewer)
    post = (
        Post.objects.select_related("author__profile", "reshare_of__author__profile", "event")
        .filter(pk=post_id)
        .first()
    )
    if post is None or not audience.can_see(post):
        raise NotFound("That post was not found.", code="not_found")
    return post


def access_comment_by_id(viewer: User, comment_id: int) -> Comment:
    """A comment on a post the viewer may see, not written by someone on either side of a
    block with them, and not hidden by a moderator (unless the viewer wrote it); not found
    otherwise."""
    audience = Audience.of(viewer)
    comment = Comment.objects.select_related("post__author", "author").filter(pk=comment_id).first()
    if (
        comment is None
        or not audience.can_see(comment.post)
        or not audience.sees_member(comment.author_id)
        or (comment.hidden_at is not None and comment.author_id != audience.viewer_id)
    ):
        raise NotFound("That comment was not found.", code="not_found")
    return comment
