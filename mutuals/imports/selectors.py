"""Reads of the private contact book, always scoped to its owner."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.db.models.functions import Lower

from mutuals.accounts.history import SPECS as HISTORY_SPECS
from mutuals.accounts.history import history_check, history_entries
from mutuals.accounts.models import Education, Experience, Profile, User
from mutuals.connections.invitations import removed_within_wait_ids
from mutuals.connections.selectors import blocked_ids, connected_ids
from mutuals.imports.models import Contact, Import
from mutuals.imports.network import normalize_url
from mutuals.imports.own_profile import fit, shorten

SUGGESTION_LIMIT = 50


def import_list_for(owner: User) -> QuerySet[Import]:
    return Import.objects.filter(owner=owner).defer("audit")


@dataclass(frozen=True)
class Suggestion:
    """A member of this community the viewer already knows from LinkedIn."""

    member: User
    contact: Contact
    context: str  # "connected on LinkedIn since 2019"
    matched_by: str  # "profile_url" or "email"


def bring_them_in(owner: User, limit: int = SUGGESTION_LIMIT) -> list[Suggestion]:
    """Imported LinkedIn connections who are members here — matched by their LinkedIn profile
    URL (as they gave it on their profile) or their e-mail — and not yet connected with the
    owner, nor blocked either way, nor removed by either in the last 21 days. Strongest
    relationships first."""
    contacts = list(
        Contact.objects.filter(owner=owner, is_connection=True).only(
            "id", "name", "profile_url", "email", "connected_on", "strength", "company"
        )
    )
    by_url = {normalize_url(c.profile_url): c for c in contacts if c.profile_url}
    by_url.pop("", None)
    by_email = {c.email.lower(): c for c in contacts if c.email}
    if not by_url and not by_email:
        return []
    # Nor anyone whose connection with the owner either removed in the last 21 days.
    excluded = (
        connected_ids(owner.pk)
        | blocked_ids(owner.pk)
        | removed_within_wait_ids(owner.pk)
        | {owner.pk}
    )
    found: dict[int, Suggestion] = {}
    if by_url:
        # Members type their URL in many shapes (with www., a trailing slash, a tracking
        # query); compare normalized forms.
        matches: dict[int, Contact] = {}
        for member_id, url in Profile.objects.exclude(linkedin_url="").values_list(
            "user_id", "linkedin_url"
        ):
            contact = by_url.get(normalize_url(url))
            if contact is not None and member_id not in excluded:
                matches[member_id] = contact
        for member in User.objects.filter(is_active=True, pk__in=list(matches)).select_related(
            "profile"
        ):
            found[member.pk] = _suggestion(member, matches[member.pk], "profile_url")
    if by_email:
        candidates = (
            User.objects.annotate(email_lower=Lower("email"))
            .filter(is_active=True, email_lower__in=list(by_email))
            .select_related("profile")
        )
        for member in candidates:
            contact = by_email.get(member.email.lower())
            if contact is not None and member.pk not in excluded and member.pk not in found:
                found[member.pk] = _suggestion(member, contact, "email")
    ordered = sorted(found.values(), key=lambda s: (-s.contact.strength, s.member.name))
    return ordered[:limit]


def _suggestion(member: User, contact: Contact, matched_by: str) -> Suggestion:
    if contact.connected_on is not None:
        context = f"connected on LinkedIn since {contact.connected_on.year}"
    else:
        context = "connected on LinkedIn"
    return Suggestion(member=member, contact=contact, context=context, matched_by=matched_by)


@dataclass(frozen=True)
class ProfileChange:
    """One field the export would change on the member's own profile."""

    field: str
    label: str
    now: str
    proposed: str
    shortened: bool  # cut to the profile's limit


PROFILE_LABELS = {
    "headline": "Headline",
    "title": "Title",
    "company": "Company",
    "location": "Location",
    "bio": "About",
}


