"""Topic normalization: one spelling-insensitive tag per idea, reused across members."""

from __future__ import annotations

import re
import unicodedata

from django.utils.text import slugify

MAX_TOPIC_LENGTH = 40
_SPACES = re.compile(r"\s+")


def clean_topic_name(raw: str) -> str:
    """Trim and collapse whitespace, keep the member's casing; '' when nothing usable."""
    name = unicodedata.normalize("NFKC", raw)
    return _SPACES.sub(" ", name).strip().strip(",;#").strip()


def topic_slug(name: str) -> str:
    """The identity of a topic: 'Risk Management', ' risk  management ' → 'risk-management'."""
    return slugify(clean_topic_name(name), allow_unicode=True)


def split_topics(text: str) -> list[str]:
    """Split a comma- or newline-separated list typed into a form."""
    return [part for part in re.split(r"[,\n;]", text) if part.strip()]
