"""Reads shared by the feed's pages and API: the ranked feed, followed topics, a post's
comments and reactions, and contribution counts.

The feed (`feed_page`) is built from at most three index range scans, each bounded by the
page's reference time and the feed window and capped at CANDIDATES_PER_SOURCE rows:

1. recent posts by the viewer and their connections (index post(author, -created_at));
2. recent posts on the topics the viewer follows (index post_topic(topic, -created_at));
3. only when those two find nothing (a new member): recent community-wide posts, so the
   feed is never an empty page (index post(-created_at, -id)).

The candidates are scored in Python by `ranking.score` and ordered by (score, id) descending;
the cursor carries the reference time and the last (score, id), so later pages score with the
same clock and continue exactly where the previous one stopped, whatever was posted since.
"""

from __future__ import annotations

import heapq
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
from django.db import connection as db_connection
from django.db.models import Count, FilteredRelation, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from mutuals.accounts.models import TOPIC_ORDER, Profile, Topic, User
from mutuals.connections.invitations import ContextSource, RecipientMaterial
from mutuals.connections.models import Connection, ContextKind
from mutuals.connections.selectors import blocked_ids
from mutuals.core.compiled import CompiledQuery
from mutuals.core.errors import MutualsError
from mutuals.core.pagination import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    InvalidCursor,
    cursor_float,
    cursor_id,
    decode_cursor,
)
from mutuals.core.pagination import encode_cursor as _encode
from mutuals.engagement.models import Interaction, InteractionKind, Tie
from mutuals.feed import ranking
from mutuals.feed.access import RULE, Audience, Fact, assuming, posts_visible_to, visible_sql
from mutuals.feed.mentions import current_names, plain
from mutuals.feed.models import (
    Comment,
    Post,
    PostTopic,
    Reaction,
    ReactionKind,
    TopicFollow,
)
from mutuals.feed.serialize import PAGE_COLUMNS, post_data, post_data_from_row

# How many of a recipient's latest posts the personalization engine reads.
MATERIAL_POSTS = 20

FEED_WINDOW = timedelta(days=45)
CANDIDATES_PER_SOURCE = 400
CANDIDATES_PER_TOPIC = 50
# A connection whose tie the engagement app has not computed yet (Tie's default strength).
DEFAULT_STRENGTH = Tie._meta.get_field("strength").get_default()
CONTRIBUTION_KINDS = (InteractionKind.COMMENT, InteractionKind.REACTION, InteractionKind.RESHARE)


# --- Topics ----------------------------------------------------------------------------------


def followed_topic_ids(member_id: int) -> set[int]:
    """Profile topics (followed by default) plus explicit follows, minus explicit unfollows."""
    profile_topics = set(
        Profile.topics.through.objects.filter(profile__user_id=member_id).values_list(
            "topic_id", flat=True
        )
    )
    choices = dict(
        TopicFollow.objects.filter(member_id=member_id).values_list("topic_id", "following")
    )
    followed = {tid for tid in profile_topics if choices.get(tid, True)}
    followed |= {tid for tid, following in choices.items() if following}
    return followed


def topics_for_follow_page(member: User) -> list[dict[str, object]]:
    """Every topic the member follows or lists, with whether it is followed and why."""
    topics, flags = topics_of(member)
    return flags(list(topics.order_by(*TOPIC_ORDER)))


def topics_of(
    member: User,
) -> tuple[QuerySet[Topic], Callable[[list[Topic]], list[dict[str, object]]]]:
    """The topics the member follows or lists (to order and page), and how to flag a page of
    them with whether each is followed and why."""
    profile_topics = set(
        Profile.topics.through.objects.filter(profile__user_id=member.pk).values_list(
            "topic_id", flat=True
        )
    )
    choices = dict(TopicFollow.objects.filter(member=member).values_list("topic_id", "following"))

    def flags(topics: list[Topic]) -> list[dict[str, object]]:
        rows = []
        for topic in topics:
            on_profile = topic.pk in profile_topics
            following = choices.get(topic.pk, on_profile)
            rows.append({"topic": topic, "following": following, "on_profile": on_profile})
        return rows

    return Topic.objects.filter(pk__in=profile_topics | set(choices)), flags


