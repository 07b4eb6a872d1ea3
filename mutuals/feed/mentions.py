"""@mentions: one unambiguous stored form, typed two ways.

Members have names, not handles, and names repeat and contain spaces, so a mention is stored
as a token that carries the member's id: `@[Ana Souza](42)`. The composer's autocomplete
inserts that token; a member who types `@Ana Souza` by hand gets it resolved against their
connections when they save (the longest matching full name wins, case-insensitively), and
anything else stays plain text. Rendering turns tokens into profile links and escapes the rest.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

TOKEN = re.compile(r"@\[([^\[\]\n]{1,120})\]\((\d{1,12})\)")
MAX_MENTIONS = 10


def mentioned_ids(text: str) -> list[int]:
    """Member ids of the tokens in `text`, first occurrence order, at most MAX_MENTIONS."""
    ids: list[int] = []
    for match in TOKEN.finditer(text):
        member_id = int(match.group(2))
        if member_id not in ids:
            ids.append(member_id)
    return ids[:MAX_MENTIONS]


def resolve_typed(text: str, candidates: Iterable[tuple[int, str]]) -> str:
    """Rewrite `@Full Name` typed by hand into tokens, for the given (id, name) candidates
    (the author's connections). Existing tokens are left alone."""
    people = sorted(
        ((pk, name) for pk, name in candidates if name.strip()), key=lambda c: -len(c[1])
    )
    if not people or "@" not in text:
        return text
    parts = TOKEN.split(text)
    # split() with two groups gives: text, name, id, text, name, id, ..., text
    out: list[str] = []
    for index in range(0, len(parts), 3):
        chunk = parts[index]
        for pk, name in people:
            pattern = re.compile(r"@" + re.escape(name) + r"(?![\w])", re.IGNORECASE)
            chunk = pattern.sub(lambda _m, pk=pk, name=name: f"@[{name}]({pk})", chunk)
        out.append(chunk)
        if index + 2 < len(parts):
            out.append(f"@[{parts[index + 1]}]({parts[index + 2]})")
    return "".join(out)


def plain(text: str) -> str:
    """The text as a reader sees it: tokens become `@Name`."""
    return TOKEN.sub(lambda m: f"@{m.group(1)}", text)


def render(text: str) -> SafeString:
    """HTML: escaped text, line breaks kept, mentions as links to the member's profile."""
    pieces: list[str] = []
    last = 0
    for match in TOKEN.finditer(text):
        pieces.append(escape(text[last : match.start()]))
        pieces.append(
            format_html(
                '<a class="mention" href="{}">@{}</a>',
                reverse("member_detail", args=[int(match.group(2))]),
                match.group(1),
            )
        )
        last = match.end()
    pieces.append(escape(text[last:]))
    html = "".join(pieces)
    paragraphs = [p.replace("\n", "<br>") for p in re.split(r"\n{2,}", html.strip()) if p.strip()]
    return mark_safe("".join(f"<p>{p}</p>" for p in paragraphs))  # noqa: S308 - escaped above
