"""The member document: which of a member's facts search reads, and with what weight.

`MEMBER_FIELDS` is the whole composition: adding a fact to member search is one line here
(with its `prefetch_related` in `_MEMBER_LOADS` when it lives in another table), then
`mutuals search_index` once to rewrite the stored documents. Weights: A the name, B who
they are at work, C what they know, D where they are and what they say of themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db import connections
from django.db.models import QuerySet
from django.utils import timezone

from mutuals.accounts.models import User
from mutuals.search.engines import sqlite_triggers_ensure
from mutuals.search.models import MemberDocument

type Extract = Callable[[User], str]

MEMBER_FIELDS: tuple[tuple[str, Extract], ...] = (
    ("a", lambda m: m.name),
    ("b", lambda m: m.profile.headline),
    ("b", lambda m: m.profile.title),
    ("b", lambda m: m.profile.company),
    ("c", lambda m: " ".join(topic.name for topic in m.profile.topics.all())),
    # Where they worked and studied (issue 19: "members (name, headline, company, topics,
    # experience)"): organisations and roles with their work, schools with the rest of
    # what they know.
    ("b", lambda m: " ".join(f"{e.role} {e.organisation}" for e in m.experiences.all())),
    (
        "c",
        lambda m: " ".join(f"{e.school} {e.degree} {e.field_of_study}" for e in m.education.all()),
    ),
    ("d", lambda m: m.profile.location),
    ("d", lambda m: m.profile.bio),
)
_MEMBER_LOADS = ("profile__topics", "experiences", "education")


def _schooling(entry: Any) -> str:
    return f"{entry.school} {entry.degree} {entry.field_of_study}"


_BATCH = 500


def member_document(member: User) -> dict[str, str]:
    """The document's columns for a member loaded with `_members()`."""
    columns: dict[str, list[str]] = {"a": [], "b": [], "c": [], "d": []}
    for column, extract in MEMBER_FIELDS:
        if text := extract(member).strip():
            columns[column].append(text)
    return {column: "\n".join(parts) for column, parts in columns.items()}


def _members(ids: Iterable[int] | None) -> QuerySet[User]:
    members = User.objects.select_related("profile").prefetch_related(*_MEMBER_LOADS)
    return members if ids is None else members.filter(pk__in=list(ids))


def member_documents_refresh(*, member_ids: Iterable[int] | None = None) -> int:
    """Write the documents of these members (every member when None) from their rows; the
    number written. Inactive members keep theirs: search leaves them out when it reads, so
    an account opened again is found at once."""
    now = timezone.now()
    written = 0
    members = _members(member_ids).order_by("pk")
    batch: list[MemberDocument] = []
    for member in members.iterator(chunk_size=_BATCH):
        batch.append(MemberDocument(member=member, updated_at=now, **member_document(member)))
        if len(batch) >= _BATCH:
            written += _write(batch)
            batch = []
    return written + _write(batch)


def _write(batch: list[MemberDocument]) -> int:
    MemberDocument.objects.bulk_create(
        batch,
        update_conflicts=True,
        unique_fields=["member"],
        update_fields=["a", "b", "c", "d", "updated_at"],
    )
    return len(batch)


def member_documents_missing() -> int:
    """Write the documents of members who have none (created past the services, e.g. by the
    admin or a restore); `mutuals sweep` runs it. The number written."""
    missing = User.objects.filter(search_document__isnull=True).values_list("pk", flat=True)
    return member_documents_refresh(member_ids=list(missing)) if missing.exists() else 0


def after_migrate(using: str = "default", **_: Any) -> None:
    """Run after every `migrate` (connected in `SearchConfig.ready`): the SQLite triggers a
    table remake dropped, and the documents of members written before search existed. A
    data migration could not do the second: it would run today's composition against
    yesterday's tables."""
    if MemberDocument._meta.db_table not in connections[using].introspection.table_names():
        return
    sqlite_triggers_ensure(using)
    member_documents_missing()
