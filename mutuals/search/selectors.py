"""Search, kind by kind, with the viewer's visibility rules applied to every result.

Each kind reads its candidates from the rule its own app keeps, never a copy of it, written
as SQL conditions and subqueries (the viewer's blocks and connections are read inside the
statement, not loaded first):

- members: `accounts.selectors.visible_members` (active, not the viewer, no block either
  way; the one place member visibility is decided);
- posts: the feed's rule (`feed/access.py`: hidden, connections-only, blocks, the author's
  account), as `posts_visible_to`;
- events: `events.selectors.events_visible_to` (open organizer account, no block);
- messages: `messaging.selectors.messages_visible_to` (the viewer's conversations only, none
  across a block), from senders whose account is open.

Of those, the newest rows the engine matches (at most `CANDIDATES`, at least
`MIN_CANDIDATES` when there are that many) are ranked by relevance: a search for a very
common word ranks within the newest matches, which keeps every search a bounded amount of
work. A page is a slice of that ranking, its cursor the place reached in it
(`core.pagination.ranked_slice`).

One statement per kind does all of it (`_ranked`): the candidates are a `LIMIT`ed subquery
(the GIN or FTS5 index finds them), only they are ranked, and the page's rows come back with
what the results show (the author's or sender's profile, a member's topics). On the tables
that grow to millions (`WINDOWS`) the newest rows are asked first and a window with too few
matches makes way for the next: a second statement only for the rarer words, whose index
lookups are the cheap ones.
"""

from __future__ import annotations

import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Count,
    Max,
    Model,
    OuterRef,
    QuerySet,
    StringAgg,
    Subquery,
    Value,
    Window,
)
from django.db.models.expressions import RawSQL

from mutuals.accounts.models import Profile, User
from mutuals.accounts.selectors import visible_members
from mutuals.accounts.topics import topic_slug
from mutuals.core.pagination import ranked_next, ranked_slice
from mutuals.core.search_terms import Terms
from mutuals.events.models import Event
from mutuals.events.selectors import events_visible_to
from mutuals.feed import mentions as mention_rules
from mutuals.feed.access import posts_visible_to
from mutuals.feed.models import Post
from mutuals.messaging.models import Message
from mutuals.messaging.selectors import messages_visible_to
from mutuals.search.engines import AmongIds, Kind, engine

CANDIDATES = 500
MIN_CANDIDATES = 100
# The newest rows asked first, by id, on the tables that grow to millions.
WINDOWS: dict[Kind, tuple[int, ...]] = {Kind.POSTS: (50_000, 400_000)}
# How long the newest id of a windowed table is reused before it is read again: a stale one
# only makes the window a little wider (newer rows have higher ids and stay inside it).
NEWEST_TTL = 60.0
GROUP_LIMIT = 5
# Between a member's topic names as the statement returns them (no name holds it).
_TOPIC_SEPARATOR = "\x1f"


@dataclass(frozen=True)
class MemberFilters:
    topic: str = ""  # a topic's name or slug
    company: str = ""  # a part of the company's name, any case


@dataclass
class Results[M: Model]:
    kind: Kind
    items: list[M]
    next: str | None
    # Members: each one's topic names, in the profile's order (read by the same statement).
    topics: dict[int, list[str]] = field(default_factory=dict)

    def topics_of(self, member: Model) -> list[str]:
        return self.topics.get(member.pk, [])


_newest: dict[str, tuple[float, int]] = {}


def _newest_id(model: type[Model]) -> int:
    """The highest id of a windowed table, read at most once a `NEWEST_TTL` per process."""
    table = model._meta.db_table
    now = time.monotonic()
    cached = _newest.get(table)
    if cached is None or now - cached[0] > NEWEST_TTL:
        top = model._default_manager.aggregate(top=Max("pk"))["top"] or 0
        cached = _newest[table] = (now, top)
    return cached[1]


