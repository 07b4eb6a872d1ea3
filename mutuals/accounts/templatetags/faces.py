"""`{% avatar member "small" %}`: a member's face wherever their name is shown (cards, the
profile, requests, messages, the feed, attendee lists): their photo in the sizes the page
needs, or their initials when they have none. One template piece, `accounts/_avatar.html`."""

from __future__ import annotations

from typing import Any

from django import template

from mutuals.accounts.models import User
from mutuals.accounts.photos import LARGE, MEDIUM, SMALL, initials, photo_urls

register = template.Library()

# How wide each face is drawn (CSS pixels; mutuals.css `.avatar-<size>`), and the stored
# square the browser starts from: at least twice as wide, for sharp faces on dense screens.
SHOWN = {"small": (32, SMALL), "medium": (48, MEDIUM), "large": (96, LARGE)}


@register.inclusion_tag("accounts/_avatar.html")
def avatar(member: User, size: str = "small") -> dict[str, Any]:
    width, default = SHOWN[size]
    urls = photo_urls(member)
    return {
        "size": size,
        "width": width,
        "initials": initials(member.name),
        "src": urls.get(default),
        "srcset": ", ".join(f"{url} {pixels}w" for pixels, url in urls.items()),
    }