def popular_topics(*, exclude: set[int], limit: int = 12) -> list[Topic]:
    """Topics with the most posts in the feed window, to suggest following."""
    since = timezone.now() - FEED_WINDOW
    ids = [
        row["topic_id"]
        for row in PostTopic.objects.filter(created_at__gte=since)
        .exclude(topic_id__in=exclude)
        .values("topic_id")
        .annotate(n=Count("id"))
        .order_by("-n", "topic_id")[:limit]
    ]
    topics = {t.pk: t for t in Topic.objects.filter(pk__in=ids)}
    return [topics[i] for i in ids if i in topics]


# --- Loading posts for display ---------------------------------------------------------------


def posts_for_display(
    ids: list[int], *, with_event: bool = True, viewer_id: int | None = None
) -> dict[int, Post]:
    """Posts by id with what a card shows: author and profile, topics, the reshared original
    (and the recap's event, which only pages show). With `viewer_id`, each post carries the
    viewer's reaction (`my_reaction`) from the same query. On PostgreSQL the topics come in
    the same query too (`topic_slugs`), so a feed page of the API is one query."""
    if not ids:
        return {}
    related = ["author__profile", "reshare_of__author__profile"]
    if with_event:
        related.append("event")
    rows = Post.objects.filter(pk__in=ids).select_related(*related)
    if viewer_id is not None:
        rows = rows.annotate(
            my_reaction=Subquery(
                Reaction.objects.filter(post_id=OuterRef("pk"), member_id=viewer_id).values("kind")[
                    :1
                ]
            )
        )
    if db_connection.vendor == "postgresql" and not with_event:
        rows = rows.annotate(topic_slugs=RawSQL(_TOPIC_SLUGS_SQL, ()))  # noqa: S611 - constant
    else:
        ordered = Topic.objects.order_by(*TOPIC_ORDER)
        rows = rows.prefetch_related(Prefetch("topics", queryset=ordered))
    return {post.pk: post for post in rows}


_TOPIC_SLUGS_SQL = (
    "ARRAY(SELECT t.slug FROM feed_posttopic pt JOIN accounts_topic t ON t.id = pt.topic_id "
    'WHERE pt.post_id = "feed_post"."id" ORDER BY t.name)'
)


def viewer_reactions(viewer_id: int, post_ids: list[int]) -> dict[int, str]:
    return dict(
        Reaction.objects.filter(member_id=viewer_id, post_id__in=post_ids).values_list(
            "post_id", "kind"
        )
    )


def annotate_for_viewer(posts: list[Post], audience: Audience) -> None:
    """Set `my_reaction` and `original_visible` on each post (one query for the reactions,
    none when `posts_for_display` already loaded them)."""
    missing = [p.pk for p in posts if not hasattr(p, "my_reaction")]
    mine = viewer_reactions(audience.viewer_id, missing) if missing else {}
    for post in posts:
        if not hasattr(post, "my_reaction"):
            post.my_reaction = mine.get(post.pk, "")  # type: ignore[attr-defined]
        post.my_reaction = post.my_reaction or ""  # type: ignore[attr-defined]
        original = post.reshare_of
        post.original_visible = original is not None and audience.can_see(original)  # type: ignore[attr-defined]


# --- The feed --------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedItem:
    post: Post
    score: float
    reasons: list[str]


@dataclass(frozen=True)
class FeedPage:
    items: list[FeedItem]
    next: str | None
    reference: datetime


def _decode(cursor: str) -> tuple[datetime, float, int]:
    reference_raw, last_score, last_id = decode_cursor(cursor, 3)
    try:
        reference = parse_datetime(reference_raw) if isinstance(reference_raw, str) else None
        if reference is not None and reference.tzinfo is not None:
            reference = reference.astimezone(UTC)
    except (ValueError, OverflowError) as exc:
        raise InvalidCursor from exc
    if reference is None or reference.tzinfo is None:
        raise InvalidCursor
    return reference, cursor_float(last_score), cursor_id(last_id)


@dataclass
class _Gathered:
    """What a feed page is ranked from: candidate posts (author, time, followed topic slugs
    on it), the viewer's connections with their tie (strength, tier), and blocked ids."""

    found: dict[int, tuple[int, datetime, list[str]]]
    network: dict[int, tuple[float, str]]
    blocked: set[int]