def _ranked[M: Model](
    visible: QuerySet[M],
    kind: Kind,
    terms: Terms,
    *,
    load: Callable[[QuerySet[M]], QuerySet[M]],
    cursor: str | None,
    limit: int | None,
) -> tuple[list[M], str | None]:
    """One page of `visible`'s rows matching `terms`, most relevant first, and the next
    page's cursor: one statement (two, rarely three, on a windowed table for a rare word)."""
    start, limit = ranked_slice(cursor=cursor, limit=limit)
    if not terms or start >= CANDIDATES:
        return [], None
    search = engine()
    model = visible.model
    matching = visible.filter(search.condition(kind, terms)).order_by("-pk").values("pk")
    windows = WINDOWS.get(kind, ())
    newest = _newest_id(model) if windows else 0
    sizes = [w for w in windows if w < newest]
    rows: list[Any] = []
    at = 0
    while True:
        size = sizes[at] if at < len(sizes) else None
        candidates = matching if size is None else matching.filter(pk__gt=newest - size)
        statement: QuerySet[Any] = load(
            model._default_manager.filter(AmongIds(candidates[:CANDIDATES]))
        )
        statement = statement.annotate(search_rank=search.rank(kind, terms))
        if size is not None:  # how many candidates the window held, before the slice
            statement = statement.annotate(search_found=Window(Count("pk")))
        rows = list(statement.order_by("-search_rank", "-pk")[start : start + limit + 1])
        if size is None:
            break
        found = rows[0].search_found if rows else (0 if start == 0 else None)
        if found is not None and found >= MIN_CANDIDATES:
            break
        at += 1
        # Skip the windows this one's matches say would hold too few as well: a word the
        # newest rows hardly hold is rare, and the whole index finds its matches cheaply.
        while found is not None and at < len(sizes) and found * sizes[at] < MIN_CANDIDATES * size:
            at += 1
    return rows[:limit], ranked_next(start, limit, more=len(rows) > limit)


def _with_topic_names(members: QuerySet[User]) -> QuerySet[User]:
    """Members with their profiles and, in the same statement, their topics' names."""
    names = (
        Profile.topics.through.objects.filter(profile__user_id=OuterRef("pk"))
        .order_by()
        .values("profile_id")
        .annotate(names=StringAgg("topic__name", Value(_TOPIC_SEPARATOR)))
        .values("names")  # type: ignore[misc]  # the plugin does not see the annotation
    )
    return members.select_related("profile").annotate(search_topics=Subquery(names))


def _topic_names(member: User) -> list[str]:
    joined: str | None = getattr(member, "search_topics", None)
    names = joined.split(_TOPIC_SEPARATOR) if joined else []
    return sorted(names, key=lambda name: (name.lower(), name))  # the profile's order


def members_search(
    viewer: User,
    terms: Terms,
    filters: MemberFilters = MemberFilters(),
    *,
    cursor: str | None = None,
    limit: int | None = None,
) -> Results[User]:
    members = visible_members(viewer)
    if topic := filters.topic.strip():
        members = members.filter(profile__topics__slug=topic_slug(topic))
    if company := filters.company.strip():
        members = members.filter(profile__company__icontains=company)
    items, next_cursor = _ranked(
        members, Kind.MEMBERS, terms, load=_with_topic_names, cursor=cursor, limit=limit
    )
    topics = {member.pk: _topic_names(member) for member in items}
    return Results(Kind.MEMBERS, items, next_cursor, topics)


def posts_search(
    viewer: User, terms: Terms, *, cursor: str | None = None, limit: int | None = None
) -> Results[Post]:
    items, next_cursor = _ranked(
        posts_visible_to(viewer.pk),
        Kind.POSTS,
        terms,
        load=lambda rows: rows.select_related("author__profile"),
        cursor=cursor,
        limit=limit,
    )
    return Results(Kind.POSTS, items, next_cursor)


