"""The community's code of conduct: organizers publish versions outside the admin, sign-up
asks to accept the one in force, and each acceptance is recorded with its version.

A published version is never changed (a member accepted *that* text): editing publishes the
next version. Who may publish is `conduct_may_edit` (organizers: staff members); the
organizer who publishes a version accepts it by doing so.

Every member is asked to accept the version in force (`conduct_version_to_accept`), not only at
sign-up: once organizers publish a new one, a signed-in member's next page visit shows it
with an "I accept" button before anything else (`middleware.ConductInterstitialMiddleware`),
and the API refuses their writes with `403 conduct_not_accepted` until they accept it
(`api_auth`). Reading, accepting, signing out, taking one's data and leaving are never
held back (`CONDUCT_EXEMPT_PAGES`, `CONDUCT_EXEMPT_API`).
"""

from __future__ import annotations

from datetime import datetime

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from mutuals.accounts.models import CodeOfConduct, ConductAcceptance, User
from mutuals.core.compiled import CompiledQuery
from mutuals.core.errors import Conflict, NotAllowed, NotFound, Refused

MAX_CONDUCT_LENGTH = 20000
CURRENT_VERSION_KEY = "conduct:current-version"
CURRENT_VERSION_TTL = 300  # seconds

# What a member who has not accepted the version in force may still do: read and accept it,
# sign out or change their password, take their data, leave, and (API) manage tokens.
CONDUCT_EXEMPT_PAGES = ("/conduct/", "/accounts/", "/me/data/", "/me/delete/", "/static/")
CONDUCT_EXEMPT_API = (
    "/api/conduct",
    "/api/auth/",
    "/api/me/export",
    "/api/me/deletion",
    "/api/me/tokens",
)


def conduct_current() -> CodeOfConduct | None:
    """The version in force (the newest), or None before organizers publish one."""
    return CodeOfConduct.objects.order_by("-version").first()


def conduct_may_edit(user: User) -> bool:
    """Organizers edit the code of conduct: staff members."""
    return bool(user.is_active and user.is_staff)


@transaction.atomic
def conduct_publish(*, user: User, text: str, now: datetime | None = None) -> CodeOfConduct:
    """Publish a new version of the code of conduct (organizers only, `forbidden` 403
    otherwise); the text is required and at most 20,000 characters (`invalid_fields`). The
    same text as the version in force publishes nothing and answers that version."""
    if not conduct_may_edit(user):
        raise NotAllowed("Only the community's organizers edit the code of conduct.")
    text = text.strip().replace("\r\n", "\n")
    if not text:
        raise Refused.for_fields({"text": ["Write the code of conduct."]})
    if len(text) > MAX_CONDUCT_LENGTH:
        raise Refused.for_fields(
            {"text": [f"Keep it to {MAX_CONDUCT_LENGTH:,} characters (now {len(text):,})."]}
        )
    current = conduct_current()
    if current is not None and current.text == text:
        return current
    latest = CodeOfConduct.objects.aggregate(latest=Max("version"))["latest"] or 0
    try:
        with transaction.atomic():
            published = CodeOfConduct.objects.create(
                version=latest + 1,
                text=text,
                published_at=now or timezone.now(),
                published_by=user,
            )
    except IntegrityError:  # another organizer published that version number first
        raise Conflict(
            "Another organizer published a version at the same moment; look at it and edit again.",
            code="state_changed",
            detail={"state": "published"},
        ) from None
    # Every page asks for the new version at once (and again after the commit, in case a
    # request read the old one meanwhile).
    cache.delete(CURRENT_VERSION_KEY)
    transaction.on_commit(lambda: cache.delete(CURRENT_VERSION_KEY))
    # The organizer who wrote it is not asked to accept it.
    conduct_acceptance_record(user=user, conduct=published, now=published.published_at)
    return published


@transaction.atomic
def conduct_accept(*, user: User, version: int, now: datetime | None = None) -> CodeOfConduct:
    """Record that the member accepted this version, and answer it. Only the version in
    force can be accepted (`not_found` before any is published, `state_changed` 409 for an
    older one, with `detail.state` "superseded"); accepting it again changes nothing."""
    current = conduct_current()
    if current is None:
        raise NotFound("The community has not published a code of conduct yet.")
    if version != current.version:
        raise Conflict(
            f"Version {version} is not the code of conduct in force (version "
            f"{current.version}); read it and accept that one.",
            code="state_changed",
            detail={"state": "superseded", "version": current.version},
        )
    conduct_acceptance_record(user=user, conduct=current, now=now)
    return current


def conduct_acceptance_record(
    *, user: User, conduct: CodeOfConduct, now: datetime | None = None
) -> ConductAcceptance:
    """Record the acceptance of the version the member was shown (sign-up: a version
    published while they filled the form does not undo what they accepted)."""
    acceptance, _ = ConductAcceptance.objects.get_or_create(
        user=user, version=conduct.version, defaults={"accepted_at": now or timezone.now()}
    )
    return acceptance


def conduct_current_version() -> int:
    """The number of the version in force, 0 before any: read on every signed-in page, so
    kept in the cache (publishing clears it, and it expires within minutes anyway)."""
    version = cache.get(CURRENT_VERSION_KEY)
    if version is None:
        version = CodeOfConduct.objects.aggregate(latest=Max("version"))["latest"] or 0
        cache.set(CURRENT_VERSION_KEY, version, CURRENT_VERSION_TTL)
    return int(version)


def conduct_version_to_accept(user: User) -> int:
    """The version in force when the member has not accepted it; 0 when they have or none is
    published. What the interstitial and the API's `conduct_not_accepted` ask."""
    current = conduct_current_version()
    if not current:
        return 0
    accepted = _accepted_compiled.first(member_id=user.pk, version=current) is not None
    return 0 if accepted else current


# Read on every write through the API and every signed-in page: compiled once per process.
_accepted_compiled: CompiledQuery[int] = CompiledQuery(
    lambda member_id, version: ConductAcceptance.objects.filter(
        user_id=member_id, version=version
    ).values_list("pk", flat=True)[:1],
    member_id=-730_061,
    # Positive: the version is a PositiveIntegerField, and the ORM answers a lookup of a
    # value outside a field's range with no statement at all (EmptyResultSet), nothing to
    # compile.
    version=730_062,
)


def conduct_not_accepted_refusal(version: int) -> NotAllowed:
    """`403 conduct_not_accepted` (docs/api.md "Code of conduct"), naming the version to
    accept."""
    return NotAllowed(
        f"The community's code of conduct has changed (version {version}): read it "
        "(GET /api/conduct) and accept it (POST /api/conduct/accept) to go on.",
        code="conduct_not_accepted",
        detail={"version": version},
    )


def conduct_accepted_version(user: User) -> int | None:
    """The newest version the member accepted, or None."""
    result: int | None = ConductAcceptance.objects.filter(user=user).aggregate(v=Max("version"))[
        "v"
    ]
    return result
