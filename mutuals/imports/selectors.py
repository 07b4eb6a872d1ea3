"""Reads of the private contact book, always scoped to its owner."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.db.models.functions import Lower

from mutuals.accounts.models import Profile, User
from mutuals.connections.selectors import blocked_ids, connected_ids
from mutuals.imports.models import Contact, Import
from mutuals.imports.network import normalize_url
from mutuals.imports.own_profile import fit

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
    owner, nor blocked either way. Strongest relationships first."""
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
    excluded = connected_ids(owner.pk) | blocked_ids(owner.pk) | {owner.pk}
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
