"""Every write on posts, comments, reactions, reshares, topic follows and reports.

Contributions count as engagement (docs/design.md §1 "Share and contribute"): a comment, a reaction
or a reshare is an interaction between its author and the post's author in the engagement
ledger, recorded through `interaction_record` with a source key per contribution (which only
counts between connected members, and is idempotent). The ledger is history: removing a
reaction or deleting a comment does not remove the interaction, and a reaction counts once
per member and post however often it is changed or re-added.

Mentions notify the mentioned member once per post or comment (the notification key names
both), and only when they can see what mentions them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.urls import reverse
from django.utils import timezone

from mutuals.accounts.models import Topic, User
from mutuals.accounts.services import topics_resolve
from mutuals.accounts.topics import topic_slug, topics_clean
from mutuals.connections.selectors import connected_ids
from mutuals.core.errors import NotAllowed, NotFound, Refused
from mutuals.engagement.models import InteractionKind
from mutuals.engagement.notifications import notify
from mutuals.engagement.services import interaction_record
from mutuals.feed import events_bridge, mentions
from mutuals.feed.access import Audience, access_comment_by_id, access_post_by_id
from mutuals.feed.models import (
    AUTHORED_KINDS,
    MAX_BODY_LENGTH,
    MAX_COMMENT_LENGTH,
    MAX_TOPICS_PER_POST,
    Comment,
    Mention,
    OpportunityKind,
    Post,
    PostKind,
    PostTopic,
    Reaction,
    ReactionKind,
    TopicFollow,
    Visibility,
)

# --- Validation helpers ----------------------------------------------------------------------


def _clean_body(body: str, field: str, limit: int, errors: dict[str, list[str]]) -> str:
    text = "\n".join(line.rstrip() for line in (body or "").strip().splitlines())
    if not text:
        errors.setdefault(field, []).append("Write something first.")
    elif len(text) > limit:
        errors.setdefault(field, []).append(f"Keep it under {limit} characters.")
    return text


def _with_typed_mentions(author: User, text: str) -> str:
    """Typed `@Full Name`s resolved into tokens, and every token's name made its member's
    current name (a token never says one name and means another member)."""
    if "@" not in text:
        return text
    candidates = User.objects.filter(pk__in=connected_ids(author.pk), is_active=True).values_list(
        "pk", "name"
    )
    return mentions.canonical(mentions.resolve_typed(text, list(candidates)))


def _event_for_recap(
    author: User, event_id: int | None, errors: dict[str, list[str]]
) -> int | None:
    """The event a recap is about: one the author attended."""
    if event_id is None:
        errors.setdefault("event_id", []).append("Choose the event this recap is about.")
        return None

    if not events_bridge.attended(author.pk, event_id):
        errors.setdefault("event_id", []).append("You can only recap an event you attended.")
        return None
    return event_id


# --- Posts -----------------------------------------------------------------------------------


@transaction.atomic
def post_create(
    *,
    author: User,
    kind: str,
    body: str,
    visibility: str = Visibility.COMMUNITY,
    topics: Sequence[str] = (),
    opportunity_kind: str = "",
    company: str = "",
    referrals_welcome: bool = False,
    event_id: int | None = None,
    at: datetime | None = None,
) -> Post:
    """Publish a post. Rules: an authored kind (a reshare is made with `reshare_create`); a
    body of 1–3000 characters; at most 5 topics; an opportunity names its kind (job, project
    or call for collaboration) and may name a company and welcome referrals; an event recap
    is about an event the author attended. Mentioned members who can see it are notified."""
    errors: dict[str, list[str]] = {}
    if kind not in AUTHORED_KINDS:
        errors.setdefault("kind", []).append(
            "Choose insight, question, opportunity or event recap."
        )
    if visibility not in Visibility.values:
        errors.setdefault("visibility", []).append("Choose community or connections.")
    text = _clean_body(body, "body", MAX_BODY_LENGTH, errors)
    topic_pairs = topics_clean(topics, errors, limit=MAX_TOPICS_PER_POST)
    company = " ".join((company or "").split())
    if kind == PostKind.OPPORTUNITY:
        if opportunity_kind not in OpportunityKind.values:
            errors.setdefault("opportunity_kind", []).append(
                "Say whether it is a job, a project or a call for collaboration."
            )
        if len(company) > 120:
            errors.setdefault("company", []).append("Keep the company under 120 characters.")
    else:
        opportunity_kind, company, referrals_welcome = "", "", False
    recap_event = (
        _event_for_recap(author, event_id, errors) if kind == PostKind.EVENT_RECAP else None
    )
    if errors:
        raise Refused.for_fields(errors)
    post = Post.objects.create(
        author=author,
        kind=kind,
        body=_with_typed_mentions(author, text),
        visibility=visibility,
        opportunity_kind=opportunity_kind,
        company=company,
        referrals_welcome=bool(referrals_welcome),
        created_at=at or timezone.now(),
        event_id=recap_event,
    )
    _set_topics(post, topic_pairs)
    _mentions_sync(post, None, post.body)
    return post


def _set_topics(post: Post, pairs: list[tuple[str, str]]) -> None:
    PostTopic.objects.filter(post=post).delete()
    topics = topics_resolve(pairs) if pairs else []
    if topics:
        PostTopic.objects.bulk_create(
            [PostTopic(post=post, topic=topic, created_at=post.created_at) for topic in topics]
        )
    post.topic_ids = ",".join(str(topic.pk) for topic in topics)
    Post.objects.filter(pk=post.pk).update(topic_ids=post.topic_ids)


def _own_post(member: User, post_id: int) -> Post:
    post = access_post_by_id(member, post_id)
    if post.author_id != member.pk:
        raise NotAllowed("Only the author can change this post.", code="not_post_author")
    return post


@transaction.atomic
def post_update(
    *,
    member: User,
    post_id: int,
    body: str | None = None,
    visibility: str | None = None,
    topics: Sequence[str] | None = None,
    opportunity_kind: str | None = None,
    company: str | None = None,
    referrals_welcome: bool | None = None,
) -> Post:
    """The author edits their post (the same rules as writing it; the kind stays). Members
    newly mentioned are notified; those mentioned before are not notified again."""
    post = _own_post(member, post_id)
    errors: dict[str, list[str]] = {}
    if body is not None:
        limit = MAX_BODY_LENGTH
        post.body = _with_typed_mentions(member, _clean_body(body, "body", limit, errors))
    if visibility is not None:
        if visibility not in Visibility.values:
            errors.setdefault("visibility", []).append("Choose community or connections.")
        post.visibility = visibility
    pairs = topics_clean(topics, errors, limit=MAX_TOPICS_PER_POST) if topics is not None else None
    if post.kind == PostKind.OPPORTUNITY:
        if opportunity_kind is not None:
            if opportunity_kind not in OpportunityKind.values:
                errors.setdefault("opportunity_kind", []).append(
                    "Say whether it is a job, a project or a call for collaboration."
                )
            post.opportunity_kind = opportunity_kind
        if company is not None:
            post.company = " ".join(company.split())[:120]
        if referrals_welcome is not None:
            post.referrals_welcome = referrals_welcome
    if errors:
        raise Refused.for_fields(errors)
    post.edited_at = timezone.now()
    post.save()
    if pairs is not None:
        _set_topics(post, pairs)
    _mentions_sync(post, None, post.body)
    return post


@transaction.atomic
def post_delete(*, member: User, post_id: int) -> None:
    """The author deletes their post with its comments and reactions. Reshares stay, showing
    that the original was removed; the ledger keeps the interactions it brought."""
    post = _own_post(member, post_id)
    if post.reshare_of_id:
        Post.objects.filter(pk=post.reshare_of_id).update(
            reshare_count=Greatest(F("reshare_count") - 1, 0)
        )
    post.delete()


# --- Comments --------------------------------------------------------------------------------


@transaction.atomic
def comment_create(
    *, author: User, post_id: int, body: str, parent_id: int | None = None
) -> Comment:
    """Comment on a post the author can see, or reply to a top-level comment on it (one level:
    a reply to a reply is refused with `reply_too_deep`; reply to the comment it answers).
    Counts as a comment between the commenter and the post's author (and the replied-to
    commenter); notifies them and anyone mentioned who can see the post."""
    audience = Audience.of(author)
    post = access_post_by_id(author, post_id, audience)
    parent = None
    if parent_id is not None:
        parent = Comment.objects.filter(pk=parent_id, post=post).first()
        if parent is None or not audience.sees_member(parent.author_id):
            raise NotFound("That comment was not found.", code="not_found")
        if parent.parent_id is not None:
            raise Refused(
                "Replies go one level deep: reply to the comment this reply answers.",
                code="reply_too_deep",
                detail={"parent_id": parent.parent_id},
            )
    errors: dict[str, list[str]] = {}
    text = _clean_body(body, "body", MAX_COMMENT_LENGTH, errors)
    if errors:
        raise Refused.for_fields(errors)
    now = timezone.now()
    comment = Comment.objects.create(
        post=post,
        author=author,
        parent=parent,
        body=_with_typed_mentions(author, text),
        created_at=now,
    )
    Post.objects.filter(pk=post.pk).update(comment_count=F("comment_count") + 1)
    url = reverse("post_detail", args=[post.pk]) + f"#comment-{comment.pk}"
    source = f"feed:comment:{comment.pk}"
    told: set[int] = {author.pk}
    if post.author_id != author.pk:
        interaction_record(
            actor=author,
            counterpart=post.author,
            kind=InteractionKind.COMMENT,
            at=now,
            source_key=source,
        )
        notify(
            member=post.author,
            key=f"feed:comment:{comment.pk}",
            kind="post_comment",
            title=f"{author.name} commented on your post",
            body=mentions.plain(comment.body)[:200],
            url=url,
        )
        told.add(post.author_id)
    if parent is not None and parent.author_id not in told:
        interaction_record(
            actor=author,
            counterpart=parent.author,
            kind=InteractionKind.COMMENT,
            at=now,
            source_key=f"feed:reply:{comment.pk}",
        )
        notify(
            member=parent.author,
            key=f"feed:reply:{comment.pk}",
            kind="comment_reply",
            title=f"{author.name} replied to your comment",
            body=mentions.plain(comment.body)[:200],
            url=url,
        )
    _mentions_sync(post, comment, comment.body)
    return comment


@transaction.atomic
def comment_delete(*, member: User, comment_id: int) -> None:
    """The commenter, or the post's author, removes a comment (with its replies)."""
    comment = access_comment_by_id(member, comment_id)
    if member.pk not in (comment.author_id, comment.post.author_id):
        raise NotAllowed(
            "Only the commenter or the post's author can remove a comment.",
            code="not_comment_author",
        )
    removed = 1 + comment.replies.count()
    Post.objects.filter(pk=comment.post_id).update(
        comment_count=Greatest(F("comment_count") - removed, 0)
    )
    comment.delete()


