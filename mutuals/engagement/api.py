"""Connections, pact, interactions and notifications endpoints (docs/api.md "Connections,
messages, engagement"). Thin: parse, call one service or selector, shape the answer."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from mutuals.accounts.access import access_profile_by_id
from mutuals.accounts.api_auth import member
from mutuals.accounts.models import User
from mutuals.connections.selectors import blocked_ids
from mutuals.core.pagination import keyset_page
from mutuals.core.schemas import refusals
from mutuals.engagement import (
    collaborations,
    delivery,
    notifications,
    removals,
    selectors,
    services,
)
from mutuals.engagement.access import access_collaboration_by_id, access_notification_by_id
from mutuals.engagement.schemas import (
    CollaborationIn,
    CollaborationOut,
    CollaborationPage,
    ConnectionDetailOut,
    ConnectionOut,
    ConnectionPage,
    CountOut,
    DeliveryPreferencesIn,
    DeliveryPreferencesOut,
    InteractionIn,
    InteractionOut,
    NotificationOut,
    NotificationPage,
    ProfileCollaborationOut,
    ProfileCollaborationPage,
    ReadIn,
    UnreadOut,
)

router = Router(tags=["engagement"])


@router.get(
    "/connections",
    response=ConnectionPage,
    operation_id="connections_list",
    openapi_extra=refusals({422: ["query_too_long"]}),
)
def connections_list(
    request: HttpRequest,
    cursor: str | None = None,
    limit: int = Query(20, ge=1, le=100),  # type: ignore[type-arg]
    q: str = "",
) -> ConnectionPage:
    """Your connections, strongest first, each with strength, tier, state and pact. `q`
    keeps the connections the search box would find for it (name, headline, company,
    topics; the last word as a prefix)."""
    viewer = member(request)
    ties, next_cursor = keyset_page(
        selectors.ties_matching(viewer, q), keys=("-strength", "-id"), cursor=cursor, limit=limit
    )
    pact = selectors.pact_of([t.connection_id for t in ties])
    return ConnectionPage(
        items=[ConnectionOut.build(t, pact[t.connection_id]) for t in ties], next=next_cursor
    )


@router.get(
    "/connections/{connection_id}",
    response=ConnectionDetailOut,
    operation_id="connections_read",
    openapi_extra=refusals({404: ["not_found"]}),
)
def connections_read(request: HttpRequest, connection_id: int) -> ConnectionDetailOut:
    """One connection with its pact (both parties' items) and recent interactions."""
    viewer = member(request)
    tie = selectors.access_tie_by_connection_id(viewer, connection_id)
    base = ConnectionOut.build(tie, selectors.pact_of([connection_id])[connection_id])
    return ConnectionDetailOut(
        **base.model_dump(),
        recent_interactions=[
            InteractionOut.build(i, viewer_id=viewer.pk)
            for i in selectors.recent_interactions(viewer, tie.other_id)
        ],
    )


@router.delete(
    "/connections/{connection_id}",
    response={204: None},
    operation_id="connections_remove",
    openapi_extra=refusals({404: ["not_found"]}),
)
def connections_remove(request: HttpRequest, connection_id: int) -> HttpResponse:
    """Remove this connection. Its pact's open items close as `removed` (what was met
    stays); the other member is not told. Either of you may send a new request 21 days
    after. Another member's connection, or one already removed, is `not_found`."""
    removals.connection_remove(member=member(request), connection_id=connection_id)
    return HttpResponse(status=204)


@router.post(
    "/connections/{connection_id}/rest",
    response=ConnectionOut,
    operation_id="connections_rest",
    openapi_extra=refusals({404: ["not_found"]}),
)
def connections_rest(request: HttpRequest, connection_id: int) -> ConnectionOut:
    """Let this relationship rest: no more nudges or check-ins from you; it stays a connection.
    Resting it again changes nothing."""
    return _rest(member(request), connection_id, resting=True)


@router.delete(
    "/connections/{connection_id}/rest",
    response=ConnectionOut,
    operation_id="connections_wake",
    openapi_extra=refusals({404: ["not_found"]}),
)
def connections_wake(request: HttpRequest, connection_id: int) -> ConnectionOut:
    """Stop resting this relationship: its state follows your interactions again and your
    check-ins resume at its cadence. Waking a tie that is not resting changes nothing."""
    return _rest(member(request), connection_id, resting=False)


def _rest(viewer: User, connection_id: int, *, resting: bool) -> ConnectionOut:
    services.connection_rest(member=viewer, connection_id=connection_id, resting=resting)
    tie = selectors.access_tie_by_connection_id(viewer, connection_id)
    return ConnectionOut.build(tie, selectors.pact_of([connection_id])[connection_id])


@router.post(
    "/connections/{connection_id}/interactions",
    response={201: InteractionOut},
    operation_id="interactions_create",
    openapi_extra=refusals({404: ["not_found"]}),
)
def interactions_create(
    request: HttpRequest, connection_id: int, payload: InteractionIn
) -> Status[InteractionOut]:
    """Log an off-platform meeting, call or other interaction; it counts like any other."""
    interaction = services.interaction_log(
        member=member(request),
        connection_id=connection_id,
        kind=payload.kind,
        at=payload.at,
        note=payload.note,
    )
    return Status(201, InteractionOut.build(interaction, viewer_id=interaction.actor_id))


@router.get("/notifications", response=NotificationPage, operation_id="notifications_list")
def notifications_list(
    request: HttpRequest,
    cursor: str | None = None,
    limit: int = Query(20, ge=1, le=100),  # type: ignore[type-arg]
    kind: str = Query("", max_length=32),  # type: ignore[type-arg]
    unread: bool | None = None,
) -> NotificationPage:
    """Your notifications and nudges, newest first, with the unread count. `kind` keeps one
    kind (`invitation_received`) or, ending in `_`, a family (`invitation_`, `nudge_`);
    `unread=true` only the unread, `unread=false` only the read."""
    viewer = member(request)
    rows, next_cursor = keyset_page(
        notifications.notifications_for(viewer, kind=kind, unread=unread),
        keys=("-created_at", "-id"),
        cursor=cursor,
        limit=limit,
    )
    return NotificationPage(
        items=[NotificationOut.build(n) for n in rows],
        next=next_cursor,
        unread=notifications.unread_count(viewer),
    )


@router.get("/notifications/unread", response=UnreadOut, operation_id="notifications_unread_count")
def notifications_unread_count(request: HttpRequest) -> UnreadOut:
    """How many of your notifications are unread: what the header's bell shows. Cheap enough
    to poll."""
    return UnreadOut(unread=notifications.unread_count(member(request)))


@router.post(
    "/notifications/{notification_id}/read",
    response=NotificationOut,
    operation_id="notifications_read_one",
    openapi_extra=refusals({404: ["not_found"]}),
)
def notifications_read_one(request: HttpRequest, notification_id: int) -> NotificationOut:
    """Mark one of your notifications read (again changes nothing); another member's is
    `not_found`."""
    viewer = member(request)
    notifications.notification_mark_read(member=viewer, notification_ids=[notification_id])
    return NotificationOut.build(access_notification_by_id(viewer, notification_id))


@router.post("/notifications/read", response=CountOut, operation_id="notifications_read")
def notifications_read(request: HttpRequest, payload: ReadIn) -> CountOut:
    """Mark notifications read: the ids given (`{"ids": [...]}`), or all (`{}`)."""
    updated = notifications.notification_mark_read(
        member=member(request), notification_ids=payload.ids
    )
    return CountOut(updated=updated)


@router.get(
    "/notifications/preferences",
    response=DeliveryPreferencesOut,
    operation_id="notifications_preferences_read",
)
def notifications_preferences_read(request: HttpRequest) -> DeliveryPreferencesOut:
    """How you hear of each kind of notification beyond the app: `app` (in the app only),
    `email` (at once), `digest` (one e-mail a day from `digest_hour` your time) or `off`
    (not told at all); with each kind's default."""
    return DeliveryPreferencesOut.build(delivery.deliveries_for(member(request).pk))


@router.put(
    "/notifications/preferences",
    response=DeliveryPreferencesOut,
    operation_id="notifications_preferences_update",
)
def notifications_preferences_update(
    request: HttpRequest, payload: DeliveryPreferencesIn
) -> DeliveryPreferencesOut:
    """Set the delivery of the kinds you name; the others keep theirs. An unknown kind, or a
    kind named twice, is `invalid_fields` and changes nothing."""
    chosen = delivery.notification_preferences_set(
        member=member(request),
        choices=[(item.kind, item.delivery) for item in payload.preferences],
    )
    return DeliveryPreferencesOut.build(chosen)


# --- Collaborations ----------------------------------------------------------------------------


def _collaboration_out(viewer: User, collaboration_id: int) -> CollaborationOut:
    access_collaboration_by_id(viewer, collaboration_id)
    row = selectors.collaborations_for(viewer).get(pk=collaboration_id)
    return CollaborationOut.build(row, hidden=blocked_ids(viewer.pk))


@router.post(
    "/collaborations",
    response={201: CollaborationOut},
    operation_id="collaborations_create",
    openapi_extra=refusals(
        {
            404: ["not_found"],
            409: ["collaboration_exists"],
            422: ["not_connected", "origin_not_shared", "origin_required"],
        }
    ),
)
def collaborations_create(
    request: HttpRequest, payload: CollaborationIn
) -> Status[CollaborationOut]:
    """Propose a collaboration with some of your connections, started from a conversation you
    are all in (`conversation_id`) or an event you all attended (`event_id`). Each invitee
    confirms or declines. Refusals: `invalid_fields`, `not_connected`, `origin_required`,
    `origin_not_shared` (422), `collaboration_exists` (409), `not_found` (404, also for a
    member or conversation you may not see)."""
    viewer = member(request)
    collaboration = collaborations.collaboration_propose(
        proposer=viewer,
        title=payload.title,
        description=payload.description,
        member_ids=payload.member_ids,
        conversation_id=payload.conversation_id,
        event_id=payload.event_id,
    )
    return Status(201, _collaboration_out(viewer, collaboration.pk))


@router.get("/collaborations", response=CollaborationPage, operation_id="collaborations_list")
def collaborations_list(
    request: HttpRequest,
    cursor: str | None = None,
    limit: int = Query(20, ge=1, le=100),  # type: ignore[type-arg]
) -> CollaborationPage:
    """Collaborations you have a place in (proposed by you, or inviting you), newest first."""
    viewer = member(request)
    rows, next_cursor = keyset_page(
        selectors.collaborations_for(viewer),
        keys=("-created_at", "-id"),
        cursor=cursor,
        limit=limit,
    )
    hidden = blocked_ids(viewer.pk)
    return CollaborationPage(
        items=[CollaborationOut.build(row, hidden=hidden) for row in rows], next=next_cursor
    )


@router.get(
    "/collaborations/{collaboration_id}",
    response=CollaborationOut,
    operation_id="collaborations_read",
    openapi_extra=refusals({404: ["not_found"]}),
)
def collaborations_read(request: HttpRequest, collaboration_id: int) -> CollaborationOut:
    """One collaboration you have a place in, with everyone's answer."""
    return _collaboration_out(member(request), collaboration_id)


# The answers on a collaboration: (name, service, refusals, description).
_COLLABORATION_ANSWERS = (
    (
        "confirm",
        collaborations.collaboration_confirm,
        {
            403: ["not_an_invitee"],
            404: ["not_found"],
            409: ["already_declined", "collaboration_closed", "state_changed"],
        },
        "Confirm you work on it together (invitees only); it counts as a collaboration\n"
        "interaction with every other confirmed member. Refusals: `not_an_invitee` (403),\n"
        "`already_declined`, `collaboration_closed`, `state_changed` (409).",
    ),
    (
        "decline",
        collaborations.collaboration_decline,
        {
            403: ["not_an_invitee"],
            404: ["not_found"],
            409: ["already_confirmed", "collaboration_closed", "state_changed"],
        },
        "Decline an invitation to collaborate (invitees only). Refusals: `not_an_invitee` (403),\n"
        "`already_confirmed`, `collaboration_closed`, `state_changed` (409).",
    ),
    (
        "complete",
        collaborations.collaboration_complete,
        {
            403: ["not_a_collaborator"],
            404: ["not_found"],
            409: ["collaboration_closed", "collaboration_not_started", "state_changed"],
        },
        "Mark an active collaboration completed (confirmed members only). Refusals:\n"
        "`not_a_collaborator` (403), `collaboration_not_started`, `collaboration_closed`,\n"
        "`state_changed` (409).",
    ),
    (
        "withdraw",
        collaborations.collaboration_withdraw,
        {
            403: ["not_the_proposer"],
            404: ["not_found"],
            409: ["collaboration_closed", "collaboration_confirmed", "state_changed"],
        },
        "Take back your proposal while nobody has confirmed it (proposer only). Refusals:\n"
        "`not_the_proposer` (403), `collaboration_confirmed`, `collaboration_closed`,\n"
        "`state_changed` (409).",
    ),
)


def _collaboration_answer_route(
    name: str,
    service: Callable[..., object],
    refused: dict[int, list[str]],
    description: str,
) -> None:
    """Mount `POST /collaborations/{collaboration_id}/<name>`: the answer, then the
    collaboration as it stands."""

    def answer(request: HttpRequest, collaboration_id: int) -> CollaborationOut:
        viewer = member(request)
        service(member=viewer, collaboration_id=collaboration_id)
        return _collaboration_out(viewer, collaboration_id)

    router.post(
        f"/collaborations/{{collaboration_id}}/{name}",
        response=CollaborationOut,
        operation_id=f"collaborations_{name}",
        summary=f"Collaborations {name.title()}",
        description=description,
        openapi_extra=refusals(refused),
    )(answer)


for _answer in _COLLABORATION_ANSWERS:
    _collaboration_answer_route(*_answer)


@router.get(
    "/members/{member_id}/collaborations",
    response=ProfileCollaborationPage,
    operation_id="members_collaborations_list",
    openapi_extra=refusals({404: ["not_found"]}),
)
def members_collaborations_list(
    request: HttpRequest,
    member_id: int,
    cursor: str | None = None,
    limit: int = Query(20, ge=1, le=100),  # type: ignore[type-arg]
) -> ProfileCollaborationPage:
    """What the member's profile shows under Collaborations: the active and completed ones
    they confirmed, most recently started first, with the other members you may see. A member
    you may not see (missing, deactivated, blocked either way) is `not_found`."""
    viewer = member(request)
    shown = access_profile_by_id(viewer, member_id)
    rows, next_cursor = keyset_page(
        selectors.profile_collaborations(shown),
        keys=("-started_at", "-id"),
        cursor=cursor,
        limit=limit,
    )
    rows = selectors.collaborations_shown(rows, viewer=viewer, member=shown)
    return ProfileCollaborationPage(
        items=[ProfileCollaborationOut.build(row) for row in rows], next=next_cursor
    )