def _network(viewer_id: int) -> tuple[dict[int, tuple[float, str]], set[int]]:
    """The viewer's connections with their tie (strength, tier), in one query (a connection
    whose tie is not computed yet gets the tie's default), and the blocked ids in another."""
    network: dict[int, tuple[float, str]] = {}
    rows = (
        Connection.objects.filter(Q(member_low_id=viewer_id) | Q(member_high_id=viewer_id))
        .annotate(mine=FilteredRelation("ties", condition=Q(ties__member_id=viewer_id)))
        .values_list("member_low_id", "member_high_id", "mine__strength", "mine__tier")
    )
    for low, high, strength, tier in rows:
        other = high if low == viewer_id else low
        network[other] = (strength or DEFAULT_STRENGTH, tier or "acquaintance")
    return network, blocked_ids(viewer_id)


def _followed_slugs(member_id: int) -> dict[int, str]:
    """Followed topic id → slug (profile topics unless unfollowed, plus explicit follows)."""
    followed = dict(
        Profile.topics.through.objects.filter(profile__user_id=member_id).values_list(
            "topic_id", "topic__slug"
        )
    )
    for topic_id, slug, following in TopicFollow.objects.filter(member_id=member_id).values_list(
        "topic_id", "topic__slug", "following"
    ):
        if following:
            followed[topic_id] = slug
        else:
            followed.pop(topic_id, None)
    return followed


def _overlap(topic_ids: str, followed: dict[int, str]) -> list[str]:
    """Slugs of the followed topics among a post's comma-separated topic ids."""
    return [followed[int(t)] for t in topic_ids.split(",") if t and int(t) in followed]


# What the candidate scans (both paths) filter by: the visibility rule, except whether the
# author is still active. On PostgreSQL that fact inside the scans is a look-up per scanned
# row (the gather statement's median execution went from 1.7 to 3.0 ms, benchmarks/feed.py
# data, 200 members, 2026-12-02), so it is checked once per candidate after the scans
# (`_active_authors_only`, and the last step of `_GATHER_SQL`): a deactivated or suspended
# author's post never takes a ranking slot, so a page is never short for it.
_CANDIDATES = assuming(RULE, Fact.AUTHOR_ACTIVE)


def _gather_orm(viewer_id: int, since: datetime, reference: datetime) -> _Gathered:
    """The portable way (SQLite): a handful of small indexed queries, each filtered by the
    candidates' rule as the ORM reads it (`Audience.q`)."""
    network, blocked = _network(viewer_id)
    audience = Audience(viewer_id, set(network), blocked)
    followed = _followed_slugs(viewer_id)
    in_window = Q(created_at__gt=since, created_at__lte=reference)
    found: dict[int, tuple[int, datetime, list[str]]] = {}
    for post_id, author_id, created_at, topic_ids in (
        Post.objects.filter(
            in_window, audience.q(rule=_CANDIDATES), author_id__in=set(network) | {viewer_id}
        )
        .order_by("-created_at")
        .values_list("id", "author_id", "created_at", "topic_ids")[:CANDIDATES_PER_SOURCE]
    ):
        found[post_id] = (author_id, created_at, _overlap(topic_ids, followed))
    # One ordered, limited scan per topic: `topic IN (...)` cannot walk the index in time
    # order, so on popular topics it would sort every post of the window.
    for topic_id in sorted(followed):
        scan = PostTopic.objects.filter(
            in_window, audience.q("post__", rule=_CANDIDATES), topic_id=topic_id
        )
        for post_id, author_id, created_at, topic_ids in scan.order_by("-created_at").values_list(
            "post_id", "post__author_id", "created_at", "post__topic_ids"
        )[:CANDIDATES_PER_TOPIC]:
            found.setdefault(post_id, (author_id, created_at, _overlap(topic_ids, followed)))
    return _Gathered(_active_authors_only(found), network, blocked)


def _active_authors_only(
    found: dict[int, tuple[int, datetime, list[str]]],
) -> dict[int, tuple[int, datetime, list[str]]]:
    """The candidates whose author is still active (one query over their distinct authors)."""
    authors = {author_id for author_id, _, _ in found.values()}
    if not authors:
        return found
    inactive = set(
        User.objects.filter(pk__in=authors, is_active=False).values_list("pk", flat=True)
    )
    if not inactive:
        return found
    return {pk: value for pk, value in found.items() if value[0] not in inactive}