# --- Reactions -------------------------------------------------------------------------------


@transaction.atomic
def reaction_set(*, member: User, post_id: int, kind: str) -> Reaction:
    """React to a post (like, insightful, support): one reaction per member and post, which
    they may change. The first reaction to a post counts once as an interaction with its
    author; changing it or reacting again after removing it does not count again."""
    if kind not in ReactionKind.values:
        raise Refused.for_fields({"kind": ["Choose like, insightful or support."]})
    post = access_post_by_id(member, post_id)
    now = timezone.now()
    existing = Reaction.objects.select_for_update().filter(post=post, member=member).first()
    if existing is not None:
        if existing.kind != kind:
            existing.kind = kind
            existing.updated_at = now
            existing.save(update_fields=["kind", "updated_at"])
        return existing
    try:
        with transaction.atomic():
            reaction = Reaction.objects.create(
                post=post, member=member, kind=kind, created_at=now, updated_at=now
            )
    except IntegrityError:
        # Another request of the same member won the race; apply the kind to that row.
        Reaction.objects.filter(post=post, member=member).update(kind=kind, updated_at=now)
        return Reaction.objects.get(post=post, member=member)
    Post.objects.filter(pk=post.pk).update(reaction_count=F("reaction_count") + 1)
    if post.author_id != member.pk:
        interaction_record(
            actor=member,
            counterpart=post.author,
            kind=InteractionKind.REACTION,
            at=now,
            source_key=f"feed:reaction:{post.pk}",
        )
    return reaction


