"""@mentions: one unambiguous stored form, typed two ways.

Members have names, not handles, and names repeat and contain spaces, so a mention is stored
as a token that carries the member's id: `@[Ana Souza](42)`. The composer's autocomplete
inserts that token; a member who types `@Ana Souza` by hand gets it resolved against their
connections when they save (the longest matching full name wins, case-insensitively), and
anything else stays plain text. Rendering turns tokens into profile links and escapes the rest.

The name in a token is only what the writer typed; the id is what it means. So a token never
shows one name while linking to another member (`@[Priya Raghunathan](50)` written about
someone else): saving rewrites each token to the member's current name (`canonical`), and
rendering shows the current name looked up from the id; a token whose id is no member shows
as the plain text typed, with no link.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from mutuals.accounts.models import User
from mutuals.core.compiled import CompiledQuery, ids_text, in_ids

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


def current_names(text: str) -> dict[int, str]:
    """The current names of the active members the tokens in `text` point at (one query, none
    when there is no token)."""
    ids = {int(match.group(2)) for match in TOKEN.finditer(text)}
    if not ids:
        return {}
    return dict(_names_compiled.fetch(ids=ids_text(ids)))


# Read for every post shown and every note checked: compiled once per process (issue 20).
_names_compiled: CompiledQuery[tuple[int, str]] = CompiledQuery(
    lambda ids: User.objects.filter(in_ids("pk", ids), is_active=True).values_list("pk", "name"),
    ids="-730051,-730052",
)


def canonical(text: str, names: dict[int, str] | None = None) -> str:
    """Tokens rewritten to their member's current name; a token for no member becomes the
    plain `@Name` typed."""
    names = current_names(text) if names is None else names

    def rewrite(match: re.Match[str]) -> str:
        member_id = int(match.group(2))
        if member_id not in names:
            return f"@{match.group(1)}"
        return f"@[{names[member_id]}]({member_id})"

    return TOKEN.sub(rewrite, text)


def plain(text: str, names: dict[int, str] | None = None) -> str:
    """The text as a reader sees it: tokens become `@Current Name` (`@Typed name` for a
    token that is no member)."""
    names = current_names(text) if names is None else names
    return TOKEN.sub(lambda m: f"@{names.get(int(m.group(2)), m.group(1))}", text)


def render(text: str, names: dict[int, str] | None = None) -> SafeString:
    """HTML: escaped text, line breaks kept, mentions as links to the member's profile with
    their current name (a token that is no member stays plain, unlinked text)."""
    names = current_names(text) if names is None else names
    pieces: list[str] = []
    last = 0
    for match in TOKEN.finditer(text):
        pieces.append(escape(text[last : match.start()]))
        member_id = int(match.group(2))
        if member_id in names:
            pieces.append(
                format_html(
                    '<a class="mention" href="{}">@{}</a>',
                    reverse("member_detail", args=[member_id]),
                    names[member_id],
                )
            )
        else:
            pieces.append(escape(f"@{match.group(1)}"))
        last = match.end()
    pieces.append(escape(text[last:]))
    html = "".join(pieces)
    paragraphs = [p.replace("\n", "<br>") for p in re.split(r"\n{2,}", html.strip()) if p.strip()]
    return mark_safe("".join(f"<p>{p}</p>" for p in paragraphs))  # noqa: S308 - escaped above