# The same candidates, connections and blocks as `_gather_orm`, in one round trip: on a busy
# server each round trip costs more than the work, so PostgreSQL gets one statement. Both
# candidate scans filter by the candidates' rule as SQL reads it (`visible_sql`; the same tree
# as `Audience.q` renders: mutuals/feed/tests/test_visibility.py holds the paths to one answer).
_VISIBLE = visible_sql(
    post="p",
    viewer="%(v)s",
    connected="SELECT other FROM net",
    blocked="SELECT other FROM blk",
    rule=_CANDIDATES,
)
_GATHER_SQL = """
WITH net AS (
    SELECT CASE WHEN c.member_low_id = %(v)s THEN c.member_high_id ELSE c.member_low_id END
               AS other,
           t.strength, t.tier
    FROM connections_connection c
    LEFT JOIN engagement_tie t ON t.connection_id = c.id AND t.member_id = %(v)s
    WHERE c.member_low_id = %(v)s OR c.member_high_id = %(v)s
), blk AS (
    SELECT CASE WHEN b.blocker_id = %(v)s THEN b.blocked_id ELSE b.blocker_id END AS other
    FROM connections_block b
    WHERE b.blocker_id = %(v)s OR b.blocked_id = %(v)s
), authors AS (
    SELECT other AS id FROM net UNION SELECT %(v)s
), fol AS (
    SELECT pt.topic_id FROM accounts_profile_topics pt
    JOIN accounts_profile pr ON pr.id = pt.profile_id
    WHERE pr.user_id = %(v)s AND NOT EXISTS (
        SELECT 1 FROM feed_topicfollow f
        WHERE f.member_id = %(v)s AND f.topic_id = pt.topic_id AND NOT f.following)
    UNION
    SELECT f.topic_id FROM feed_topicfollow f WHERE f.member_id = %(v)s AND f.following
), by_author AS (
    SELECT p.id, p.author_id, p.created_at, p.topic_ids FROM feed_post p
    WHERE p.author_id IN (SELECT id FROM authors)
      AND p.created_at > %(since)s AND p.created_at <= %(ref)s
      AND {visible}
    ORDER BY p.created_at DESC LIMIT %(per_source)s
), on_topic AS (
    SELECT x.id, x.author_id, x.created_at, x.topic_ids FROM fol CROSS JOIN LATERAL (
        SELECT pt.post_id AS id, p.author_id, pt.created_at, p.topic_ids
        FROM feed_posttopic pt JOIN feed_post p ON p.id = pt.post_id
        WHERE pt.topic_id = fol.topic_id
          AND pt.created_at > %(since)s AND pt.created_at <= %(ref)s
          AND {visible}
        ORDER BY pt.created_at DESC LIMIT %(per_topic)s
    ) x
), cand AS (
    SELECT * FROM by_author UNION SELECT * FROM on_topic
)
SELECT 'p', id, author_id, created_at, NULL::double precision, topic_ids FROM cand
WHERE EXISTS (SELECT 1 FROM accounts_user u WHERE u.id = cand.author_id AND u.is_active)
UNION ALL
SELECT 'f', fol.topic_id, NULL, NULL, NULL, t.slug
FROM fol JOIN accounts_topic t ON t.id = fol.topic_id
UNION ALL SELECT 'n', other, NULL, NULL, strength, tier FROM net
UNION ALL SELECT 'b', other, NULL, NULL, NULL, NULL FROM blk
""".replace("{visible}", _VISIBLE)


def _gather_pg(viewer_id: int, since: datetime, reference: datetime) -> _Gathered:
    params: dict[str, int | datetime] = {
        "v": viewer_id,
        "since": since,
        "ref": reference,
        "per_source": CANDIDATES_PER_SOURCE,
        "per_topic": CANDIDATES_PER_TOPIC,
    }
    gathered = _Gathered({}, {}, set())
    posts: list[tuple[int, int, datetime, str]] = []
    followed: dict[int, str] = {}
    # A prepared statement on the raw connection (server-side binding): planning this
    # statement costs more than running it, and a persistent connection plans it once.
    db_connection.ensure_connection()
    with psycopg.Cursor(db_connection.connection) as cursor:
        cursor.execute(_GATHER_SQL, params, prepare=True)
        for row_kind, key, other, created_at, strength, text in cursor.fetchall():
            if row_kind == "p":
                posts.append((key, other, created_at, text or ""))
            elif row_kind == "f":
                followed[key] = text
            elif row_kind == "n":
                gathered.network[key] = (strength or DEFAULT_STRENGTH, text or "acquaintance")
            else:
                gathered.blocked.add(key)
    for post_id, author_id, created_at, topic_ids in posts:
        gathered.found[post_id] = (author_id, created_at, _overlap(topic_ids, followed))
    return gathered


