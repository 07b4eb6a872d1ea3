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
from mutuals.core.compiled import CompiledShapes
from mutuals.core.pagination import ranked_next, ranked_slice
from mutuals.core.search_terms import Terms
from mutuals.events.models import Event
from mutuals.events.selectors import events_visible_to
from mutuals.feed import mentions as mention_rules
from mutuals.feed.access import posts_visible_to
from mutuals.feed.models import Post
from mutuals.messaging.models import Message
from mutuals.messaging.selectors import messages_visible_to
from mutuals.search.engines import AmongIds, Kind, Texts, engine
from mutuals.search.models import MemberDocument

CANDIDATES = 500
MIN_CANDIDATES = 100
# The newest rows asked first, by id, on the tables that grow to millions.
WINDOWS: dict[Kind, tuple[int, ...]] = {Kind.POSTS: (50_000, 400_000)}
# How long the newest id of a windowed table is reused before it is read again: a stale one
# only makes the window a little wider (newer rows have higher ids and stay inside it).
NEWEST_TTL = 60.0
# The share of a kind's rows a search's words must match (by the engine's estimate) for its
# candidates to be read newest first (its first window, on a windowed table), the words
# asked of each row: at that share the walk reads about CANDIDATES / share rows, where the
# index gathers every match of the whole table (1,000,000 posts, 100,000 members) and sorts
# them. Measured on those (docs/benchmarks.md): the walk costs less from about 3 % on.
WALK_SHARE: dict[Kind, float] = {Kind.POSTS: 0.03, Kind.MEMBERS: 0.03}
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


def _viewer(viewer_id: int) -> User:
    """The viewer as the rules read them (by id only), without loading them."""
    viewer = User(pk=viewer_id)
    viewer._state.adding = False
    return viewer


# Each kind: its rows, the rule of what the viewer may see, and what the statement loads with
# each row.
_MODELS: dict[Kind, type[Model]] = {
    Kind.MEMBERS: User,
    Kind.POSTS: Post,
    Kind.EVENTS: Event,
    Kind.MESSAGES: Message,
}
_VISIBLE: dict[Kind, Callable[[User], QuerySet[Any]]] = {
    Kind.MEMBERS: visible_members,
    Kind.POSTS: lambda viewer: posts_visible_to(viewer.pk),
    Kind.EVENTS: events_visible_to,
    Kind.MESSAGES: lambda viewer: messages_visible_to(viewer).filter(sender__is_active=True),
}
_LOAD: dict[Kind, Callable[[QuerySet[Any]], QuerySet[Any]]] = {
    Kind.MEMBERS: _with_topic_names,
    Kind.POSTS: lambda rows: rows.select_related("author__profile"),
    Kind.EVENTS: lambda rows: rows,
    Kind.MESSAGES: lambda rows: rows.select_related("sender__profile", "conversation"),
}


# Kinds whose text is indexed in a table of its own: that table and its key, the result's id.
_SOURCES: dict[Kind, tuple[type[Model], str]] = {Kind.MEMBERS: (MemberDocument, "member_id")}


@dataclass(frozen=True)
class _Shape:
    """What makes one statement's SQL differ from another's (its values aside)."""

    kind: Kind
    window: bool  # only the rows newer than `newer_than`
    topic: bool  # members: of the topic `topic` (a slug)
    company: bool  # members: of a company whose name holds `company`
    start: int
    stop: int
    # Read the newest rows backwards, the text asked of each, rather than gather every match
    # from the index (`engines.Engine.condition`): for a word common enough that the first
    # few hundred or thousand rows hold the candidates.
    walk: bool = False


def _statement(shape: _Shape, **values: Any) -> QuerySet[Any]:
    """One page of a kind's visible rows matching the texts, most relevant first, with what
    the results show: candidates (at most `CANDIDATES`, the newest, the index finds them),
    only they ranked. `values`: `viewer_id`, `match` and `exact` (`engines.Texts`), and as
    the shape says `newer_than`, `topic`, `company`."""
    search = engine()
    kind = shape.kind
    visible = _VISIBLE[kind](_viewer(values["viewer_id"]))
    if shape.topic:
        visible = visible.filter(profile__topics__slug=values["topic"])
    if shape.company:
        visible = visible.filter(profile__company__icontains=values["company"])
    texts = Texts(values["match"], values["exact"])
    condition = search.condition(kind, texts, walk=shape.walk, source=kind in _SOURCES)
    candidates: QuerySet[Any, Any]
    if kind in _SOURCES:
        # The index's own rows (members: their documents) newest first, each one's row
        # asked whether the viewer may see it (a scalar subquery on its key, never joined
        # or hashed): only the matches are asked, and a walk stops at the newest
        # `CANDIDATES` the viewer may see, where checking the rows' rule first asked it of
        # every row read, matching or not.
        source, key = _SOURCES[kind]
        seen = Subquery(visible.filter(pk=OuterRef(key)).values("pk")[:1])
        candidates = source._default_manager.filter(condition).filter(**{key: seen})
        candidates = candidates.order_by(f"-{key}").values(key)[:CANDIDATES]
    else:
        candidates = visible.filter(condition)
        if shape.window:
            candidates = candidates.filter(pk__gt=values["newer_than"])
        candidates = candidates.order_by("-pk").values("pk")[:CANDIDATES]
    model = visible.model
    statement = _LOAD[kind](model._default_manager.filter(AmongIds(candidates)))
    statement = statement.annotate(search_rank=search.rank(kind, texts))
    if shape.window:  # how many candidates the window held, before the slice
        statement = statement.annotate(search_found=Window(Count("pk")))
    page: QuerySet[Any] = statement.order_by("-search_rank", "-pk")[shape.start : shape.stop]
    return page


