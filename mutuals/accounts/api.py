"""Accounts and members endpoints (docs/api.md "Accounts and members"). Thin: parse, call a
service or selector, shape the answer."""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from allauth.core import ratelimit
from django.contrib.auth import authenticate
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import File, Form, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from mutuals.accounts import history, photos
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
    EducationIn,
    EducationList,
    EducationOut,
    EducationPatch,
    ExperienceIn,
    ExperienceList,
    ExperienceOut,
    ExperiencePatch,
    HistoryOrderIn,
    MemberDetailOut,
    MemberOut,
    MemberPage,
    MeOut,
    PhotoOut,
    PrivacyOut,
    PrivacyPatch,
    ProfileOut,
    ProfilePatch,
    TokenIn,
    TokenOut,
)
from mutuals.accounts.selectors import (
    MemberCard,
    api_tokens_active,
    email_verification_pending,
    member_directory_page,
    member_own_profile,
)
from mutuals.accounts.services import (
    api_token_create,
    api_token_revoke,
    boundaries_update,
    privacy_update,
    profile_update,
)
from mutuals.core.errors import NotAllowed, NotAuthenticated, NotFound, RateLimited, Refused
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
    return MeOut.build(member_own_profile(member(request).pk))


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
    members, next_cursor = member_directory_page(
        viewer=viewer,
        q=q,
        topic=topic,
        company=company,
        location=location,
        cursor=cursor,
        limit=limit,
    )
    proximity = proximity_for(viewer.pk, (card.id for card in members))
    return MemberPage(
        items=[MemberOut.build(card, proximity[card.id].degree) for card in members],
        next=next_cursor,
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
    base = MemberOut.build(MemberCard.of(found), proximity.degree)
    profile = found.profile
    return MemberDetailOut(
        **base.model_dump(),
        bio=profile.bio,
        location=profile.location,
        offers=list(profile.offers),
        looking_for=list(profile.looking_for),
        mutual_count=proximity.mutual_count,
        experience=[ExperienceOut.build(e) for e in history.history_entries(found, "experience")],
        education=[EducationOut.build(e) for e in history.history_entries(found, "education")],
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


_PHOTO_REFUSALS = {
    422: ["photo_not_image", "photo_too_large", "photo_too_many_pixels", "photo_too_small"]
}


@router.post(
    "/me/photo",
    response={200: PhotoOut},
    operation_id="me_photo_update",
    openapi_extra=refusals(_PHOTO_REFUSALS),
)
def me_photo_update(
    request: HttpRequest,
    file: File[UploadedFile],
    crop_x: Form[int | None] = None,
    crop_y: Form[int | None] = None,
    crop_size: Form[int | None] = None,
) -> PhotoOut:
    """Your profile photo, as multipart `file` (JPEG, PNG or WebP, up to 10 MB), cut to a
    square: the centre, or the square `crop_x`, `crop_y`, `crop_size` (pixels of the photo as
    it is seen). It is stored without its metadata in sizes 64, 160 and 400, at addresses that
    change with the photo. A file that is not an image is `photo_not_image`; one over the size
    limit `photo_too_large`; over 40 megapixels or 12,000 pixels a side
    `photo_too_many_pixels` (read from its header, before decoding); under 64 pixels a side
    `photo_too_small`; a square outside the photo `invalid_fields` on `crop`."""
    crop = _crop(crop_x, crop_y, crop_size)
    user = photos.photo_set(user=member(request), stream=file, size=file.size, crop=crop)
    return PhotoOut.build(user)


def _crop(x: int | None, y: int | None, size: int | None) -> photos.Crop | None:
    given = [value is not None for value in (x, y, size)]
    if not any(given):
        return None
    if not all(given):
        raise Refused.for_fields(
            {"crop": ["Give crop_x, crop_y and crop_size together, or none for the centre."]}
        )
    return photos.Crop(x=x or 0, y=y or 0, size=size or 0)


@router.delete("/me/photo", response={204: None}, operation_id="me_photo_delete")
def me_photo_delete(request: HttpRequest) -> HttpResponse:
    """Remove your photo: your initials are shown instead. Without a photo, nothing changes."""
    photos.photo_remove(user=member(request))
    return HttpResponse(status=204)


@dataclass(frozen=True, slots=True)
class _HistoryApi:
    """One kind of history entry as the API shapes it; the rules are `history.SPECS`'."""

    kind: history.Kind
    entry_in: type[Schema]
    entry_patch: type[Schema]
    entry_out: type[ExperienceOut | EducationOut]
    entry_list: type[Schema]
    create_doc: str


_HISTORY_APIS = (
    _HistoryApi(
        "experience",
        ExperienceIn,
        ExperiencePatch,
        ExperienceOut,
        ExperienceList,
        """Add a position at the top of your experience: organisation, role and start required;
    dates are months (`2021-03`) or years (`2021`), both alike; no `end` is present. An end
    before the start, a start over a year ahead, an end over 10 years ahead, or more than 30
    positions are refused.""",
    ),
    _HistoryApi(
        "education",
        EducationIn,
        EducationPatch,
        EducationOut,
        EducationList,
        """Add a school at the top of your education: `school` required; degree, field of study
    and dates optional (months or years, both alike). At most 15 schools.""",
    ),
)


def _history_routes(spec: _HistoryApi) -> None:
    """Mount `/me/<kind>` (create), `/me/<kind>/order` and `/me/<kind>/{entry_id}` (update,
    delete) for one kind of entry: the same four endpoints, and the same services, for
    experience and education (operation ids and summaries as they were when written twice)."""
    kind, noun = spec.kind, history.SPECS[spec.kind].noun

    def create(request: HttpRequest, payload: Any) -> Status[Any]:
        entry = history.history_add(user=member(request), kind=kind, **_dates(payload))
        return Status(201, spec.entry_out.build(entry))

    def order(request: HttpRequest, payload: HistoryOrderIn) -> Schema:
        entries = history.history_reorder(user=member(request), kind=kind, ids=payload.ids)
        return spec.entry_list.model_validate({"items": [spec.entry_out.build(e) for e in entries]})

    def update(request: HttpRequest, entry_id: int, payload: Any) -> Schema:
        entry = history.history_update(
            user=member(request), kind=kind, entry_id=entry_id, **_dates(payload, True)
        )
        return spec.entry_out.build(entry)

    def delete(request: HttpRequest, entry_id: int) -> HttpResponse:
        history.history_remove(user=member(request), kind=kind, entry_id=entry_id)
        return HttpResponse(status=204)

    # ninja reads a payload's schema from the view's annotations: name this kind's.
    create.__annotations__["payload"] = spec.entry_in
    update.__annotations__["payload"] = spec.entry_patch
    title = kind.title()
    router.post(
        f"/me/{kind}",
        response={201: spec.entry_out},
        operation_id=f"me_{kind}_create",
        summary=f"Me {title} Create",
        description=inspect.cleandoc(spec.create_doc),
        openapi_extra=refusals({422: ["too_many_entries"]}),
    )(create)
    router.put(
        f"/me/{kind}/order",
        response={200: spec.entry_list},
        operation_id=f"me_{kind}_order",
        summary=f"Me {title} Order",
        description=f"Put your {noun} in the order of `ids`, which names each of them once.",
    )(order)
    router.patch(
        f"/me/{kind}/{{entry_id}}",
        response={200: spec.entry_out},
        operation_id=f"me_{kind}_update",
        summary=f"Me {title} Update",
        description=f"Change any fields of one of your {noun}, by the rules of adding one.",
        openapi_extra=refusals({404: ["not_found"]}),
    )(update)
    router.delete(
        f"/me/{kind}/{{entry_id}}",
        response={204: None},
        operation_id=f"me_{kind}_delete",
        summary=f"Me {title} Delete",
        description=f"Remove one of your {noun}.",
        openapi_extra=refusals({404: ["not_found"]}),
    )(delete)


for _spec in _HISTORY_APIS:
    _history_routes(_spec)


def _dates(payload: Any, partial: bool = False) -> dict[str, Any]:
    """The payload as the history services take it: a null date is an empty one."""
    given: dict[str, Any] = payload.model_dump(exclude_unset=partial)
    for name in ("start", "end"):
        if name in given and given[name] is None:
            given[name] = ""
    return given