@transaction.atomic
def reaction_remove(*, member: User, post_id: int) -> None:
    """Take back one's reaction. The interaction it counted stays in the ledger: it happened.
    Removing a reaction that is not there is a no-op."""
    post = access_post_by_id(member, post_id)
    deleted, _ = Reaction.objects.filter(post=post, member=member).delete()
    if deleted:
        Post.objects.filter(pk=post.pk).update(reaction_count=Greatest(F("reaction_count") - 1, 0))


# --- Reshares --------------------------------------------------------------------------------


@transaction.atomic
def reshare_create(
    *, member: User, post_id: int, commentary: str, visibility: str = Visibility.COMMUNITY
) -> Post:
    """Reshare a post the member can see, with their commentary. Resharing a reshare shares
    its original. A connections-only post cannot be reshared (`cannot_reshare_private`): it
    would reach people its author did not choose. Counts as a reshare between the member and
    the original's author."""
    post = access_post_by_id(member, post_id)
    original = post.reshare_of if post.is_reshare else post
    if original is None:
        raise Refused("The original post was removed.", code="original_removed")
    if original.visibility != Visibility.COMMUNITY:
        raise Refused(
            "This post is for its author's connections only, so it cannot be reshared.",
            code="cannot_reshare_private",
        )
    errors: dict[str, list[str]] = {}
    text = _clean_body(commentary, "commentary", MAX_BODY_LENGTH, errors)
    if visibility not in Visibility.values:
        errors.setdefault("visibility", []).append("Choose community or connections.")
    if errors:
        raise Refused.for_fields(errors)
    now = timezone.now()
    reshare = Post.objects.create(
        author=member,
        kind=PostKind.RESHARE,
        body=_with_typed_mentions(member, text),
        visibility=visibility,
        reshare_of=original,
        created_at=now,
    )
    pairs = [(t.slug, t.name) for t in original.topics.all()]
    _set_topics(reshare, pairs)
    Post.objects.filter(pk=original.pk).update(reshare_count=F("reshare_count") + 1)
    if original.author_id != member.pk:
        interaction_record(
            actor=member,
            counterpart=original.author,
            kind=InteractionKind.RESHARE,
            at=now,
            source_key=f"feed:reshare:{reshare.pk}",
        )
        notify(
            member=original.author,
            key=f"feed:reshare:{reshare.pk}",
            kind="post_reshare",
            title=f"{member.name} reshared your post",
            body=mentions.plain(reshare.body)[:200],
            url=reverse("post_detail", args=[reshare.pk]),
        )
    _mentions_sync(reshare, None, reshare.body)
    return reshare