# The statements compiled so far in this process, by shape (`core.compiled`): building and
# compiling a statement's queryset cost the server about ten times what the database takes to
# answer it. Values to compile with, found nowhere else in a statement.
_compiled: CompiledShapes[_Shape, Any] = CompiledShapes(
    _statement,
    {
        "viewer_id": -190_001,
        "match": "search stand-in: match",
        "exact": "search stand-in: exact",
        "newer_than": -190_002,
        "topic": "search stand-in: topic",
    },
)


def _rows(shape: _Shape, values: dict[str, Any]) -> list[Any]:
    if shape.company:  # the ORM sends "%x%" for a part of a name: built each time
        return list(_statement(shape, **values))
    return _compiled.fetch(shape, **values)


def _ranked(
    kind: Kind,
    viewer: User,
    terms: Terms,
    *,
    filters: MemberFilters = MemberFilters(),
    cursor: str | None,
    limit: int | None,
) -> tuple[list[Any], str | None]:
    """One page of `kind`'s rows the viewer may see matching `terms`, most relevant first, and
    the next page's cursor: one statement (two, rarely three, on a windowed table for a rare
    word)."""
    start, limit = ranked_slice(cursor=cursor, limit=limit)
    if not terms or start >= CANDIDATES:
        return [], None
    texts = engine().texts(kind, terms)
    values: dict[str, Any] = {"viewer_id": viewer.pk, "match": texts.match, "exact": texts.exact}
    topic = filters.topic.strip() if kind == Kind.MEMBERS else ""
    company = filters.company.strip() if kind == Kind.MEMBERS else ""
    if topic:
        values["topic"] = topic_slug(topic)
    if company:
        values["company"] = company
    windows = WINDOWS.get(kind, ())
    newest = _newest_id(_MODELS[kind]) if windows else 0
    sizes = [w for w in windows if w < newest]
    # A word common enough is walked for in the first window (the same rows, found by
    # reading the newest backwards); the wider windows, for words the first held too few
    # of, always ask the index.
    walk = kind in WALK_SHARE and engine().share(kind, terms) >= WALK_SHARE[kind]
    rows: list[Any] = []
    at = 0
    while True:
        size = sizes[at] if at < len(sizes) else None
        shape = _Shape(
            kind,
            size is not None,
            bool(topic),
            bool(company),
            start,
            start + limit + 1,
            walk=walk and at == 0,
        )
        if size is not None:
            values["newer_than"] = newest - size
        else:
            values.pop("newer_than", None)
        rows = _rows(shape, values)
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


def members_search(
    viewer: User,
    terms: Terms,
    filters: MemberFilters = MemberFilters(),
    *,
    cursor: str | None = None,
    limit: int | None = None,
) -> Results[User]:
    items, next_cursor = _ranked(
        Kind.MEMBERS, viewer, terms, filters=filters, cursor=cursor, limit=limit
    )
    topics = {member.pk: _topic_names(member) for member in items}
    return Results(Kind.MEMBERS, items, next_cursor, topics)


def posts_search(
    viewer: User, terms: Terms, *, cursor: str | None = None, limit: int | None = None
) -> Results[Post]:
    items, next_cursor = _ranked(Kind.POSTS, viewer, terms, cursor=cursor, limit=limit)
    return Results(Kind.POSTS, items, next_cursor)


def events_search(
    viewer: User, terms: Terms, *, cursor: str | None = None, limit: int | None = None
) -> Results[Event]:
    items, next_cursor = _ranked(Kind.EVENTS, viewer, terms, cursor=cursor, limit=limit)
    return Results(Kind.EVENTS, items, next_cursor)


def messages_search(
    viewer: User, terms: Terms, *, cursor: str | None = None, limit: int | None = None
) -> Results[Message]:
    items, next_cursor = _ranked(Kind.MESSAGES, viewer, terms, cursor=cursor, limit=limit)
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
