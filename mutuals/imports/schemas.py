"""API shapes for imports (docs/api.md "Imports")."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from mutuals.core.schemas import Schema
from mutuals.imports.models import Import
from mutuals.imports.selectors import Suggestion


class ImportCreatedOut(Schema):
    id: int
    status: str


class ImportErrorOut(Schema):
    code: str
    message: str
    detail: dict[str, Any]


class ImportOut(Schema):
    id: int
    status: str
    progress: int
    stage: str
    file_name: str
    counts: dict[str, int]
    error: ImportErrorOut | None
    created_at: datetime
    finished_at: datetime | None

    @staticmethod
    def build(item: Import) -> ImportOut:
        return ImportOut(
            id=item.pk,
            status=item.status,
            progress=item.progress,
            stage=item.stage,
            file_name=item.file_name,
            counts=dict(item.counts or {}),
            error=ImportErrorOut(**item.error) if item.error else None,
            created_at=item.created_at,
            finished_at=item.finished_at,
        )


class ImportPage(Schema):
    items: list[ImportOut]
    next: str | None


class AuditSuggestionOut(Schema):
    member_id: int
    name: str
    headline: str
    context: str
    matched_by: str
    contact_name: str

    @staticmethod
    def build(suggestion: Suggestion) -> AuditSuggestionOut:
        return AuditSuggestionOut(
            member_id=suggestion.member.pk,
            name=suggestion.member.name,
            headline=suggestion.member.profile.headline,
            context=suggestion.context,
            matched_by=suggestion.matched_by,
            contact_name=suggestion.contact.name,
        )


class AuditOut(Schema):
    """The audit (issues 6 and 16). Person entries carry `name`, `company`, `position`, `url`,
    `connected_on` and, by section, `reason`, `strength`, `tier`, `sent`, `received`,
    `last_at`. `totals.connections` counts every row LinkedIn wrote, `connections_hidden` of
    them hide their details. `charts.<name>` is `{total, parts: [{label, count}], left_out:
    [{label, count, why}], of}`: the parts add up to `total`, and `total` plus what is left
    out to `of`. `identity.collisions` lists connections that share a URL or a name (kept
    apart); `not_relationships` the owner's own other profiles, LinkedIn's own accounts and
    sponsored senders. Lists are whole (version 3; earlier audits kept 50 per list).
    `breakdowns.companies|roles|titles` are connections by company, role family and title,
    shaped like a chart; `acceptance.with_note|without_note` is `{sent, accepted, share}`;
    each template carries `accepted`, `per_year` and `undated`; re-engage entries carry their
    history (`sent`, `received`, `conversations`, `first_at`, `last_at`, and the latest
    message each way, `last_from_you` / `last_from_them` = `{at, excerpt}`). `own_profile` is
    what the export says about its owner (`fields`: headline, bio, location, company, title;
    `skills`; `positions`), offered on the page, never applied without the member's choice.
    Audits stored before version 2 lack `charts`, `identity` and `not_relationships`, before
    version 3 `breakdowns`, `acceptance` and `own_profile` (empty). `bring_them_in` is
    computed when asked: members who joined since count."""

    id: int
    version: int = 1
    as_of: str | None
    owner: dict[str, str]
    totals: dict[str, Any]
    charts: dict[str, Any] = {}
    identity: dict[str, Any] = {}
    not_relationships: dict[str, Any] = {}
    breakdowns: dict[str, Any] = {}
    acceptance: dict[str, Any] = {}
    own_profile: dict[str, Any] = {}
    connections_per_year: list[dict[str, int]]
    connections_undated: int = 0
    never_messaged: dict[str, Any]
    one_way: dict[str, Any]
    invitations: dict[str, Any]
    templates: dict[str, Any]
    strength: dict[str, Any]
    reengage: list[dict[str, Any]]
    let_rest: dict[str, Any]
    messages_per_month: list[dict[str, Any]]
    bring_them_in: list[AuditSuggestionOut]


class OwnProfileIn(Schema):
    """What to bring in from the export: field names and skills, as the audit offers them,
    and positions and schools by their place (from 0) in `own_profile.positions` and
    `own_profile.education`."""

    fields: list[str] = []
    skills: list[str] = []
    positions: list[int] = Field(default=[], max_length=200)
    education: list[int] = Field(default=[], max_length=200)


class OwnProfileOut(Schema):
    applied: list[str]  # what changed: field labels, and "topics" when skills were added
