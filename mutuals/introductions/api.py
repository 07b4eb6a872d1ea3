"""Graph and introduction endpoints (docs/api.md "Graph"). Thin: parse, call one service or
selector, shape the answer."""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from ninja import Query, Router, Status

from mutuals.accounts.access import access_member_id
from mutuals.accounts.api_auth import member
from mutuals.accounts.schemas import MemberOut
from mutuals.core.errors import Refused
from mutuals.core.ids import Id
from mutuals.core.pagination import cursor_int, decode_cursor, encode_cursor, keyset_page
from mutuals.core.schemas import refusals
from mutuals.introductions import selectors, services
from mutuals.introductions.access import access_introduction_by_id
from mutuals.introductions.schemas import (
    DismissIn,
    DismissOut,
    ForwardIn,
    IntroductionCreatedOut,
    IntroductionDeclineIn,
    IntroductionIn,
    IntroductionOut,
    IntroductionPage,
    IntroductionStateOut,
    PathOut,
    PathsOut,
    PeopleSuggestionOut,
    SuggestionPage,
    ThankIn,
)

router = Router(tags=["graph"])


@router.get(
    "/introductions/paths",
    response={200: PathsOut},
    operation_id="introductions_paths",
    openapi_extra=refusals({404: ["not_found"], 422: ["cannot_reach_self"]}),
)
def introductions_paths(
    request: HttpRequest, to: Id | None = None, company: str = "", topic: str = ""
) -> PathsOut:
    """The strongest warm-introduction paths (at most 4 hops, product of tie strengths) from
    you to one member (`to`), or to anyone at a `company` or with a `topic`; best first,
    each through a different first introducer. Give exactly one of the three."""
    viewer = member(request)
    given = [
        name
        for name, value in (("to", to), ("company", company.strip()), ("topic", topic.strip()))
        if value
    ]
    if len(given) != 1:
        raise Refused.for_fields({"to": ["Give exactly one of to, company or topic."]})
    if to is not None:
        target_id = access_member_id(viewer, to)
        if target_id == viewer.pk:
            raise Refused("That is you.", code="cannot_reach_self")
        paths = selectors.warm_paths(viewer=viewer, to=target_id)
    elif company.strip():
        paths = selectors.warm_paths(viewer=viewer, company=company.strip())
    else:
        paths = selectors.warm_paths(viewer=viewer, topic=topic.strip())
    return PathsOut(
        paths=[
            PathOut(
                members=list(p.members),
                strengths=[round(s, 4) for s in p.strengths],
                score=round(p.score, 6),
            )
            for p in paths
        ]
    )


@router.get(
    "/recommendations/people", response=SuggestionPage, operation_id="recommendations_people"
)
def recommendations_people(
    request: HttpRequest,
    cursor: str | None = None,
    limit: int = Query(20, ge=1, le=50),  # type: ignore[type-arg]
) -> SuggestionPage:
    """People you may know: members two steps away, ranked by Adamic–Adar over your mutual
    connections plus shared topics and events, each with its reasons. Never someone blocked,
    dismissed, or who declined or reported a request between you, nor anyone you asked and
    who has not answered; someone whose request to you waits comes with its
    `incoming_invitation_id`, to answer rather than ask back."""
    viewer = member(request)
    offset = (
        cursor_int(decode_cursor(cursor, 1)[0], high=selectors.MAX_SUGGESTIONS) if cursor else 0
    )
    found = selectors.people_suggestions(viewer=viewer, limit=limit + 1, offset=offset)
    page = found[:limit]
    items = [
        PeopleSuggestionOut(
            member=MemberOut.build(s.member, s.degree),
            score=round(s.score, 6),
            reasons=s.reasons,
            incoming_invitation_id=s.incoming_invitation_id,
        )
        for s in page
    ]
    more = len(found) > limit and offset + limit < selectors.MAX_SUGGESTIONS
    return SuggestionPage(items=items, next=encode_cursor([offset + limit]) if more else None)


@router.post(
    "/recommendations/people/{member_id}/dismiss",
    response={200: DismissOut},
    operation_id="recommendations_people_dismiss",
    openapi_extra=refusals({404: ["not_found"], 422: ["cannot_dismiss_self"]}),
)
def recommendations_people_dismiss(
    request: HttpRequest, member_id: int, payload: DismissIn
) -> DismissOut:
    """Stop suggesting a member: `not_now` or `dont_know` ("I don't know them")."""
    dismissal = services.suggestion_dismiss(
        member=member(request), dismissed_id=member_id, reason=payload.reason
    )
    return DismissOut(member_id=dismissal.dismissed_id, reason=dismissal.reason)


@router.post(
    "/introductions",
    response={201: IntroductionCreatedOut},
    operation_id="introductions_create",
    openapi_extra=refusals(
        {
            404: ["not_found"],
            409: ["already_connected", "introduction_pending", "reinvite_too_soon"],
            422: [
                "below_personalization_threshold",
                "cannot_introduce_self",
                "introducer_closed_to_introductions",
                "introducer_not_connected",
                "invalid_context",
                "invalid_introducer",
                "recipient_closed_to_intent",
                "referral_needs_stronger_tie",
            ],
        }
    ),
)
def introductions_create(
    request: HttpRequest, payload: IntroductionIn
) -> Status[IntroductionCreatedOut]:
    """Ask a connection (`introducer_id`) to introduce you to one of theirs (`target_id`).
    Refusals: `already_connected`, `introduction_pending` and `reinvite_too_soon` (within 21
    days of a removal of your connection with the target, `detail.retry_at`) (409);
    `introducer_not_connected`, `introducer_closed_to_introductions`,
    `recipient_closed_to_intent`, `referral_needs_stronger_tie` (ask for advice first),
    `invalid_context`, `below_personalization_threshold` with findings (422); `not_found`
    (404)."""
    introduction = services.introduction_request(
        requester=member(request), draft=payload.as_draft()
    )
    return Status(201, IntroductionCreatedOut(id=introduction.pk, state=introduction.state))