# --- Mentions --------------------------------------------------------------------------------


def _mentions_sync(post: Post, comment: Comment | None, text: str) -> None:
    """Record who `text` mentions and notify each newly mentioned member who can see the post
    (never the writer; never across a block). Keys make it safe to call again on an edit."""
    writer_id = comment.author_id if comment is not None else post.author_id
    ids = [pk for pk in mentions.mentioned_ids(text) if pk != writer_id]
    if not ids:
        return
    people = User.objects.filter(pk__in=ids, is_active=True)
    for person in people:
        audience = Audience.of(person)
        if not audience.can_see(post) or not audience.sees_member(writer_id):
            continue
        _, created = Mention.objects.get_or_create(post=post, comment=comment, member=person)
        if not created:
            continue
        writer = comment.author if comment is not None else post.author
        where = "a comment" if comment is not None else "a post"
        anchor = f"#comment-{comment.pk}" if comment is not None else ""
        key = (
            f"feed:mention:comment:{comment.pk}:{person.pk}"
            if comment is not None
            else f"feed:mention:post:{post.pk}:{person.pk}"
        )
        notify(
            member=person,
            key=key,
            kind="mention",
            title=f"{writer.name} mentioned you in {where}",
            body=mentions.plain(text)[:200],
            url=reverse("post_detail", args=[post.pk]) + anchor,
        )


# --- Moderation ------------------------------------------------------------------------------


@transaction.atomic
def post_set_hidden(*, post_id: int, hidden: bool) -> bool:
    """Hide a post from everyone but its author, or show it again. Who may, and the record
    of it, are moderation's (`moderation.services`). True when it changed; `not_found` for
    no such post."""
    post = Post.objects.select_for_update().filter(pk=post_id).first()
    if post is None:
        raise NotFound("That post was not found.")
    if (post.hidden_at is not None) == hidden:
        return False
    Post.objects.filter(pk=post_id).update(hidden_at=timezone.now() if hidden else None)
    return True


@transaction.atomic
def comment_set_hidden(*, comment_id: int, hidden: bool) -> bool:
    """Hide a comment from everyone but its author, or show it again (as `post_set_hidden`)."""
    comment = Comment.objects.select_for_update().filter(pk=comment_id).first()
    if comment is None:
        raise NotFound("That comment was not found.")
    if (comment.hidden_at is not None) == hidden:
        return False
    Comment.objects.filter(pk=comment_id).update(hidden_at=timezone.now() if hidden else None)
    return True


# --- Topics ----------------------------------------------------------------------------------


def _topic(name_or_slug: str) -> Topic:
    topic = Topic.objects.filter(slug=topic_slug(name_or_slug)).first()
    if topic is None:
        raise NotFound("No such topic.", code="not_found")
    return topic


@transaction.atomic
def topic_follow(*, member: User, topic: str) -> Topic:
    """Follow a topic (by slug or name): its posts come into the member's feed. Idempotent."""
    row = _topic(topic)
    TopicFollow.objects.update_or_create(
        member=member, topic=row, defaults={"following": True, "created_at": timezone.now()}
    )
    return row


@transaction.atomic
def topic_unfollow(*, member: User, topic: str) -> Topic:
    """Stop following a topic, including one listed on the member's profile (recorded as an
    explicit unfollow, so the profile keeps the topic). Idempotent."""
    row = _topic(topic)
    TopicFollow.objects.update_or_create(
        member=member, topic=row, defaults={"following": False, "created_at": timezone.now()}
    )
    return row
