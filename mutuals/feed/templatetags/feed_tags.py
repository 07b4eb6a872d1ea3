"""Template helpers for posts: mention rendering and reaction labels."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from mutuals.feed import mentions as mention_rules

register = template.Library()

REACTION_ICONS = {"like": "👍", "insightful": "💡", "support": "🤝"}


@register.filter
def with_mentions(text: str) -> SafeString:
    """Escaped paragraphs with @mentions linked to profiles."""
    return mention_rules.render(text or "")


@register.filter
def plain_mentions(text: str) -> str:
    return mention_rules.plain(text or "")


@register.filter
def reaction_icon(kind: str) -> str:
    return REACTION_ICONS.get(kind, "")


@register.filter
def get_item(mapping: dict[str, object], key: str) -> object:
    return mapping.get(key, 0)
