"""Topic normalization: one spelling-insensitive tag per idea, reused across members."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from django.utils.text import slugify

MAX_TOPIC_LENGTH = 40
_SPACES = re.compile(r"\s+")


def clean_topic_name(raw: str) -> str:
    """Trim and collapse whitespace, keep the member's casing; '' when nothing usable."""
    name = unicodedata.normalize("NFKC", raw)
    return _SPACES.sub(" ", name).strip().strip(",;#").strip()


def topic_display_name(name: str) -> str:
    """How a new topic is first shown: a name typed all in lower case gets a capital, like the
    topics beside it ("stakeholder management" → "Stakeholder management", sorted among the
    S's); any other casing ("iOS delivery", "PMO") is the member's and kept."""
    if name and name == name.lower() and name[0].isalpha():
        return name[0].upper() + name[1:]
    return name


def topic_slug(name: str) -> str:
    """The identity of a topic: 'Risk Management', ' risk  management ' → 'risk-management'."""
    return slugify(clean_topic_name(name), allow_unicode=True)


def split_topics(text: str) -> list[str]:
    """Split a comma- or newline-separated list typed into a form."""
    return [part for part in re.split(r"[,\n;]", text) if part.strip()]


def topics_clean(
    values: Sequence[object], errors: dict[str, list[str]], *, limit: int
) -> list[tuple[str, str]]:
    """The (slug, name) pairs of topics typed anywhere (a profile, an event, a post, an
    offer), de-duplicated by slug in the order given. Each unusable one (no letter or digit,
    longer than `MAX_TOPIC_LENGTH`) and more than `limit` topics add a message to
    `errors["topics"]`; blanks are skipped."""
    topics: dict[str, str] = {}
    for raw in values:
        name = clean_topic_name(str(raw))
        if not name:
            continue
        slug = topic_slug(name)
        if not slug:
            errors.setdefault("topics", []).append(f"“{name}” needs a letter or a digit.")
        elif len(name) > MAX_TOPIC_LENGTH:
            errors.setdefault("topics", []).append(
                f"“{name[:30]}…” is longer than {MAX_TOPIC_LENGTH} characters."
            )
        else:
            topics.setdefault(slug, name)
    if len(topics) > limit:
        errors.setdefault("topics", []).append(f"Choose at most {limit} topics.")
    return list(topics.items())