@router.get("/introductions", response=IntroductionPage, operation_id="introductions_list")
def introductions_list(
    request: HttpRequest,
    box: Literal["to_introduce", "offered", "sent"] = "offered",
    cursor: str | None = None,
    limit: int = Query(20, ge=1, le=100),  # type: ignore[type-arg]
) -> IntroductionPage:
    """`to_introduce`: requests waiting for you as introducer; `offered`: introductions
    forwarded to you; `sent`: your own requests. Newest first."""
    viewer = member(request)
    rows, next_cursor = keyset_page(
        selectors.introductions_for(viewer, box),
        keys=("-created_at", "-id"),
        cursor=cursor,
        limit=limit,
    )
    return IntroductionPage(
        items=[IntroductionOut.build(r, viewer_id=viewer.pk) for r in rows], next=next_cursor
    )


@router.get(
    "/introductions/{introduction_id}",
    response={200: IntroductionOut},
    operation_id="introductions_read",
    openapi_extra=refusals({404: ["not_found"]}),
)
def introductions_read(request: HttpRequest, introduction_id: int) -> IntroductionOut:
    """One introduction you are part of (the target sees it once it is forwarded)."""
    viewer = member(request)
    return IntroductionOut.build(
        access_introduction_by_id(viewer, introduction_id), viewer_id=viewer.pk
    )


def _state(introduction: object) -> IntroductionStateOut:
    return IntroductionStateOut(
        id=introduction.pk,  # type: ignore[attr-defined]
        state=introduction.state,  # type: ignore[attr-defined]
        connection_id=introduction.connection_id,  # type: ignore[attr-defined]
    )


@router.post(
    "/introductions/{introduction_id}/forward",
    response={200: IntroductionStateOut},
    operation_id="introductions_forward",
    openapi_extra=refusals(
        {
            403: ["not_the_introducer"],
            404: ["not_found"],
            409: ["no_longer_connected", "state_changed"],
        }
    ),
)
def introductions_forward(
    request: HttpRequest, introduction_id: int, payload: ForwardIn
) -> IntroductionStateOut:
    """The introducer passes the request on to the target with a note."""
    return _state(
        services.introduction_forward(
            member=member(request), introduction_id=introduction_id, note=payload.note
        )
    )


@router.post(
    "/introductions/{introduction_id}/accept",
    response={200: IntroductionStateOut},
    operation_id="introductions_accept",
    openapi_extra=refusals(
        {
            403: ["not_the_target"],
            404: ["not_found"],
            409: ["already_connected", "state_changed"],
            422: ["cannot_connect_self"],
        }
    ),
)
def introductions_accept(request: HttpRequest, introduction_id: int) -> IntroductionStateOut:
    """The target accepts: you are connected, and the requester owes the introducer a thank-you."""
    return _state(
        services.introduction_accept(member=member(request), introduction_id=introduction_id)
    )


@router.post(
    "/introductions/{introduction_id}/decline",
    response={200: IntroductionStateOut},
    operation_id="introductions_decline",
    openapi_extra=refusals({403: ["not_allowed"], 404: ["not_found"], 409: ["state_changed"]}),
)
def introductions_decline(
    request: HttpRequest, introduction_id: int, payload: IntroductionDeclineIn
) -> IntroductionStateOut:
    """The introducer declines a request, or the target declines a forwarded introduction."""
    reason = payload.reason
    return _state(
        services.introduction_decline(
            member=member(request), introduction_id=introduction_id, reason=reason
        )
    )


@router.post(
    "/introductions/{introduction_id}/withdraw",
    response={200: IntroductionStateOut},
    operation_id="introductions_withdraw",
    openapi_extra=refusals(
        {403: ["not_the_requester"], 404: ["not_found"], 409: ["state_changed"]}
    ),
)
def introductions_withdraw(request: HttpRequest, introduction_id: int) -> IntroductionStateOut:
    """The requester takes back an unanswered request."""
    return _state(
        services.introduction_withdraw(member=member(request), introduction_id=introduction_id)
    )


@router.post(
    "/introductions/{introduction_id}/thank",
    response={200: IntroductionStateOut},
    operation_id="introductions_thank",
    openapi_extra=refusals(
        {
            403: ["not_the_requester"],
            404: ["not_found"],
            409: ["already_thanked", "not_accepted_yet"],
        }
    ),
)
def introductions_thank(
    request: HttpRequest, introduction_id: int, payload: ThankIn
) -> IntroductionStateOut:
    """The requester thanks the introducer once the introduction is accepted."""
    return _state(
        services.introduction_thank(
            member=member(request), introduction_id=introduction_id, note=payload.note
        )
    )
