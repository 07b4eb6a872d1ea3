"""Search (docs/api.md "Search"). Thin: parse, call the selector, shape the answer."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from mutuals.accounts.api_auth import member
from mutuals.core.errors import Refused
from mutuals.core.pagination import cursor_int, decode_cursor
from mutuals.core.schemas import refusals
from mutuals.core.search_terms import terms_parse
from mutuals.search.engines import Kind
from mutuals.search.schemas import (
    SearchEventOut,
    SearchEventPage,
    SearchMemberOut,
    SearchMemberPage,
    SearchMessageOut,
    SearchMessagePage,
    SearchOut,
    SearchPostOut,
    SearchPostPage,
)
from mutuals.search.selectors import MemberFilters, search

router = Router(tags=["search"])


@router.get(
    "/search",
    response=SearchOut,
    operation_id="search",
    openapi_extra=refusals({422: ["query_too_long", "kind_required"]}),
)
def search_endpoint(
    request: HttpRequest,
    q: str = "",
    kind: Kind | None = None,
    topic: str = "",
    company: str = "",
    cursor: str | None = None,
    limit: int | None = Query(None, ge=1, le=100),  # type: ignore[type-arg]
) -> SearchOut:
    """Members, posts, events and your own messages matching `q` (every word; the last one,
    being typed, as a prefix; case and accents do not matter), most relevant first, with
    what you may see only. Without `kind`, the first five of every kind, each with the
    cursor of its next page; with `kind`, that kind alone, page by page. `topic` (name or
    slug) and `company` narrow members."""
    if cursor:
        cursor_int(decode_cursor(cursor, 1)[0])  # a made-up cursor is invalid_cursor first
    if cursor and kind is None:
        raise Refused("A cursor belongs to one kind: send `kind` with it.", code="kind_required")
    terms = terms_parse(q)
    found = search(
        member(request),
        terms,
        kind=kind,
        filters=MemberFilters(topic=topic[:100], company=company[:120]),
        cursor=cursor,
        limit=limit,
    )
    pages: dict[str, Any] = {}
    for results in found:
        if results.kind == Kind.MEMBERS:
            items: list[Any] = [
                SearchMemberOut.build(m, results.topics_of(m)) for m in results.items
            ]
            pages["members"] = SearchMemberPage(items=items, next=results.next)
        elif results.kind == Kind.POSTS:
            items = [SearchPostOut.build(p, terms) for p in results.items]
            pages["posts"] = SearchPostPage(items=items, next=results.next)
        elif results.kind == Kind.EVENTS:
            items = [SearchEventOut.build(e) for e in results.items]
            pages["events"] = SearchEventPage(items=items, next=results.next)
        else:
            items = [SearchMessageOut.build(m, terms) for m in results.items]
            pages["messages"] = SearchMessagePage(items=items, next=results.next)
    return SearchOut(
        words=list(terms.words),
        members=pages.get("members"),
        posts=pages.get("posts"),
        events=pages.get("events"),
        messages=pages.get("messages"),
    )
