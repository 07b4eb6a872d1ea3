"""Feed endpoints: posts, comments, reactions, reshares, the ranked feed, topic
follows and contribution counts. Thin: check access, call one service, shape the answer.

Every read goes through `feed.access` (a post the caller may not see answers 404, like one
that does not exist).
"""

from __future__ import annotations

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router
from ninja.responses import Status

from mutuals.accounts.api_auth import member
from mutuals.accounts.models import User
from mutuals.accounts.selectors import topics_search
from mutuals.core.ids import Id
from mutuals.core.pagination import keyset_page
from mutuals.core.schemas import refusals
from mutuals.feed import selectors, services
from mutuals.feed.access import Audience, access_post_by_id
from mutuals.feed.models import Comment, Post
from mutuals.feed.schemas import (
    CommentIn,
    CommentOut,
    CommentPage,
    ContributionCounts,
    ContributionPerson,
    ContributionsOut,
    FeedPageOut,
    MentionSuggestionOut,
    MentionSuggestionPage,
    PostIn,
    PostOut,
    PostPage,
    PostPatch,
    ReactionIn,
    ReactionsOut,
    ReshareIn,
    TopicOut,
    TopicPage,
)

router = Router(tags=["feed"])

LIMIT = Query(20, ge=1, le=100)  # type: ignore[type-arg]


def _post_out(viewer_audience: Audience, post_id: int) -> PostOut:
    post = selectors.posts_for_display([post_id])[post_id]
    selectors.annotate_for_viewer([post], viewer_audience)
    return PostOut.build(
        post,
        original_visible=post.original_visible,  # type: ignore[attr-defined]
        my_reaction=post.my_reaction,  # type: ignore[attr-defined]
    )


@router.get("/feed", response=FeedPageOut, operation_id="feed_list")
def feed_list(request: HttpRequest, cursor: str | None = None, limit: int = LIMIT) -> HttpResponse:
    """Your feed: posts by your connections and on topics you follow, ranked by relationship
    strength, recency and topic overlap, each with the reasons it is shown. The cursor keeps
    the ranking's clock, so pages neither repeat nor skip while you scroll."""
    items, next_cursor = selectors.feed_page_data(member(request), cursor=cursor, limit=limit)
    # The hottest endpoint serializes its page directly (FeedPageOut stays the documented
    # shape, and the tests validate answers against it): validating 20 nested objects
    # through the schema again would cost more than building the page.
    return HttpResponse(
        json.dumps({"items": items, "next": next_cursor}, cls=DjangoJSONEncoder),
        content_type="application/json",
    )


@router.post("/posts", response={201: PostOut}, operation_id="posts_create")
def posts_create(request: HttpRequest, payload: PostIn) -> Status[PostOut]:
    """Publish a post: insight, question, opportunity (with `opportunity_kind`, optional
    `company` and `referrals_welcome`) or event recap (`event_id` of an event you attended).
    Mention members with `@[Name](id)`. Refusals: `invalid_fields` (422)."""
    viewer = member(request)
    post = services.post_create(
        author=viewer,
        kind=payload.kind,
        body=payload.body,
        visibility=payload.visibility,
        topics=payload.topics,
        opportunity_kind=payload.opportunity_kind or "",
        company=payload.company,
        referrals_welcome=payload.referrals_welcome,
        event_id=payload.event_id,
    )
    return Status(201, _post_out(Audience.of(viewer), post.pk))


@router.get("/posts", response=PostPage, operation_id="posts_list")
def posts_list(
    request: HttpRequest,
    author: Id | None = None,
    cursor: str | None = None,
    limit: int = LIMIT,
) -> PostPage:
    """Posts you may see, newest first; `?author=` for one member's."""
    viewer = member(request)
    audience = Audience.of(viewer)
    rows, next_cursor = keyset_page(
        selectors.posts_by(viewer, author_id=author),
        keys=("-created_at", "-id"),
        cursor=cursor,
        limit=limit,
    )
    selectors.annotate_for_viewer(rows, audience)
    return PostPage(
        items=[
            PostOut.build(
                p,
                original_visible=p.original_visible,  # type: ignore[attr-defined]
                my_reaction=p.my_reaction,  # type: ignore[attr-defined]
            )
            for p in rows
        ],
        next=next_cursor,
    )


@router.get(
    "/posts/{post_id}",
    response={200: PostOut},
    operation_id="posts_get",
    openapi_extra=refusals({404: ["not_found"]}),
)
def posts_get(request: HttpRequest, post_id: int) -> PostOut:
    """One post you may see."""
    viewer = member(request)
    audience = Audience.of(viewer)
    access_post_by_id(viewer, post_id, audience)
    return _post_out(audience, post_id)


@router.patch(
    "/posts/{post_id}",
    response={200: PostOut},
    operation_id="posts_update",
    openapi_extra=refusals({403: ["not_post_author"], 404: ["not_found"]}),
)
def posts_update(request: HttpRequest, post_id: int, payload: PostPatch) -> PostOut:
    """Edit your post (body, visibility, topics; an opportunity's details). Refusals:
    `not_post_author` (403), `invalid_fields` (422)."""
    viewer = member(request)
    fields = payload.model_dump(exclude_unset=True)
    services.post_update(member=viewer, post_id=post_id, **fields)
    return _post_out(Audience.of(viewer), post_id)


