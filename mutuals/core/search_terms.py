"""What a member typed, made safe to search with: words only (the one rule of what a search
box accepts: the search app's selectors and the connections list's filter both parse here).

Every engine's query language has operators (FTS5: quotes, `*`, `^`, `:`, `NEAR`, `AND`;
PostgreSQL's tsquery: `&`, `|`, `!`, `<->`, `:*`), so the text typed never reaches one.
It is cut into words (letters and digits, any script), and the engine writes its own query
from them: each word quoted, the last one (being typed) matched as a prefix, so "pri" finds
Priya as it is typed (`search.engines`).
Case and accents are the engines' to fold (PostgreSQL: the `mutuals_search` configuration
with `unaccent`; SQLite: FTS5's `unicode61 remove_diacritics 2`), the same on both sides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mutuals.core.errors import Refused

MAX_QUERY_LENGTH = 200
MAX_WORDS = 8
# A one-letter prefix matches most of any index: such words are left out when others are
# typed, and alone they ask for one more letter.
MIN_WORD_LENGTH = 2

_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Terms:
    """The words searched: lower-case, at least two characters, at most eight, in order."""

    words: tuple[str, ...]

    def __bool__(self) -> bool:
        return bool(self.words)


def terms_parse(text: str) -> Terms:
    """The words of `text`; refused (`query_too_long`, 422) beyond 200 characters. Anything
    that is not a letter or a digit (operators, quotes, NUL) separates words."""
    if len(text) > MAX_QUERY_LENGTH:
        raise Refused(
            f"Search for at most {MAX_QUERY_LENGTH} characters.",
            code="query_too_long",
            detail={"fields": {"q": [f"At most {MAX_QUERY_LENGTH} characters."]}},
        )
    words: list[str] = []
    for word in _WORD.findall(text.lower()):
        if len(word) >= MIN_WORD_LENGTH and word not in words:
            words.append(word)
    return Terms(tuple(words[:MAX_WORDS]))