@dataclass(frozen=True)
class _Ranked:
    page: list[tuple[float, int, ranking.Candidate]]
    next: str | None
    reference: datetime
    audience: Audience


def _rank(viewer: User, *, cursor: str | None, limit: int | None, now: datetime | None) -> _Ranked:
    limit = DEFAULT_LIMIT if limit is None else limit
    if not 1 <= limit <= MAX_LIMIT:
        raise MutualsError(f"limit must be between 1 and {MAX_LIMIT}.", code="invalid_limit")
    after: tuple[float, int] | None = None
    if cursor:
        reference, last_score, last_id = _decode(cursor)
        after = (last_score, last_id)
    else:
        reference = now or timezone.now()
    since = reference - FEED_WINDOW
    gather = _gather_pg if db_connection.vendor == "postgresql" else _gather_orm
    gathered = gather(viewer.pk, since, reference)
    network, found = gathered.network, gathered.found
    audience = Audience(viewer.pk, set(network), gathered.blocked)
    if not found:
        for post_id, author_id, created_at in (
            Post.objects.filter(created_at__gt=since, created_at__lte=reference)
            .filter(audience.q())
            .order_by("-created_at", "-id")
            .values_list("id", "author_id", "created_at")[:CANDIDATES_PER_SOURCE]
        ):
            found[post_id] = (author_id, created_at, [])

    scored: list[tuple[float, int]] = []
    for post_id, (author_id, created_at, slugs) in found.items():
        tie = network.get(author_id, (0.0, ""))
        strength = ranking.OWN if author_id == viewer.pk else tie[0]
        value = ranking.raw_score(
            (reference - created_at).total_seconds(), strength, len(set(slugs))
        )
        if after is not None and (value, post_id) >= after:
            continue
        scored.append((value, post_id))
    best = heapq.nlargest(limit + 1, scored)
    page = []
    for value, post_id in best[:limit]:
        author_id, created_at, slugs = found[post_id]
        strength, tier = network.get(author_id, (0.0, ""))
        candidate = ranking.Candidate(
            post_id=post_id,
            author_id=author_id,
            created_at=created_at,
            strength=strength,
            tier=tier,
            own=author_id == viewer.pk,
            followed_topics=tuple(sorted(set(slugs))),
        )
        page.append((value, post_id, candidate))
    next_cursor = None
    if len(best) > limit and page:
        last_value, last_id, _ = page[-1]
        next_cursor = _encode([reference.isoformat(), last_value, last_id])
    return _Ranked(page, next_cursor, reference, audience)


def feed_page(
    viewer: User,
    *,
    cursor: str | None = None,
    limit: int | None = None,
    now: datetime | None = None,
    for_html: bool = False,
) -> FeedPage:
    """One page of the viewer's ranked feed (see the module docstring)."""
    ranked = _rank(viewer, cursor=cursor, limit=limit, now=now)
    posts = posts_for_display(
        [post_id for _, post_id, _ in ranked.page], with_event=for_html, viewer_id=viewer.pk
    )
    items = []
    for value, post_id, candidate in ranked.page:
        post = posts.get(post_id)
        # Deleted between the two reads, or its author deactivated: skipped, the cursor holds.
        if post is None or not ranked.audience.can_see(post):
            continue
        first = post.author.get_short_name()
        items.append(FeedItem(post, value, ranking.reasons(candidate, first)))
    annotate_for_viewer([item.post for item in items], ranked.audience)
    return FeedPage(items=items, next=ranked.next, reference=ranked.reference)


