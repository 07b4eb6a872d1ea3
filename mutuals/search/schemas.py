"""Search answers (docs/api.md "Search"): each kind's page in the list envelope."""

from __future__ import annotations

from datetime import datetime

from ninja import Field

from mutuals.accounts.models import User
from mutuals.accounts.schemas import MemberRefOut
from mutuals.core.schemas import Schema
from mutuals.core.search_terms import Terms
from mutuals.events.models import Event
from mutuals.feed.models import Post
from mutuals.messaging.models import Message
from mutuals.search.selectors import excerpt_text


class SearchMemberOut(Schema):
    id: int
    name: str
    headline: str
    company: str
    title: str
    topics: list[str]

    @staticmethod
    def build(member: User, topics: list[str]) -> SearchMemberOut:
        profile = member.profile
        return SearchMemberOut(
            id=member.pk,
            name=member.name,
            headline=profile.headline,
            company=profile.company,
            title=profile.title,
            topics=topics,
        )


class SearchPostOut(Schema):
    id: int
    author: MemberRefOut
    kind: str
    excerpt: str = Field(description="The part of the body around the first word matched")
    created_at: datetime

    @staticmethod
    def build(post: Post, terms: Terms) -> SearchPostOut:
        return SearchPostOut(
            id=post.pk,
            author=MemberRefOut.build(post.author),
            kind=post.kind,
            excerpt=excerpt_text(post.body, terms),
            created_at=post.created_at,
        )


class SearchEventOut(Schema):
    id: int
    title: str
    starts_at: datetime
    ends_at: datetime
    place: str
    cancelled: bool

    @staticmethod
    def build(event: Event) -> SearchEventOut:
        return SearchEventOut(
            id=event.pk,
            title=event.title,
            starts_at=event.starts_at,
            ends_at=event.ends_at,
            place=event.place,
            cancelled=event.is_cancelled,
        )


class SearchMessageOut(Schema):
    id: int
    conversation_id: int
    sender: MemberRefOut
    excerpt: str
    created_at: datetime

    @staticmethod
    def build(message: Message, terms: Terms) -> SearchMessageOut:
        return SearchMessageOut(
            id=message.pk,
            conversation_id=message.conversation_id,
            sender=MemberRefOut.build(message.sender),
            excerpt=excerpt_text(message.text, terms),
            created_at=message.created_at,
        )


class SearchMemberPage(Schema):
    items: list[SearchMemberOut]
    next: str | None


class SearchPostPage(Schema):
    items: list[SearchPostOut]
    next: str | None


class SearchEventPage(Schema):
    items: list[SearchEventOut]
    next: str | None


class SearchMessagePage(Schema):
    items: list[SearchMessageOut]
    next: str | None


class SearchOut(Schema):
    words: list[str] = Field(description="The words searched, each matched as a prefix")
    members: SearchMemberPage | None = Field(description="null when another kind was asked")
    posts: SearchPostPage | None
    events: SearchEventPage | None
    messages: SearchMessagePage | None
