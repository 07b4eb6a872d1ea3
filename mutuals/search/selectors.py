"""Search, kind by kind, with the viewer's visibility rules applied to every result.

Each kind reads its candidates from the rule its own app keeps, never a copy of it:

- members: `accounts.selectors.visible_members` (active, not the viewer, no block either
  way; the one place member visibility is decided);
- posts: the feed's `Audience` (`feed/access.py`: hidden, connections-only, blocks, the
  author's account);
- events: `events.selectors.events_visible_to` (open organizer account, no block);
- messages: `messaging.selectors.messages_visible_to` (the viewer's conversations only, none
  across a block), from senders whose account is open.

Of those, the newest rows the engine matches (at most `CANDIDATES`, at least
`MIN_CANDIDATES` when there are that many; `_candidates`) are ranked by relevance: a search
for a very common word ranks within the newest matches, which keeps every search a bounded
amount of work. A page is a slice of that ranking, its cursor the place reached in it
(`core.pagination.ranked_page`).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Max, Model, QuerySet
from django.db.models.expressions import RawSQL

from mutuals.accounts.models import User
from mutuals.accounts.selectors import visible_members
from mutuals.accounts.topics import topic_slug
from mutuals.core.pagination import ranked_page
from mutuals.core.search_terms import Terms
from mutuals.events.models import Event
from mutuals.events.selectors import events_visible_to
from mutuals.feed.access import Audience
from mutuals.feed.models import Post
from mutuals.messaging.models import Message
from mutuals.messaging.selectors import messages_visible_to
from mutuals.search.engines import Kind, engine

CANDIDATES = 500
MIN_CANDIDATES = 100
# The newest rows asked first, by id, on the tables that grow to millions.
WINDOWS: dict[Kind, tuple[int, ...]] = {Kind.POSTS: (50_000, 400_000)}
GROUP_LIMIT = 5


@dataclass(frozen=True)
class MemberFilters:
    topic: str = ""  # a topic's name or slug
    company: str = ""  # a part of the company's name, any case


@dataclass
class Results[M: Model]:
    kind: Kind
    items: list[M]
    next: str | None


def _ranked[M: Model](
    visible: QuerySet[M],
    kind: Kind,
    terms: Terms,
    *,
    load: Callable[[QuerySet[M]], QuerySet[M]],
    cursor: str | None,
    limit: int | None,
) -> Results[M]:
    if not terms:
        return Results(kind, [], None)
    search = engine()
    candidates = _candidates(visible, kind, terms)
    ranked: list[int] = []
    if candidates:
        ranked = list(
            visible.model._default_manager.filter(pk__in=candidates)
            .annotate(rank=search.rank(kind, terms))
            .order_by("-rank", "-pk")
            .values_list("pk", flat=True)
        )
    page, next_cursor = ranked_page(ranked, cursor=cursor, limit=limit)
    rows = load(visible.model._default_manager.filter(pk__in=page)).in_bulk()
    return Results(kind, [rows[pk] for pk in page if pk in rows], next_cursor)


def _candidates[M: Model](visible: QuerySet[M], kind: Kind, terms: Terms) -> list[int]:
    """The ids of the newest matching rows the viewer may see: at most `CANDIDATES`, and at
    least `MIN_CANDIDATES` when there are that many. On a large table the newest rows are
    asked first (`WINDOWS`: the database then reads only the pages of the rows in the window
    that match, rather than every match of a common word); a window with too few matches
    makes way for the next, and the last for the whole table."""
    matching = (
        visible.filter(engine().condition(kind, terms)).order_by("-pk").values_list("pk", flat=True)
    )
    windows = WINDOWS.get(kind, ())
    if windows:
        top = visible.model._default_manager.aggregate(top=Max("pk"))["top"] or 0
        for size in windows:
            if size >= top:
                break
            found = list(matching.filter(pk__gt=top - size)[:CANDIDATES])
            if len(found) >= MIN_CANDIDATES:
                return found
    return list(matching[:CANDIDATES])


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
    return _ranked(
        members,
        Kind.MEMBERS,
        terms,
        load=lambda rows: rows.select_related("profile").prefetch_related("profile__topics"),
        cursor=cursor,
        limit=limit,
    )


def posts_search(
    viewer: User, terms: Terms, *, cursor: str | None = None, limit: int | None = None
) -> Results[Post]:
    return _ranked(
        Audience.of(viewer).posts(),
        Kind.POSTS,
        terms,
        load=lambda rows: rows.select_related("author__profile"),
        cursor=cursor,
        limit=limit,
    )


def events_search(
    viewer: User, terms: Terms, *, cursor: str | None = None, limit: int | None = None
) -> Results[Event]:
    return _ranked(
        events_visible_to(viewer),
        Kind.EVENTS,
        terms,
        load=lambda rows: rows,
        cursor=cursor,
        limit=limit,
    )


def messages_search(
    viewer: User, terms: Terms, *, cursor: str | None = None, limit: int | None = None
) -> Results[Message]:
    return _ranked(
        messages_visible_to(viewer).filter(sender__is_active=True),
        Kind.MESSAGES,
        terms,
        load=lambda rows: rows.select_related("sender__profile", "conversation"),
        cursor=cursor,
        limit=limit,
    )


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
    shows them. Member filters narrow members only."""
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
    the page marks the matched ones. Words match from their start, as the search does."""
    text = " ".join(text.split())
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
