"""API shapes for posts, comments, reactions, reshares, reports, the feed, topic follows and
contributions."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from mutuals.accounts.schemas import MemberRefOut
from mutuals.core.schemas import Schema
from mutuals.feed.models import MAX_BODY_LENGTH, MAX_COMMENT_LENGTH, Comment, Post
from mutuals.feed.serialize import post_data

PostKindIn = Literal["insight", "question", "opportunity", "event_recap"]
VisibilityIn = Literal["community", "connections"]
OpportunityKindIn = Literal["job", "project", "collaboration_call"]
ReactionKindIn = Literal["like", "insightful", "support"]


class PostIn(Schema):
    kind: PostKindIn
    body: str = Field(max_length=MAX_BODY_LENGTH * 2, description="@[Name](member id) mentions")
    visibility: VisibilityIn = "community"
    topics: list[str] = Field(default_factory=list, max_length=20)
    opportunity_kind: OpportunityKindIn | None = Field(default=None, description="opportunities")
    company: str = Field(default="", max_length=240, description="opportunities")
    referrals_welcome: bool = Field(default=False, description="opportunities")
    event_id: int | None = Field(default=None, description="event recaps: an event you attended")


class PostPatch(Schema):
    body: str | None = Field(default=None, max_length=MAX_BODY_LENGTH * 2)
    visibility: VisibilityIn | None = None
    topics: list[str] | None = Field(default=None, max_length=20)
    opportunity_kind: OpportunityKindIn | None = None
    company: str | None = Field(default=None, max_length=240)
    referrals_welcome: bool | None = None


class OriginalOut(Schema):
    id: int
    author: MemberRefOut
    kind: str
    body: str
    created_at: datetime


class PostOut(Schema):
    id: int
    author: MemberRefOut
    kind: str
    body: str
    visibility: str
    topics: list[str] = Field(description="topic slugs")
    opportunity_kind: str | None
    company: str
    referrals_welcome: bool
    event_id: int | None
    reshare_of: OriginalOut | None = Field(
        description="the reshared original; null when removed or not visible to you"
    )
    reshare_of_id: int | None
    created_at: datetime
    edited_at: datetime | None
    hidden: bool = Field(description="hidden by a moderator (only its author sees it)")
    comment_count: int
    reaction_count: int
    reshare_count: int
    my_reaction: str | None

    @staticmethod
    def build(post: Post, *, original_visible: bool = True, my_reaction: str = "") -> PostOut:
        return PostOut(
            **post_data(post, original_visible=original_visible, my_reaction=my_reaction)
        )


class PostPage(Schema):
    items: list[PostOut]
    next: str | None


class FeedItemOut(PostOut):
    score: float
    reasons: list[str] = Field(description="why it is in your feed, strongest first")


class FeedPageOut(Schema):
    items: list[FeedItemOut]
    next: str | None


class CommentIn(Schema):
    body: str = Field(max_length=MAX_COMMENT_LENGTH * 2)
    parent_id: int | None = Field(default=None, description="reply to this top-level comment")


class CommentOut(Schema):
    id: int
    post_id: int
    parent_id: int | None
    author: MemberRefOut
    body: str
    created_at: datetime
    hidden: bool = Field(
        description="hidden by a moderator: only its author is shown it, marked so"
    )

    @staticmethod
    def build(comment: Comment) -> CommentOut:
        return CommentOut(
            id=comment.pk,
            post_id=comment.post_id,
            parent_id=comment.parent_id,
            author=MemberRefOut.build(comment.author),
            body=comment.body,
            created_at=comment.created_at,
            hidden=comment.hidden_at is not None,
        )


class CommentPage(Schema):
    items: list[CommentOut]
    next: str | None


class ReactionIn(Schema):
    kind: ReactionKindIn


class ReactionsOut(Schema):
    post_id: int
    my_reaction: str | None
    counts: dict[str, int]


class ReshareIn(Schema):
    commentary: str = Field(max_length=MAX_BODY_LENGTH * 2)
    visibility: VisibilityIn = "community"


class TopicOut(Schema):
    slug: str
    name: str
    following: bool
    on_profile: bool


class TopicPage(Schema):
    items: list[TopicOut]
    next: str | None


class ContributionCounts(Schema):
    comment: int
    reaction: int
    reshare: int
    total: int


class ContributionPerson(Schema):
    member_id: int
    name: str
    count: int


class ContributionsOut(Schema):
    given: ContributionCounts
    received: ContributionCounts
    top_given: list[ContributionPerson]
    top_received: list[ContributionPerson]


class MentionSuggestionOut(Schema):
    id: int
    name: str
    token: str = Field(description="what to write in a post or comment: `@[Name](id)`")
    connected: bool = Field(description="one of your connections")


class MentionSuggestionPage(Schema):
    items: list[MentionSuggestionOut]
    next: str | None = Field(description="always null: a ranked short list")
