"""What the search page shows: the form's values and each kind's results, with excerpts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.http import QueryDict
from django.urls import reverse

from mutuals.accounts.models import Topic, User
from mutuals.core.errors import MutualsError
from mutuals.core.search_terms import Terms, terms_parse
from mutuals.search.engines import Kind
from mutuals.search.selectors import MemberFilters, Results, excerpt, search

PAGE_SIZE = 20
LABELS = {
    Kind.MEMBERS: "Members",
    Kind.POSTS: "Posts",
    Kind.EVENTS: "Events",
    Kind.MESSAGES: "Your messages",
}
NONE_FOUND = {
    Kind.MEMBERS: "No members match.",
    Kind.POSTS: "No posts match.",
    Kind.EVENTS: "No events match.",
    Kind.MESSAGES: "None of your messages match.",
}


@dataclass
class Row:
    url: str
    title: str
    meta: str = ""
    segments: list[tuple[str, bool]] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)


@dataclass
class Group:
    kind: Kind
    label: str
    rows: list[Row]
    next_url: str | None  # the next page (one kind) or the kind's own page (all kinds)

    @property
    def none_found(self) -> str:
        return NONE_FOUND[self.kind]


def _row(results: Results[Any], item: Any, terms: Terms) -> Row:
    kind = results.kind
    if kind == Kind.MEMBERS:
        profile = item.profile
        return Row(
            url=reverse("member_detail", args=[item.pk]),
            title=item.name,
            meta=" · ".join(p for p in (profile.headline, profile.company) if p),
            tags=results.topics_of(item),
        )
    if kind == Kind.POSTS:
        return Row(
            url=reverse("post_detail", args=[item.pk]),
            title=item.author.name,
            meta=item.get_kind_display(),
            segments=excerpt(item.body, terms),
        )
    if kind == Kind.EVENTS:
        return Row(
            url=reverse("event_detail", args=[item.pk]),
            title=item.title,
            meta=item.place or "Online",
            segments=excerpt(item.description, terms) if item.description else [],
        )
    return Row(
        url=reverse("conversation_detail", args=[item.conversation_id]),
        title=item.sender.name,
        meta=item.conversation.title,
        segments=excerpt(item.text, terms),
    )


def _link(params: dict[str, str]) -> str:
    return reverse("search") + "?" + urlencode({k: v for k, v in params.items() if v})


def search_page(viewer: User, query: QueryDict) -> dict[str, Any]:
    """The context of the search page for its GET parameters (`q`, `kind`, `topic`,
    `company`, `cursor`). A refusal (too long) is shown on the form, with no results."""
    params = {
        key: query.get(key, "").replace("\x00", "") for key in ("q", "kind", "topic", "company")
    }
    kind = Kind(params["kind"]) if params["kind"] in Kind else None
    params["kind"] = kind.value if kind else ""
    context: dict[str, Any] = {
        "params": params,
        "kinds": [(k.value, LABELS[k]) for k in Kind],
        "topics": Topic.objects.filter(profiles__isnull=False).distinct()[:200],
        "groups": [],
        "error": "",
    }
    try:
        terms = terms_parse(params["q"])
        found: list[Results[Any]] = search(
            viewer,
            terms,
            kind=kind,
            filters=MemberFilters(topic=params["topic"], company=params["company"]),
            cursor=query.get("cursor") or None,
            limit=PAGE_SIZE if kind else None,
        )
    except MutualsError as refusal:  # too long, or a cursor made up
        context["error"] = refusal.message
        return context
    context["terms"] = terms
    for results in found:
        next_url = None
        if results.next:
            more = {**params, "kind": results.kind.value}
            next_url = _link({**more, "cursor": results.next} if kind else more)
        rows = [_row(results, item, terms) for item in results.items]
        context["groups"].append(Group(results.kind, LABELS[results.kind], rows, next_url))
    return context