def own_profile_offer(owner: User, item: Import) -> tuple[list[ProfileChange], list[str]]:
    """What an import would bring into its owner's profile: the fields that differ from the
    profile now, and the skills that are not yet among their topics."""
    proposal = (item.audit or {}).get("own_profile") or {}
    profile = Profile.objects.get(user=owner)
    changes = []
    for field, label in PROFILE_LABELS.items():
        value = proposal.get("fields", {}).get(field)
        if not value:
            continue
        proposed, shortened = fit(field, value)
        now = getattr(profile, field)
        if proposed != now:
            changes.append(ProfileChange(field, label, now, proposed, shortened))
    topics = {name.casefold() for name in profile.topics.values_list("name", flat=True)}
    skills = [skill for skill in proposal.get("skills", []) if skill.casefold() not in topics]
    return changes, skills


@dataclass(frozen=True)
class HistoryOffer:
    """One position or school of the export, as it would be added to the member's profile.
    `index` is its place in the audit's `own_profile.positions` or `.education`; it is offered
    only when `problem` is empty (not already on the profile, and within the profile's rules)."""

    index: int
    kind: str  # "experience" or "education"
    values: dict[str, str]  # what `accounts.history.history_add` is given
    heading: str  # "Software Engineer · Infiniteql"
    period: str  # "Feb 2018 – Nov 2019"
    shortened: bool
    problem: str  # why it is not offered ("" when it is)


def _history_values(kind: str, raw: dict[str, Any]) -> tuple[dict[str, str], bool]:
    if kind == "experience":
        texts = {
            "organisation": raw.get("company", ""),
            "role": raw.get("title", ""),
            "location": raw.get("location", ""),
            "description": raw.get("description", ""),
        }
    else:
        texts = {
            "school": raw.get("school", ""),
            "degree": raw.get("degree", ""),
            "description": raw.get("description", ""),
        }
    shortened = False
    for field, value in texts.items():
        texts[field], cut = shorten(value, HISTORY_SPECS[kind].texts[field][0])
        shortened = shortened or cut
    # Imports made before issue 19 kept the days only: their months.
    start = raw.get("start", (raw.get("started_on") or "")[:7])
    end = raw.get("end", (raw.get("finished_on") or "")[:7])
    return {**texts, "start": start, "end": end}, shortened


def _identity(kind: str, values: dict[str, Any]) -> tuple[str, ...]:
    if kind == "experience":
        return (values["organisation"].casefold(), values["role"].casefold(), values["start"])
    return (values["school"].casefold(), values["degree"].casefold())


def own_history_offer(owner: User, item: Import) -> dict[str, list[HistoryOffer]]:
    """The export's positions and schools as the member's profile entries: "experience" and
    "education" → offers, each either offerable or with the reason it is not (already on the
    profile; a date the profile refuses)."""
    proposal = (item.audit or {}).get("own_profile") or {}
    offers: dict[str, list[HistoryOffer]] = {}
    for kind, key in (("experience", "positions"), ("education", "education")):
        on_profile = {
            _identity(kind, {**entry_values(entry), "start": entry.start})
            for entry in history_entries(owner, kind)  # type: ignore[arg-type]
        }
        offers[kind] = []
        for index, raw in enumerate(proposal.get(key, [])):
            values, shortened = _history_values(kind, raw)
            checked, errors = history_check(kind=kind, **values)  # type: ignore[arg-type]
            problem = "; ".join(p for problems in errors.values() for p in problems)
            if not problem and _identity(kind, values) in on_profile:
                problem = "Already on your profile."
            entry = (Experience if kind == "experience" else Education)(**checked)
            heading = " · ".join(
                part
                for part in (
                    (values["role"], values["organisation"])
                    if kind == "experience"
                    else (values["school"], values["degree"])
                )
                if part
            )
            offers[kind].append(
                HistoryOffer(index, kind, values, heading, entry.period, shortened, problem)
            )
    return offers


def entry_values(entry: Experience | Education) -> dict[str, str]:
    if isinstance(entry, Experience):
        return {"organisation": entry.organisation, "role": entry.role}
    return {"school": entry.school, "degree": entry.degree}
