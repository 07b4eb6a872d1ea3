"""Posts as the API shows them (PostOut's fields), as plain data: from a model instance, or
from a row of the feed's prepared page statement on PostgreSQL. The feed serializes its
pages from this directly; the schemas build PostOut from it."""

from __future__ import annotations

from typing import Any

from mutuals.accounts.photos import photo_url, photo_url_for
from mutuals.feed.models import Post


def post_data(
    post: Post, *, original_visible: bool = True, my_reaction: str = ""
) -> dict[str, Any]:
    """A post as the API shows it (PostOut's fields), as plain data: the feed serializes
    its pages from this directly."""
    original = post.reshare_of
    if hasattr(post, "topic_slugs"):
        topics = list(post.topic_slugs or [])
    else:
        topics = [t.slug for t in post.topics.all()]
    return {
        "id": post.pk,
        "author": _author(post),
        "kind": post.kind,
        "body": post.body,
        "visibility": post.visibility,
        "topics": topics,
        "opportunity_kind": post.opportunity_kind or None,
        "company": post.company,
        "referrals_welcome": post.referrals_welcome,
        "event_id": post.event_id,
        "reshare_of": {
            "id": original.pk,
            "author": _author(original),
            "kind": original.kind,
            "body": original.body,
            "created_at": original.created_at,
        }
        if original is not None and original_visible
        else None,
        "reshare_of_id": post.reshare_of_id if original_visible else None,
        "created_at": post.created_at,
        "edited_at": post.edited_at,
        "hidden": post.hidden_at is not None,
        "comment_count": post.comment_count,
        "reaction_count": post.reaction_count,
        "reshare_count": post.reshare_count,
        "my_reaction": my_reaction or None,
    }


def _author(post: Post) -> dict[str, Any]:
    return {
        "id": post.author_id,
        "name": post.author.name,
        "headline": post.author.profile.headline,
        "photo_url": photo_url(post.author),
    }


# Columns of `selectors._PAGE_SQL`, in order.
PAGE_COLUMNS = [
    "id",
    "author_id",
    "author_name",
    "author_active",
    "author_headline",
    "kind",
    "body",
    "visibility",
    "opportunity_kind",
    "company",
    "referrals_welcome",
    "event_id",
    "reshare_of_id",
    "created_at",
    "edited_at",
    "hidden_at",
    "comment_count",
    "reaction_count",
    "reshare_count",
    "topics",
    "my_reaction",
    "o_author_id",
    "o_author_name",
    "o_author_active",
    "o_author_headline",
    "o_kind",
    "o_body",
    "o_created_at",
    "o_visibility",
    "o_hidden_at",
    "author_photo_key",
    "o_author_photo_key",
]


def post_data_from_row(row: dict[str, Any], *, original_visible: bool) -> dict[str, Any]:
    """The same data as `post_data`, from a row of the page statement."""
    has_original = row["reshare_of_id"] is not None and original_visible
    return {
        "id": row["id"],
        "author": {
            "id": row["author_id"],
            "name": row["author_name"],
            "headline": row["author_headline"] or "",
            "photo_url": photo_url_for(row["author_id"], row["author_photo_key"]),
        },
        "kind": row["kind"],
        "body": row["body"],
        "visibility": row["visibility"],
        "topics": list(row["topics"] or []),
        "opportunity_kind": row["opportunity_kind"] or None,
        "company": row["company"],
        "referrals_welcome": row["referrals_welcome"],
        "event_id": row["event_id"],
        "reshare_of": {
            "id": row["reshare_of_id"],
            "author": {
                "id": row["o_author_id"],
                "name": row["o_author_name"],
                "headline": row["o_author_headline"] or "",
                "photo_url": photo_url_for(row["o_author_id"], row["o_author_photo_key"]),
            },
            "kind": row["o_kind"],
            "body": row["o_body"],
            "created_at": row["o_created_at"],
        }
        if has_original
        else None,
        "reshare_of_id": row["reshare_of_id"] if original_visible else None,
        "created_at": row["created_at"],
        "edited_at": row["edited_at"],
        "hidden": row["hidden_at"] is not None,
        "comment_count": row["comment_count"],
        "reaction_count": row["reaction_count"],
        "reshare_count": row["reshare_count"],
        "my_reaction": row["my_reaction"] or None,
    }