def feed_page_data(
    viewer: User, *, cursor: str | None = None, limit: int | None = None
) -> tuple[list[dict[str, Any]], str | None]:
    """The same page as `feed_page`, as the API's plain data (each post's fields, `score`
    and `reasons`). On PostgreSQL the page's posts come from a second prepared statement
    instead of the ORM: the API's hottest read costs two round trips and little Python."""
    if db_connection.vendor != "postgresql":
        page = feed_page(viewer, cursor=cursor, limit=limit)
        return [
            {
                **post_data(
                    item.post,
                    original_visible=item.post.original_visible,  # type: ignore[attr-defined]
                    my_reaction=item.post.my_reaction,  # type: ignore[attr-defined]
                ),
                "score": item.score,
                "reasons": item.reasons,
            }
            for item in page.items
        ], page.next
    ranked = _rank(viewer, cursor=cursor, limit=limit, now=None)
    rows: dict[int, dict[str, Any]] = {}
    if ranked.page:
        db_connection.ensure_connection()
        with psycopg.Cursor(db_connection.connection) as db_cursor:
            db_cursor.execute(
                _PAGE_SQL,
                {"ids": [post_id for _, post_id, _ in ranked.page], "v": viewer.pk},
                prepare=True,
            )
            for values in db_cursor.fetchall():
                fetched = dict(zip(PAGE_COLUMNS, values, strict=True))
                rows[fetched["id"]] = fetched
    audience = ranked.audience
    items = []
    for value, post_id, candidate in ranked.page:
        row = rows.get(post_id)
        if row is None or not _row_visible(audience, row, ""):
            continue
        original_visible = row["reshare_of_id"] is not None and _row_visible(audience, row, "o_")
        items.append(
            {
                **post_data_from_row(row, original_visible=original_visible),
                "score": value,
                "reasons": ranking.reasons(candidate, (row["author_name"] or "").split(" ")[0]),
            }
        )
    return items, ranked.next


def _row_visible(audience: Audience, row: dict[str, Any], prefix: str) -> bool:
    """The visibility rule on a row of the page statement (`o_` for the reshared original)."""
    return audience.allows(
        author_id=row[f"{prefix}author_id"],
        hidden=row[f"{prefix}hidden_at"] is not None,
        visibility=row[f"{prefix}visibility"],
        author_active=lambda: bool(row[f"{prefix}author_active"]),
    )


_PAGE_SQL = """
SELECT p.id, p.author_id, u.name, u.is_active, pr.headline, p.kind, p.body, p.visibility,
       p.opportunity_kind, p.company, p.referrals_welcome, p.event_id, p.reshare_of_id,
       p.created_at, p.edited_at, p.hidden_at, p.comment_count, p.reaction_count,
       p.reshare_count,
       ARRAY(SELECT t.slug FROM feed_posttopic pt JOIN accounts_topic t ON t.id = pt.topic_id
             WHERE pt.post_id = p.id ORDER BY t.name),
       (SELECT r.kind FROM feed_reaction r WHERE r.post_id = p.id AND r.member_id = %(v)s),
       o.author_id, ou.name, ou.is_active, opr.headline, o.kind, o.body, o.created_at,
       o.visibility, o.hidden_at, u.photo_key, ou.photo_key
FROM feed_post p
JOIN accounts_user u ON u.id = p.author_id
LEFT JOIN accounts_profile pr ON pr.user_id = p.author_id
LEFT JOIN feed_post o ON o.id = p.reshare_of_id
LEFT JOIN accounts_user ou ON ou.id = o.author_id
LEFT JOIN accounts_profile opr ON opr.user_id = o.author_id
WHERE p.id = ANY(%(ids)s)
"""


# --- Posts, comments, reactions --------------------------------------------------------------


def posts_by(viewer: User, *, author_id: int | None = None) -> QuerySet[Post]:
    """Posts the viewer may see, newest first; a member's own when `author_id` is given."""
    rows = (
        Audience.of(viewer)
        .posts()
        .select_related("author__profile", "reshare_of__author__profile", "event")
    )
    if author_id is not None:
        rows = rows.filter(author_id=author_id)
    return rows.prefetch_related(Prefetch("topics", queryset=Topic.objects.order_by(*TOPIC_ORDER)))


def comment_shown_to(audience: Audience) -> Q:
    """Comments the viewer may see on a post they may see: none by members on either side of
    a block with them, and none a moderator hid unless they wrote it."""
    return ~Q(author_id__in=audience.blocked) & (
        Q(hidden_at__isnull=True) | Q(author_id=audience.viewer_id)
    )


def comments_for(audience: Audience, post: Post) -> list[Comment]:
    """Top-level comments, oldest first, each with `.thread` (its replies, oldest first);
    comments by members on either side of a block with the viewer, and comments a moderator
    hid (but to their author), are left out (`comment_shown_to`)."""
    rows = list(
        Comment.objects.filter(post=post)
        .filter(comment_shown_to(audience))
        .select_related("author__profile")
        .order_by("created_at", "id")
    )
    replies: dict[int, list[Comment]] = defaultdict(list)
    for row in rows:
        if row.parent_id is not None:
            replies[row.parent_id].append(row)
    top = [row for row in rows if row.parent_id is None]
    for row in top:
        row.thread = replies.get(row.pk, [])  # type: ignore[attr-defined]
    return top


