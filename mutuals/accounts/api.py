"""Accounts and members endpoints (docs/api.md "Accounts and members"). Thin: parse, call a
service or selector, shape the answer."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import authenticate
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Router

from mutuals.accounts.access import access_profile_by_id
from mutuals.accounts.api_auth import member
from mutuals.accounts.conduct import (
    conduct_accept,
    conduct_accepted_version,
    conduct_current,
    conduct_publish,
)
from mutuals.accounts.models import CodeOfConduct, User
from mutuals.accounts.providers import proximity_for
from mutuals.accounts.schemas import (
    ApiTokenOut,
    ApiTokenPage,
    BoundariesOut,
    BoundariesPatch,
    ConductAcceptIn,
    ConductIn,
    ConductOut,
    MemberDetailOut,
    MemberOut,
    MemberPage,
    MeOut,
    PrivacyOut,
    PrivacyPatch,
    ProfileOut,
    ProfilePatch,
    TokenIn,
    TokenOut,
)
from mutuals.accounts.selectors import (
    api_tokens_active,
    email_verification_pending,
    member_directory,
)
from mutuals.accounts.services import (
    api_token_create,
    api_token_revoke,
    boundaries_update,
    privacy_update,
    profile_update,
)
from mutuals.core.errors import NotAllowed, NotAuthenticated, NotFound, RateLimited
from mutuals.core.pagination import keyset_page
from mutuals.core.schemas import refusals

router = Router(tags=["members"])

# The longest window of ACCOUNT_RATE_LIMITS["login_failed"]: when a client may try again.
LOGIN_LOCKOUT = timedelta(minutes=5)


@router.post(
    "/auth/token",
    auth=None,
    response={200: TokenOut},
    operation_id="auth_token_create",
    openapi_extra=refusals(
        {
            401: ["invalid_credentials"],
            403: ["email_unverified"],
            409: ["too_many_tokens"],
            429: ["rate_limited"],
        }
    ),
)
def auth_token_create(request: HttpRequest, payload: TokenIn) -> TokenOut:
    """Exchange an e-mail and password for a personal access token (shown once).

    Failed attempts count against the same limits as the sign-in page, and, like it, an
    e-mail not verified yet is refused while verification is mandatory (`email_unverified`).
    """
    from allauth.core import ratelimit

    email = payload.email.strip().lower()
    if not ratelimit.consume(request, action="login_failed", key=email, dry_run=True):
        raise RateLimited(
            "Too many failed sign-ins; wait a few minutes.",
            retry_at=timezone.now() + LOGIN_LOCKOUT,
        )
    user = authenticate(request, email=email, password=payload.password)
    if not isinstance(user, User) or not user.is_active:
        ratelimit.consume(request, action="login_failed", key=email)
        raise NotAuthenticated("The e-mail or password is not right.", code="invalid_credentials")
    if email_verification_pending(user, email):
        raise NotAllowed(
            "Confirm your e-mail address first: follow the link in the e-mail we sent you.",
            code="email_unverified",
        )
    _, raw = api_token_create(user=user, label=payload.label)
    return TokenOut(token=raw)


@router.get("/me", response=MeOut, operation_id="me_read")
def me_read(request: HttpRequest) -> MeOut:
    """The signed-in member with their profile and (private) boundaries."""
    return MeOut.build(_me(request))


@router.patch("/me/profile", response={200: ProfileOut}, operation_id="me_profile_update")
def me_profile_update(request: HttpRequest, payload: ProfilePatch) -> ProfileOut:
    """Change any subset of the profile; the answer is the whole profile."""
    user = _me(request)
    profile = profile_update(user=user, **payload.model_dump(exclude_unset=True))
    profile.user = user
    return ProfileOut.build(profile)


@router.patch(
    "/me/boundaries",
    response={200: BoundariesOut},
    operation_id="me_boundaries_update",
)
def me_boundaries_update(request: HttpRequest, payload: BoundariesPatch) -> BoundariesOut:
    """Change any subset of the member's own boundaries; nobody else can read or change them."""
    boundaries = boundaries_update(user=_me(request), **payload.model_dump(exclude_unset=True))
    return BoundariesOut.build(boundaries)


@router.get("/me/tokens", response=ApiTokenPage, operation_id="tokens_list")
def tokens_list(
    request: HttpRequest,
    cursor: str | None = None,
    limit: int = Query(20, ge=1, le=100),  # type: ignore[type-arg]
) -> ApiTokenPage:
    """Your personal access tokens not revoked, newest first; never the tokens themselves
    (they are shown once, by `POST /api/auth/token`)."""
    tokens, next_cursor = keyset_page(
        api_tokens_active(member(request)), keys=("-created_at", "-id"), cursor=cursor, limit=limit
    )
    return ApiTokenPage(items=[ApiTokenOut.build(t) for t in tokens], next=next_cursor)