@router.delete(
    "/posts/{post_id}",
    response={204: None},
    operation_id="posts_delete",
    openapi_extra=refusals({403: ["not_post_author"], 404: ["not_found"]}),
)
def posts_delete(request: HttpRequest, post_id: int) -> HttpResponse:
    """Delete your post with its comments and reactions. Refusals: `not_post_author` (403)."""
    services.post_delete(member=member(request), post_id=post_id)
    return HttpResponse(status=204)


@router.get(
    "/posts/{post_id}/comments",
    response={200: CommentPage},
    operation_id="comments_list",
    openapi_extra=refusals({404: ["not_found"]}),
)
def comments_list(
    request: HttpRequest, post_id: int, cursor: str | None = None, limit: int = LIMIT
) -> CommentPage:
    """The post's comments and replies, oldest first (a reply names its `parent_id`)."""
    viewer = member(request)
    audience = Audience.of(viewer)
    post = access_post_by_id(viewer, post_id, audience)
    rows, next_cursor = keyset_page(
        selectors.comments_page_queryset(audience, post),
        keys=("created_at", "id"),
        cursor=cursor,
        limit=limit,
    )
    return CommentPage(items=[CommentOut.build(c) for c in rows], next=next_cursor)


@router.post(
    "/posts/{post_id}/comments",
    response={201: CommentOut},
    operation_id="comments_create",
    openapi_extra=refusals({404: ["not_found"], 422: ["reply_too_deep"]}),
)
def comments_create(request: HttpRequest, post_id: int, payload: CommentIn) -> Status[CommentOut]:
    """Comment on a post, or reply to a top-level comment (`parent_id`). Refusals:
    `reply_too_deep`, `invalid_fields` (422), `not_found` (404)."""
    comment = services.comment_create(
        author=member(request), post_id=post_id, body=payload.body, parent_id=payload.parent_id
    )
    row = Comment.objects.select_related("author__profile").get(pk=comment.pk)
    return Status(201, CommentOut.build(row))


@router.delete(
    "/comments/{comment_id}",
    response={204: None},
    operation_id="comments_delete",
    openapi_extra=refusals({403: ["not_comment_author"], 404: ["not_found"]}),
)
def comments_delete(request: HttpRequest, comment_id: int) -> HttpResponse:
    """Remove your comment, or a comment on your post (with its replies)."""
    services.comment_delete(member=member(request), comment_id=comment_id)
    return HttpResponse(status=204)


def _reactions(viewer_audience: Audience, post: Post) -> ReactionsOut:
    mine = selectors.viewer_reactions(viewer_audience.viewer_id, [post.pk]).get(post.pk)
    return ReactionsOut(
        post_id=post.pk,
        my_reaction=mine,
        counts=selectors.reaction_summary(viewer_audience, post),
    )


@router.put(
    "/posts/{post_id}/reaction",
    response={200: ReactionsOut},
    operation_id="reactions_set",
    openapi_extra=refusals({404: ["not_found"]}),
)
def reactions_set(request: HttpRequest, post_id: int, payload: ReactionIn) -> ReactionsOut:
    """React (like, insightful, support), or change your reaction: one per post."""
    viewer = member(request)
    services.reaction_set(member=viewer, post_id=post_id, kind=payload.kind)
    audience = Audience.of(viewer)
    return _reactions(audience, access_post_by_id(viewer, post_id, audience))


@router.delete(
    "/posts/{post_id}/reaction",
    response={200: ReactionsOut},
    operation_id="reactions_delete",
    openapi_extra=refusals({404: ["not_found"]}),
)
def reactions_delete(request: HttpRequest, post_id: int) -> ReactionsOut:
    """Take back your reaction (the contribution it counted stays in your history)."""
    viewer = member(request)
    services.reaction_remove(member=viewer, post_id=post_id)
    audience = Audience.of(viewer)
    return _reactions(audience, access_post_by_id(viewer, post_id, audience))


@router.get(
    "/posts/{post_id}/reactions",
    response={200: ReactionsOut},
    operation_id="reactions_get",
    openapi_extra=refusals({404: ["not_found"]}),
)
def reactions_get(request: HttpRequest, post_id: int) -> ReactionsOut:
    """Reactions on a post by kind, and yours."""
    viewer = member(request)
    audience = Audience.of(viewer)
    return _reactions(audience, access_post_by_id(viewer, post_id, audience))


@router.post(
    "/posts/{post_id}/reshares",
    response={201: PostOut},
    operation_id="reshares_create",
    openapi_extra=refusals(
        {404: ["not_found"], 422: ["cannot_reshare_private", "original_removed"]}
    ),
)
def reshares_create(request: HttpRequest, post_id: int, payload: ReshareIn) -> Status[PostOut]:
    """Reshare a post with your commentary. Refusals: `cannot_reshare_private`,
    `original_removed`, `invalid_fields` (422)."""
    viewer = member(request)
    reshare = services.reshare_create(
        member=viewer, post_id=post_id, commentary=payload.commentary, visibility=payload.visibility
    )
    return Status(201, _post_out(Audience.of(viewer), reshare.pk))