def comments_page_queryset(audience: Audience, post: Post) -> QuerySet[Comment]:
    return (
        Comment.objects.filter(post=post)
        .filter(comment_shown_to(audience))
        .select_related("author__profile")
    )


def reaction_summary(audience: Audience, post: Post) -> dict[str, int]:
    """Reactions on the post by kind (members on either side of a block not counted)."""
    counts = Counter(
        dict(
            Reaction.objects.filter(post=post)
            .exclude(member_id__in=audience.blocked)
            .values("kind")
            .annotate(n=Count("id"))
            .values_list("kind", "n")
        )
    )
    return {kind: counts.get(kind, 0) for kind in ReactionKind.values}


# --- Contributions ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Contributions:
    given: dict[str, int]
    received: dict[str, int]
    top_given: list[tuple[User, int]]
    top_received: list[tuple[User, int]]

    @property
    def total_given(self) -> int:
        return sum(self.given.values())

    @property
    def total_received(self) -> int:
        return sum(self.received.values())


def contributions_for(member: User, *, top: int = 5) -> Contributions:
    """What the member gave (comments, reactions, reshares on connections' posts) and received
    on their own posts, by kind, from the engagement ledger: the same record the pact and
    relationship strength read, so only contributions between connected members count, and a
    removed reaction is still something that happened."""
    rows = Interaction.objects.filter(kind__in=CONTRIBUTION_KINDS, source_key__startswith="feed:")
    given_counts = dict(
        rows.filter(actor=member).values("kind").annotate(n=Count("id")).values_list("kind", "n")
    )
    received_counts = dict(
        rows.filter(counterpart=member)
        .values("kind")
        .annotate(n=Count("id"))
        .values_list("kind", "n")
    )
    given_people = list(
        rows.filter(actor=member)
        .values("counterpart_id")
        .annotate(n=Count("id"))
        .order_by("-n", "counterpart_id")[:top]
    )
    received_people = list(
        rows.filter(counterpart=member)
        .values("actor_id")
        .annotate(n=Count("id"))
        .order_by("-n", "actor_id")[:top]
    )
    people = User.objects.in_bulk(
        [r["counterpart_id"] for r in given_people] + [r["actor_id"] for r in received_people]
    )
    kinds = [k.value for k in CONTRIBUTION_KINDS]
    return Contributions(
        given={k: given_counts.get(k, 0) for k in kinds},
        received={k: received_counts.get(k, 0) for k in kinds},
        top_given=[
            (people[r["counterpart_id"]], r["n"])
            for r in given_people
            if r["counterpart_id"] in people
        ],
        top_received=[
            (people[r["actor_id"]], r["n"]) for r in received_people if r["actor_id"] in people
        ],
    )


# --- Invitation context ----------------------------------------------------------------------

POST_LABEL_WORDS = 8


def post_label(post: Post, names: dict[int, str] | None = None) -> str:
    """A post as an invitation's context names it: its first words (`names`: the current
    names its mentions point at, when already read)."""
    words = plain(post.body, names).split()
    label = " ".join(words[:POST_LABEL_WORDS])
    return f"{label}…" if len(words) > POST_LABEL_WORDS else label


def recipient_post_visible_to(sender: User, recipient: User, ref: str) -> Post | None:
    """The recipient's own post `ref` (a reshare counts as theirs), if the sender may see it."""
    post = Post.objects.select_related("author").filter(pk=int(ref), author_id=recipient.pk).first()
    if post is None or not Audience.of(sender).can_see(post):
        return None
    return post


def _post_context(sender: User, recipient: User, ref: str) -> tuple[str, str] | None:
    # ref is a post of the recipient that the sender can see (the feed's visibility rules:
    # not hidden, community-wide or the sender is connected to them, no block); the label
    # is the post's first words, which the note can echo.
    post = recipient_post_visible_to(sender, recipient, ref) if ref.isdigit() else None
    return None if post is None else (str(post.pk), post_label(post))