@router.delete(
    "/me/tokens/{token_id}",
    response={204: None},
    operation_id="tokens_revoke",
    openapi_extra=refusals({404: ["not_found"]}),
)
def tokens_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    """Revoke one of your tokens: scripts using it stop working at once. Another member's
    token, or one already revoked, is `not_found`. Revoking the token this request uses is
    allowed (signing out a script)."""
    api_token_revoke(user=member(request), token_id=token_id)
    return HttpResponse(status=204)


@router.get("/members", response=MemberPage, operation_id="members_list")
def members_list(
    request: HttpRequest,
    q: str = "",
    topic: str = "",
    company: str = "",
    location: str = "",
    cursor: str | None = None,
    limit: int = Query(20, ge=1, le=100),  # type: ignore[type-arg]
) -> MemberPage:
    """Search the member directory. Each member carries their degree of separation from you."""
    viewer = member(request)
    members, next_cursor = keyset_page(
        member_directory(viewer=viewer, q=q, topic=topic, company=company, location=location),
        keys=("name", "id"),
        cursor=cursor,
        limit=limit,
    )
    proximity = proximity_for(viewer.pk, (m.pk for m in members))
    return MemberPage(
        items=[_member_out(m, proximity[m.pk].degree) for m in members], next=next_cursor
    )


@router.get(
    "/members/{member_id}",
    response={200: MemberDetailOut},
    operation_id="members_read",
    openapi_extra=refusals({404: ["not_found"]}),
)
def members_read(request: HttpRequest, member_id: int) -> MemberDetailOut:
    """One member's public profile, with degree of separation and mutual connections."""
    viewer = member(request)
    found = access_profile_by_id(viewer, member_id)
    proximity = proximity_for(viewer.pk, [found.pk])[found.pk]
    base = _member_out(found, proximity.degree)
    profile = found.profile
    return MemberDetailOut(
        **base.model_dump(),
        bio=profile.bio,
        location=profile.location,
        offers=list(profile.offers),
        looking_for=list(profile.looking_for),
        mutual_count=proximity.mutual_count,
    )


@router.get("/me/privacy", response=PrivacyOut, operation_id="me_privacy_read")
def me_privacy_read(request: HttpRequest) -> PrivacyOut:
    """Who sees your profile, your phone (never shown) and what connections may take."""
    return PrivacyOut.build(_me(request).profile)


@router.patch("/me/privacy", response=PrivacyOut, operation_id="me_privacy_update")
def me_privacy_update(request: HttpRequest, payload: PrivacyPatch) -> PrivacyOut:
    """Change any subset of your privacy settings; the answer is all of them."""
    profile = privacy_update(user=member(request), **payload.model_dump(exclude_unset=True))
    return PrivacyOut.build(profile)


def _conduct_out(conduct: CodeOfConduct, user: User) -> ConductOut:
    return ConductOut(
        version=conduct.version,
        text=conduct.text,
        published_at=conduct.published_at,
        accepted=conduct_accepted_version(user) == conduct.version,
    )


@router.get(
    "/conduct",
    response=ConductOut,
    operation_id="conduct_read",
    openapi_extra=refusals({404: ["not_found"]}),
)
def conduct_read(request: HttpRequest) -> ConductOut:
    """The community's code of conduct in force; `not_found` before organizers publish one."""
    conduct = conduct_current()
    if conduct is None:
        raise NotFound("The community has not published a code of conduct yet.")
    return _conduct_out(conduct, member(request))


@router.put(
    "/conduct",
    response=ConductOut,
    operation_id="conduct_publish",
    openapi_extra=refusals({403: ["forbidden"], 409: ["state_changed"]}),
)
def conduct_publish_endpoint(request: HttpRequest, payload: ConductIn) -> ConductOut:
    """Organizers publish a new version (the same text as the one in force changes
    nothing); members accept it with `POST /api/conduct/accept`."""
    user = member(request)
    return _conduct_out(conduct_publish(user=user, text=payload.text), user)


@router.post(
    "/conduct/accept",
    response=ConductOut,
    operation_id="conduct_accept",
    openapi_extra=refusals({404: ["not_found"], 409: ["state_changed"]}),
)
def conduct_accept_endpoint(request: HttpRequest, payload: ConductAcceptIn) -> ConductOut:
    """Accept the version in force (`state_changed` with `detail.state` "superseded" and the
    version in force for an older one; again changes nothing)."""
    user = member(request)
    return _conduct_out(conduct_accept(user=user, version=payload.version), user)


def _me(request: HttpRequest) -> User:
    return User.objects.select_related("profile", "boundaries").get(pk=member(request).pk)


def _member_out(user: User, degree: int | None) -> MemberOut:
    profile = user.profile
    return MemberOut(
        id=user.pk,
        name=user.name,
        headline=profile.headline,
        company=profile.company,
        title=profile.title,
        topics=[topic.name for topic in profile.topics.all()],
        degree=degree,
    )