def events_search(
    viewer: User, terms: Terms, *, cursor: str | None = None, limit: int | None = None
) -> Results[Event]:
    items, next_cursor = _ranked(
        events_visible_to(viewer),
        Kind.EVENTS,
        terms,
        load=lambda rows: rows,
        cursor=cursor,
        limit=limit,
    )
    return Results(Kind.EVENTS, items, next_cursor)


def messages_search(
    viewer: User, terms: Terms, *, cursor: str | None = None, limit: int | None = None
) -> Results[Message]:
    items, next_cursor = _ranked(
        messages_visible_to(viewer).filter(sender__is_active=True),
        Kind.MESSAGES,
        terms,
        load=lambda rows: rows.select_related("sender__profile", "conversation"),
        cursor=cursor,
        limit=limit,
    )
    return Results(Kind.MESSAGES, items, next_cursor)


def search(
    viewer: User,
    terms: Terms,
    *,
    kind: Kind | None = None,
    filters: MemberFilters = MemberFilters(),
    cursor: str | None = None,
    limit: int | None = None,
) -> list[Results[Any]]:
    """One kind's page, or (no kind) the first few of every kind, in the order the page
    shows them: one statement per kind. Member filters narrow members only."""
    kinds = [kind] if kind else list(Kind)
    limit = limit if kind else (limit or GROUP_LIMIT)
    found: list[Results[Any]] = []
    for each in kinds:
        if each == Kind.MEMBERS:
            found.append(members_search(viewer, terms, filters, cursor=cursor, limit=limit))
        elif each == Kind.POSTS:
            found.append(posts_search(viewer, terms, cursor=cursor, limit=limit))
        elif each == Kind.EVENTS:
            found.append(events_search(viewer, terms, cursor=cursor, limit=limit))
        else:
            found.append(messages_search(viewer, terms, cursor=cursor, limit=limit))
    return found


def member_ids_matching(terms: Terms) -> RawSQL:
    """Members whose document matches these words, as a subquery of ids, before visibility
    (registered with accounts for the connections list, whose own rule already limits it to
    the member's connections)."""
    return engine().ids(Kind.MEMBERS, terms)


# --- Excerpts ----------------------------------------------------------------------------------


def _fold(text: str) -> str:
    """Lower case without accents, one character for one (so positions carry over)."""
    folded = []
    for char in text:
        base = unicodedata.normalize("NFKD", char)
        kept = "".join(c for c in base if not unicodedata.combining(c)).lower()
        folded.append(kept if len(kept) == 1 else char.lower()[:1] or char)
    return "".join(folded)


def excerpt(text: str, terms: Terms, *, width: int = 180) -> list[tuple[str, bool]]:
    """A window of `text` around the first word that matched, as (segment, matched) pairs:
    the page marks the matched ones. Words match from their start, as the search does.
    @mentions read as `@Name`, the name written in the mention (no query), never as their
    `@[Name](id)` markup."""
    text = " ".join(mention_rules.plain(text, names={}).split())
    folded = _fold(text)
    marks: list[tuple[int, int]] = []
    for word in terms.words:
        start = 0
        while (at := folded.find(word, start)) != -1:
            if at == 0 or not folded[at - 1].isalnum():
                marks.append((at, at + len(word)))
            start = at + len(word)
    marks.sort()
    first = marks[0][0] if marks else 0
    begin = max(0, min(first - width // 3, len(text) - width))
    end = min(len(text), begin + width)
    segments: list[tuple[str, bool]] = [("…", False)] if begin > 0 else []
    position = begin
    for mark_start, mark_end in marks:
        if mark_start < position or mark_end > end:
            continue
        segments += [(text[position:mark_start], False), (text[mark_start:mark_end], True)]
        position = mark_end
    segments.append((text[position:end], False))
    if end < len(text):
        segments.append(("…", False))
    return [(segment, matched) for segment, matched in segments if segment]


def excerpt_text(text: str, terms: Terms, *, width: int = 180) -> str:
    return "".join(segment for segment, _ in excerpt(text, terms, width=width))