# The `content` context of an invitation (registered with connections in FeedConfig.ready).
post_context_source = ContextSource(
    kind=ContextKind.CONTENT,
    choices=lambda sender, recipient: recipient_posts_for_context(sender, recipient),
    find=_post_context,
    refusal="That is not a post of theirs you can see; choose one of their posts.",
)


def recipient_posts_for_context(
    sender: User, recipient: User, limit: int = 10
) -> list[tuple[int, str]]:
    """(id, label) of the recipient's recent posts the sender can see, for the composer."""
    rows = list(
        Audience.of(sender)
        .posts()
        .filter(author_id=recipient.pk)
        .order_by("-created_at", "-id")[:limit]
    )
    names = current_names("\n".join(post.body for post in rows))  # one read for all
    return [(post.pk, post_label(post, names)) for post in rows]


# --- @mention autocomplete ---------------------------------------------------------------------

MENTION_SUGGESTIONS = 8
MENTION_QUERY_MAX = 60


@dataclass(frozen=True)
class MentionCandidate:
    id: int
    name: str
    connected: bool

    @property
    def token(self) -> str:
        """What the composer inserts (feed/mentions.py)."""
        return f"@[{self.name}]({self.id})"


def mention_candidates(
    viewer: User, q: str, limit: int = MENTION_SUGGESTIONS
) -> list[MentionCandidate]:
    """Members whose name holds every word of `q` (the first three), best match first: names
    whose words begin with the words typed ("@Ana" → Ana Ferreira) before names that only
    contain them (Aiko Tanaka), the viewer's connections first within each, then by name;
    never the viewer, an inactive member, or anyone on either side of a block with the viewer.
    Empty for an empty `q`. The composer's autocomplete and the API."""
    q = " ".join(q.split())[:MENTION_QUERY_MAX]
    if not q:
        return []
    words = q.split()[:3]
    audience = Audience.of(viewer)
    matches = (
        User.objects.filter(is_active=True).exclude(pk=viewer.pk).exclude(pk__in=audience.blocked)
    )
    starting = matches
    for word in words:
        matches = matches.filter(name__icontains=word)
        starting = starting.filter(
            Q(name__istartswith=word)
            | Q(name__icontains=f" {word}")
            | Q(name__icontains=f"-{word}")
        )
    # Word-start matches are fetched on their own, so a common fragment ("an") matched inside
    # many names never crowds them out of the short list.
    rows = list(starting.order_by("name").values_list("pk", "name")[:50])
    if len(rows) < limit:
        found = {pk for pk, _ in rows}
        rows += matches.exclude(pk__in=found).order_by("name").values_list("pk", "name")[:50]
    rows.sort(
        key=lambda r: (_mention_rank(r[1], words), r[0] not in audience.connected, r[1].lower())
    )
    return [
        MentionCandidate(id=pk, name=name, connected=pk in audience.connected)
        for pk, name in rows[:limit]
    ]


def _mention_rank(name: str, words: list[str]) -> int:
    """0: the name begins with what was typed; 1: every word typed begins a word of the name
    ("@Fer" for Ana Ferreira); 2: the words are only inside the name ("ana" in Tanaka)."""
    lowered = name.lower()
    if lowered.startswith(" ".join(words).lower()):
        return 0
    name_words = re.split(r"[\s\-]+", lowered)
    if all(any(part.startswith(word.lower()) for part in name_words) for word in words):
        return 1
    return 2


def recipient_material(sender: User, recipient: User) -> RecipientMaterial:
    """The recipient's recent posts the sender can see, as text the personalization engine
    may find referred to in a note (registered with connections in FeedConfig.ready)."""
    rows = _material_compiled.fetch(sender_id=sender.pk, recipient_id=recipient.pk)
    names = current_names("\n".join(rows))  # every post's mentions in one read
    return RecipientMaterial(posts=tuple(plain(body, names) for body in rows))


def _material(sender_id: int, recipient_id: int) -> QuerySet[Post, str]:
    """The recipient's latest posts the sender may see, the sender's connections and blocks
    read inside the statement (`posts_visible_to`)."""
    return (
        posts_visible_to(sender_id)
        .filter(author_id=recipient_id)
        .order_by("-created_at", "-id")
        .values_list("body", flat=True)[:MATERIAL_POSTS]
    )


# Read on every check of a request's note (each pause in typing): compiled once per process.
_material_compiled: CompiledQuery[str] = CompiledQuery(
    _material, sender_id=-730_601, recipient_id=-730_602
)
