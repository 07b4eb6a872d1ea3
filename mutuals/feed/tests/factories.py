"""Helpers for feed tests: connected members with ties, and posts written through the rules."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from mutuals.accounts.models import User
from mutuals.connections.services import connection_create
from mutuals.engagement.models import Tie
from mutuals.feed import services
from mutuals.feed.models import Post


def connect(a: User, b: User, *, strength: float = 0.2, tier: str = "active") -> None:
    """Connect two members, with each one's tie at the given strength and tier."""
    connection = connection_create(member=a, other=b)
    for member, other in ((a, b), (b, a)):
        Tie.objects.create(
            member=member, other=other, connection=connection, strength=strength, tier=tier
        )


def make_post(author: User, body: str = "A note on supplier risk reviews.", **kwargs: Any) -> Post:
    kwargs.setdefault("kind", "insight")
    return services.post_create(author=author, body=body, **kwargs)


def backdate(post: Post, when: datetime) -> None:
    from mutuals.feed.models import PostTopic

    Post.objects.filter(pk=post.pk).update(created_at=when)
    PostTopic.objects.filter(post=post).update(created_at=when)
    post.created_at = when