def _topics(viewer: User) -> list[TopicOut]:
    return [_topic_out(row) for row in selectors.topics_for_follow_page(viewer)]


@router.get("/topics", response=TopicPage, operation_id="topics_list")
def topics_list(
    request: HttpRequest,
    q: str = Query("", max_length=60),  # type: ignore[type-arg]
    cursor: str | None = None,
    limit: int = Query(20, ge=1, le=100),  # type: ignore[type-arg]
) -> TopicPage:
    """Every topic members use, by slug, each with whether you follow it and whether it is on
    your profile; `q` filters by name or slug (what the composer and the profile suggest)."""
    viewer = member(request)
    rows, next_cursor = keyset_page(topics_search(q), keys=("slug",), cursor=cursor, limit=limit)
    followed = selectors.followed_topic_ids(viewer.pk)
    on_profile = set(viewer.profile.topics.values_list("pk", flat=True))
    return TopicPage(
        items=[
            TopicOut(
                slug=topic.slug,
                name=topic.name,
                following=topic.pk in followed,
                on_profile=topic.pk in on_profile,
            )
            for topic in rows
        ],
        next=next_cursor,
    )


def _topic_out(row: dict[str, object]) -> TopicOut:
    return TopicOut(
        slug=row["topic"].slug,  # type: ignore[attr-defined]
        name=row["topic"].name,  # type: ignore[attr-defined]
        following=bool(row["following"]),
        on_profile=bool(row["on_profile"]),
    )


@router.get("/topics/followed", response=TopicPage, operation_id="topics_followed_list")
def topics_followed_list(
    request: HttpRequest, cursor: str | None = None, limit: int = LIMIT
) -> TopicPage:
    """Your profile topics (followed unless you unfollowed them) and topics you follow, by
    name."""
    topics, flags = selectors.topics_of(member(request))
    rows, next_cursor = keyset_page(topics, keys=("name", "id"), cursor=cursor, limit=limit)
    return TopicPage(items=[_topic_out(row) for row in flags(rows)], next=next_cursor)


@router.put(
    "/topics/{slug}/follow",
    response={200: list[TopicOut]},
    operation_id="topics_follow",
    openapi_extra=refusals({404: ["not_found"]}),
)
def topics_follow(request: HttpRequest, slug: str) -> list[TopicOut]:
    """Follow a topic: its posts come into your feed."""
    viewer = member(request)
    services.topic_follow(member=viewer, topic=slug)
    return _topics(viewer)


@router.delete(
    "/topics/{slug}/follow",
    response={200: list[TopicOut]},
    operation_id="topics_unfollow",
    openapi_extra=refusals({404: ["not_found"]}),
)
def topics_unfollow(request: HttpRequest, slug: str) -> list[TopicOut]:
    """Stop following a topic (a profile topic stays on your profile)."""
    viewer = member(request)
    services.topic_unfollow(member=viewer, topic=slug)
    return _topics(viewer)


@router.get("/me/contributions", response=ContributionsOut, operation_id="contributions_get")
def contributions_get(request: HttpRequest) -> ContributionsOut:
    """What you gave (comments, reactions, reshares on your connections' posts) and received
    on yours, by kind: the engagement ledger's count, so only contributions between connected
    members count, and a reaction you took back still counts."""
    found = selectors.contributions_for(member(request))

    def counts(values: dict[str, int]) -> ContributionCounts:
        return ContributionCounts(
            comment=values["comment"],
            reaction=values["reaction"],
            reshare=values["reshare"],
            total=sum(values.values()),
        )

    return ContributionsOut(
        given=counts(found.given),
        received=counts(found.received),
        top_given=[
            ContributionPerson(member_id=u.pk, name=u.name, count=n) for u, n in found.top_given
        ],
        top_received=[
            ContributionPerson(member_id=u.pk, name=u.name, count=n) for u, n in found.top_received
        ],
    )


@router.get(
    "/mentions/suggestions",
    response=MentionSuggestionPage,
    operation_id="mentions_suggestions",
)
def mentions_suggestions(
    request: HttpRequest,
    q: str = Query(..., min_length=1, max_length=60),  # type: ignore[type-arg]
    limit: int = Query(selectors.MENTION_SUGGESTIONS, ge=1, le=20),  # type: ignore[type-arg]
) -> MentionSuggestionPage:
    """Whom `@q` could mention, as the composer suggests it: members whose name holds every
    word of `q`, your connections first, then by name; never you, never anyone on either side
    of a block with you. A ranked short list, not paginated: `next` is always null. Put an
    item's `token` in a post or comment to mention that member."""
    candidates = selectors.mention_candidates(member(request), q, limit=limit)
    return MentionSuggestionPage(
        items=[
            MentionSuggestionOut(id=c.id, name=c.name, token=c.token, connected=c.connected)
            for c in candidates
        ],
        next=None,
    )
