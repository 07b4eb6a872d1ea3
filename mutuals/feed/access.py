"""Who may see which post: the one place the visibility rules live.

A post is visible to its author always. To anyone else only when it is not hidden by a
moderator, its author is active and not on either side of a block with the viewer, and it is
either community-wide or the viewer is connected to the author. Every read path (the feed,
a member's posts, the post page, comments, reactions, reshares' originals, the API) goes
through an `Audience`, loaded once per request.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from mutuals.accounts.models import User
from mutuals.connections.selectors import blocked_ids, connected_ids
from mutuals.core.errors import NotFound
from mutuals.feed.models import Comment, Post, Visibility


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

    def q(self, prefix: str = "") -> Q:
        """The rule as a filter on posts (`prefix` e.g. "post__" for comments)."""
        others = (
            Q(**{f"{prefix}hidden_at__isnull": True})
            & Q(**{f"{prefix}author__is_active": True})
            & ~Q(**{f"{prefix}author_id__in": self.blocked})
            & (
                Q(**{f"{prefix}visibility": Visibility.COMMUNITY})
                | Q(**{f"{prefix}author_id__in": self.connected})
            )
        )
        return Q(**{f"{prefix}author_id": self.viewer_id}) | others

    def can_see(self, post: Post) -> bool:
        if post.author_id == self.viewer_id:
            return True
        if post.hidden_at is not None or post.author_id in self.blocked:
            return False
        if not post.author.is_active:
            return False
        return post.visibility == Visibility.COMMUNITY or post.author_id in self.connected

    def sees_member(self, member_id: int) -> bool:
        return member_id not in self.blocked

    def posts(self) -> QuerySet[Post]:
        return Post.objects.filter(self.q())


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
    block with them; not found otherwise."""
    audience = Audience.of(viewer)
    comment = Comment.objects.select_related("post__author", "author").filter(pk=comment_id).first()
    if (
        comment is None
        or not audience.can_see(comment.post)
        or not audience.sees_member(comment.author_id)
    ):
        raise NotFound("That comment was not found.", code="not_found")
    return comment
