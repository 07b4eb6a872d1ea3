"""Every write on members: provisioning, profiles, boundaries and API tokens.

Each service validates its input and raises `Refused` (422, `detail.fields`) naming the field
and what is wrong, before anything is written; writes happen in one transaction.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from mutuals.accounts.models import (
    ALL_INTENTS,
    CONTACT_DETAILS,
    MAX_LIST_ITEMS,
    MAX_TOPICS_PER_MEMBER,
    ApiToken,
    Boundaries,
    Profile,
    ProfileVisibility,
    Topic,
    User,
)
from mutuals.accounts.timezones import available_time_zones
from mutuals.accounts.topics import topic_display_name, topics_clean
from mutuals.core import graph_changes
from mutuals.core.compiled import CompiledQuery
from mutuals.core.errors import Conflict, NotFound, Refused

TOKEN_PREFIX = "mut_"  # noqa: S105 (a public marker, not a secret)
MAX_ACTIVE_TOKENS = 20
_UNSET: Any = object()


def member_provision(*, user: User) -> None:
    """Give a member their profile and boundaries (idempotent). Every path that creates a user
    calls this, so the rest of the code may rely on both existing."""
    Profile.objects.get_or_create(user=user)
    Boundaries.objects.get_or_create(user=user, defaults={"open_intents": list(ALL_INTENTS)})
    # A new member is findable by name at once (search listens).
    graph_changes.member_changed(member_id=user.pk, fields=["name"])


def _check_name(name: str, errors: dict[str, list[str]]) -> str:
    name = " ".join(name.split())
    if not name:
        errors.setdefault("name", []).append("Tell other members your name.")
    elif len(name) > 120:
        errors.setdefault("name", []).append("Keep the name to 120 characters.")
    return name


@transaction.atomic
def member_register(*, email: str, password: str, name: str, verified: bool = True) -> User:
    """Create a member with a verified e-mail (operators and the demo; the web sign-up goes
    through allauth). Refuses a malformed or taken e-mail and a weak password."""
    errors: dict[str, list[str]] = {}
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        errors.setdefault("email", []).append("Enter a valid e-mail address.")
    else:
        if User.objects.filter(email__iexact=email).exists():
            raise Conflict("A member with that e-mail already exists.", code="email_taken")
    name = _check_name(name, errors)
    try:
        validate_password(password, User(email=email, name=name))
    except ValidationError as exc:
        errors.setdefault("password", []).extend(exc.messages)
    if errors:
        raise Refused.for_fields(errors)
    user = User.objects.create_user(email=email, password=password, name=name)
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=verified)
    return user


def _clean_text(value: str, field: str, limit: int, errors: dict[str, list[str]]) -> str:
    value = value.strip()
    if len(value) > limit:
        errors.setdefault(field, []).append(f"Keep it to {limit} characters (now {len(value)}).")
    return value


def _clean_items(values: Sequence[str], field: str, errors: dict[str, list[str]]) -> list[str]:
    items: list[str] = []
    seen: set[str] = set()
    for raw in values:
        item = " ".join(str(raw).split())
        if not item or item.lower() in seen:
            continue
        if len(item) > 120:
            errors.setdefault(field, []).append(f"“{item[:30]}…” is longer than 120 characters.")
        seen.add(item.lower())
        items.append(item)
    if len(items) > MAX_LIST_ITEMS:
        errors.setdefault(field, []).append(f"List at most {MAX_LIST_ITEMS} items.")
    return items


_LINKEDIN_PROFILE = re.compile(
    r"^(?:https?://)?(?:[a-z]{2,3}\.)?linkedin\.com/in/([A-Za-z0-9\-_%]{2,100})/?(?:[?#].*)?$",
    re.IGNORECASE,
)


def _clean_linkedin_url(value: str, errors: dict[str, list[str]]) -> str:
    value = value.strip()
    if not value:
        return ""
    match = _LINKEDIN_PROFILE.match(value)
    if not match:
        errors.setdefault("linkedin_url", []).append(
            "Give your public LinkedIn profile address, like https://www.linkedin.com/in/your-name."
        )
        return value
    return f"https://www.linkedin.com/in/{match.group(1).lower()}"


def topics_resolve(pairs: Sequence[tuple[str, str]]) -> list[Topic]:
    """The Topic rows for (slug, name) pairs, creating the missing ones (first spelling wins,
    with a capital if typed all in lower case: `topic_display_name`)."""
    existing = {topic.slug: topic for topic in Topic.objects.filter(slug__in=[s for s, _ in pairs])}
    missing = [
        Topic(slug=slug, name=topic_display_name(name))
        for slug, name in pairs
        if slug not in existing
    ]
    if missing:
        Topic.objects.bulk_create(missing, ignore_conflicts=True)
        existing = {t.slug: t for t in Topic.objects.filter(slug__in=[s for s, _ in pairs])}
    return [existing[slug] for slug, _ in pairs]


@transaction.atomic
def profile_update(
    *,
    user: User,
    name: str = _UNSET,
    headline: str = _UNSET,
    bio: str = _UNSET,
    company: str = _UNSET,
    title: str = _UNSET,
    location: str = _UNSET,
    topics: Sequence[str] = _UNSET,
    offers: Sequence[str] = _UNSET,
    looking_for: Sequence[str] = _UNSET,
    linkedin_url: str = _UNSET,
) -> Profile:
    """Change any of a member's public profile fields; fields not given stay as they are.

    Rules: a name is required (≤ 120 characters); headline ≤ 160, bio ≤ 2000, company, title
    and location ≤ 120; at most 12 topics, normalized so that spelling variants are one topic;
    offers and looking-for are lists of at most 8 distinct short items; a LinkedIn address is
    a public profile (linkedin.com/in/…), stored as https://www.linkedin.com/in/<handle>, or
    empty. Any violation refuses the whole change.
    """
    profile = Profile.objects.select_for_update().get(user=user)
    errors: dict[str, list[str]] = {}
    changes: dict[str, Any] = {}
    limits = {"headline": 160, "bio": 2000, "company": 120, "title": 120, "location": 120}
    given = {
        "headline": headline,
        "bio": bio,
        "company": company,
        "title": title,
        "location": location,
    }
    for field, value in given.items():
        if value is not _UNSET:
            changes[field] = _clean_text(value, field, limits[field], errors)
    if name is not _UNSET:
        name = _check_name(name, errors)
    if offers is not _UNSET:
        changes["offers"] = _clean_items(offers, "offers", errors)
    if looking_for is not _UNSET:
        changes["looking_for"] = _clean_items(looking_for, "looking_for", errors)
    if linkedin_url is not _UNSET:
        changes["linkedin_url"] = _clean_linkedin_url(linkedin_url, errors)
    topic_pairs = (
        topics_clean(topics, errors, limit=MAX_TOPICS_PER_MEMBER) if topics is not _UNSET else None
    )
    if errors:
        raise Refused.for_fields(errors)

    renamed = name is not _UNSET and name != user.name
    if renamed:
        user.name = name
        user.save(update_fields=["name"])
    for field, value in changes.items():
        setattr(profile, field, value)
    if changes:
        profile.save()
    if topic_pairs is not None:
        profile.topics.set(topics_resolve(topic_pairs))
    graph_changes.member_changed(
        member_id=user.pk,
        fields=[
            *changes,
            *(["topics"] if topic_pairs is not None else []),
            *(["name"] if renamed else []),
        ],
    )
    return profile


@transaction.atomic
def boundaries_update(
    *,
    user: User,
    weekly_capacity: int = _UNSET,
    open_intents: Sequence[str] = _UNSET,
    quiet_until: datetime | None = _UNSET,
    min_personalization: int = _UNSET,
    open_to_introductions: bool = _UNSET,
    low_bandwidth: bool = _UNSET,
    time_zone: str = _UNSET,
) -> Boundaries:
    """Change a member's own boundaries; fields not given stay as they are.

    Rules: weekly capacity 1–50 new requests; open intents are known intents (an empty list
    means closed to every request); a quiet period ends in the future or is cleared (None);
    the minimum personalization score is 0–100; the time zone is an IANA name such as
    "America/Toronto".
    """
    boundaries = Boundaries.objects.select_for_update().get(user=user)
    errors: dict[str, list[str]] = {}
    if weekly_capacity is not _UNSET and not (
        Boundaries.MIN_CAPACITY <= weekly_capacity <= Boundaries.MAX_CAPACITY
    ):
        errors["weekly_capacity"] = [
            f"Choose between {Boundaries.MIN_CAPACITY} and {Boundaries.MAX_CAPACITY} "
            "new requests a week."
        ]
    if open_intents is not _UNSET:
        unknown = [intent for intent in open_intents if intent not in ALL_INTENTS]
        if unknown:
            errors["open_intents"] = [
                f"Unknown intent {', '.join(map(repr, unknown))}; "
                f"choose from {', '.join(ALL_INTENTS)}."
            ]
        # Keep the canonical order so the stored value does not depend on how it was sent.
        open_intents = [intent for intent in ALL_INTENTS if intent in set(open_intents)]
    if quiet_until is not _UNSET and quiet_until is not None:
        if timezone.is_naive(quiet_until):
            errors["quiet_until"] = ["Give the end of the quiet period with a time zone offset."]
        elif quiet_until <= timezone.now():
            errors["quiet_until"] = ["A quiet period must end in the future."]
    if min_personalization is not _UNSET and not 0 <= min_personalization <= 100:
        errors["min_personalization"] = ["Choose a score between 0 and 100."]
    if time_zone is not _UNSET and time_zone not in available_time_zones():
        errors["time_zone"] = [f"Unknown time zone {time_zone!r}; use a name like America/Toronto."]
    if errors:
        raise Refused.for_fields(errors)

    values = {
        "weekly_capacity": weekly_capacity,
        "open_intents": open_intents,
        "quiet_until": quiet_until,
        "min_personalization": min_personalization,
        "open_to_introductions": open_to_introductions,
        "low_bandwidth": low_bandwidth,
        "time_zone": time_zone,
    }
    changed = [field for field, value in values.items() if value is not _UNSET]
    for field in changed:
        setattr(boundaries, field, values[field])
    if changed:
        boundaries.save(update_fields=[*changed, "updated_at"])
    graph_changes.member_changed(member_id=user.pk, fields=changed)
    return boundaries


_PHONE = re.compile(r"^\+?[0-9][0-9 ().\-]{4,38}$")


@transaction.atomic
def privacy_update(
    *,
    user: User,
    visibility: str = _UNSET,
    phone: str = _UNSET,
    shared_contacts: Sequence[str] = _UNSET,
) -> Profile:
    """Change who sees the member's profile and what their connections may take with them;
    fields not given stay as they are.

    Rules: visibility is `community` (every member) or `connections` (connections only, and
    members with a request open between you); the phone is digits with spaces, dots, dashes,
    brackets and a leading +, at most 40 characters, or empty; shared contacts are among
    `email`, `phone`, `linkedin_url` (sharing one you have not filled in shares nothing).
    Any violation refuses the whole change."""
    profile = Profile.objects.select_for_update().get(user=user)
    errors: dict[str, list[str]] = {}
    changes: dict[str, Any] = {}
    if visibility is not _UNSET:
        if visibility not in ProfileVisibility.values:
            errors["visibility"] = [
                f"Choose {' or '.join(ProfileVisibility.values)}, not {visibility!r}."
            ]
        changes["visibility"] = visibility
    if phone is not _UNSET:
        phone = " ".join(phone.split())
        if phone and not _PHONE.match(phone):
            errors["phone"] = ["Give a phone number, like +1 416 555 0199."]
        changes["phone"] = phone
    if shared_contacts is not _UNSET:
        unknown = [item for item in shared_contacts if item not in CONTACT_DETAILS]
        if unknown:
            errors["shared_contacts"] = [
                f"Unknown contact detail {', '.join(map(repr, unknown))}; "
                f"choose from {', '.join(CONTACT_DETAILS)}."
            ]
        changes["shared_contacts"] = [d for d in CONTACT_DETAILS if d in set(shared_contacts)]
    if errors:
        raise Refused.for_fields(errors)
    for field, value in changes.items():
        setattr(profile, field, value)
    if changes:
        profile.save(update_fields=[*changes, "updated_at"])
    return profile


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user: User, label: str) -> tuple[ApiToken, str]:
    """Issue a personal access token; returns the row and the raw token, shown only once.
    Only the SHA-256 of the token is stored. At most 20 active tokens per member."""
    label = " ".join(label.split())[:80] or "API token"
    if ApiToken.objects.filter(user=user, revoked_at__isnull=True).count() >= MAX_ACTIVE_TOKENS:
        raise Conflict(
            f"You already have {MAX_ACTIVE_TOKENS} active tokens; revoke one first.",
            code="too_many_tokens",
        )
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, label=label, prefix=raw[: len(TOKEN_PREFIX) + 6], token_hash=_hash_token(raw)
    )
    return token, raw


# Every API request signed with a token runs this; compiled once per process (core.compiled).
_active_token: CompiledQuery[ApiToken] = CompiledQuery(
    lambda token_hash: ApiToken.objects.select_related("user").filter(
        token_hash=token_hash, revoked_at__isnull=True, user__is_active=True
    )[:1],
    token_hash="stand-in token hash",  # noqa: S106 - the value the SQL is compiled with, never a token
)


def api_token_authenticate(raw: str) -> User | None:
    """The active member a raw token belongs to, or None. Records when it was last used."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token: ApiToken | None = _active_token.first(token_hash=_hash_token(raw))
    if token is None:
        return None
    now = timezone.now()
    # Write at most once a minute per token: reads should not turn into writes.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@transaction.atomic
def api_token_revoke(*, user: User, token_id: int) -> None:
    """Revoke one of the member's own tokens; another member's token is not found."""
    updated = ApiToken.objects.filter(pk=token_id, user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if not updated:
        raise NotFound("No such active token.")
