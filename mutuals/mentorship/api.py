"""Mentorship endpoints. Thin: check access, call one service, shape the answer."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from mutuals.accounts.api_auth import member
from mutuals.accounts.topics import topic_slug
from mutuals.connections.schemas import FindingOut
from mutuals.connections.services import finding_as_dict
from mutuals.core.pagination import keyset_page
from mutuals.core.schemas import refusals
from mutuals.mentorship import selectors
from mutuals.mentorship.access import (
    access_mentorship_by_id,
    access_offer_by_id,
    access_programme_by_id,
)
from mutuals.mentorship.ics import member_checkins_calendar
from mutuals.mentorship.matching import Need
from mutuals.mentorship.models import Mentorship
from mutuals.mentorship.schemas import (
    AcceptIn,
    CheckIn,
    CheckinLogIn,
    CheckinOut,
    EndIn,
    GoalIn,
    GoalOut,
    GoalPatch,
    MentorshipDeclineIn,
    MentorshipDetailOut,
    MentorshipOut,
    MentorshipPage,
    MentorSuggestionOut,
    NeedIn,
    NoteCheckOut,
    OfferIn,
    OfferOut,
    OfferPage,
    PairOut,
    ParticipantIn,
    ProgrammeIn,
    ProgrammeOut,
    ProgrammePage,
    ProgrammeParticipantOut,
    ProgrammeSummaryOut,
    PublishOut,
    RankingIn,
    ReflectionIn,
    ReflectionOut,
    RequestIn,
    ShareIn,
    programme_out,
)
from mutuals.mentorship.services import mentorships, offers, programmes, progress

router = Router(tags=["mentorship"])


# --- Offers -----------------------------------------------------------------------------------


@router.post(
    "/mentor-offers",
    response={201: OfferOut},
    operation_id="mentor_offers_create",
    openapi_extra=refusals({409: ["offer_exists"]}),
)
def mentor_offers_create(request: HttpRequest, payload: OfferIn) -> Status[OfferOut]:
    """Publish your mentor offer: topics, formats (`call`, `in_person`, `async`), capacity
    (mentees at once, 1–10), a duration range within 4–24 weeks and your availability.
    Refusals: `invalid_fields` (422), `offer_exists` (409: you have one; edit it)."""
    offer = offers.offer_create(mentor=member(request), data=payload.as_input())
    return Status(201, OfferOut.build(offer))


@router.get("/mentor-offers", response=OfferPage, operation_id="mentor_offers_list")
def mentor_offers_list(
    request: HttpRequest,
    topic: str = "",
    cursor: str | None = None,
    limit: int = Query(20, ge=1, le=100),  # type: ignore[type-arg]
) -> OfferPage:
    """Offers you could ask (not paused, not yours), newest first; `?topic=` a topic slug."""
    rows = selectors.offers_open_to(member(request))
    if topic:
        rows = rows.filter(topics__slug=topic)
    page, next_cursor = keyset_page(rows, keys=("-created_at", "-id"), cursor=cursor, limit=limit)
    return OfferPage(items=[OfferOut.build(o) for o in page], next=next_cursor)


# Before "/mentor-offers/{offer_id}", whose pattern would otherwise take this path.
@router.post(
    "/mentor-offers/suggestions",
    response=list[MentorSuggestionOut],
    operation_id="mentor_offers_suggest",
)
def mentor_offers_suggest(request: HttpRequest, payload: NeedIn) -> list[MentorSuggestionOut]:
    """Suggested mentors for what you want to learn, best first, each with a score 0–100 and
    the reasons: topics in common, your goals against their offer, format, duration, free
    places and availability. Full or paused offers are never suggested."""
    need = Need(
        topics=frozenset(topic_slug(t) for t in payload.topics if t.strip()),
        goals=tuple(payload.goals),
        format=payload.format,
        weeks=payload.weeks,
    )
    return [
        MentorSuggestionOut.build(o, s) for o, s in selectors.suggestions_for(member(request), need)
    ]


@router.get(
    "/mentor-offers/{offer_id}",
    response=OfferOut,
    operation_id="mentor_offers_get",
    openapi_extra=refusals({404: ["not_found"]}),
)
def mentor_offers_get(request: HttpRequest, offer_id: int) -> OfferOut:
    """One offer, with its free places. `not_found` also when a block is between you."""
    offer = access_offer_by_id(member(request), offer_id)
    row = selectors.offers_with_counts().get(pk=offer.pk)
    return OfferOut.build(row)


@router.put(
    "/mentor-offers/{offer_id}",
    response=OfferOut,
    operation_id="mentor_offers_update",
    openapi_extra=refusals(
        {403: ["not_your_offer"], 404: ["not_found"], 422: ["capacity_below_active"]}
    ),
)
def mentor_offers_update(request: HttpRequest, offer_id: int, payload: OfferIn) -> OfferOut:
    """Replace your offer's terms. Refusals: `invalid_fields`, `capacity_below_active` (422),
    `not_your_offer` (403)."""
    offer = offers.offer_update(mentor=member(request), offer_id=offer_id, data=payload.as_input())
    return OfferOut.build(offer)


@router.post(
    "/mentor-offers/{offer_id}/pause",
    response=OfferOut,
    operation_id="mentor_offers_pause",
    openapi_extra=refusals({403: ["not_your_offer"], 404: ["not_found"]}),
)
def mentor_offers_pause(request: HttpRequest, offer_id: int) -> OfferOut:
    """Pause your offer: no new requests; current mentorships carry on."""
    return OfferOut.build(
        offers.offer_pause(mentor=member(request), offer_id=offer_id, paused=True)
    )


@router.post(
    "/mentor-offers/{offer_id}/resume",
    response=OfferOut,
    operation_id="mentor_offers_resume",
    openapi_extra=refusals({403: ["not_your_offer"], 404: ["not_found"]}),
)
def mentor_offers_resume(request: HttpRequest, offer_id: int) -> OfferOut:
    """Take requests again."""
    return OfferOut.build(
        offers.offer_pause(mentor=member(request), offer_id=offer_id, paused=False)
    )


# --- Mentorships ------------------------------------------------------------------------------


@router.post(
    "/mentorships/check",
    response=NoteCheckOut,
    operation_id="mentorships_check",
    openapi_extra=refusals({404: ["not_found"]}),
)
def mentorships_check(request: HttpRequest, payload: CheckIn) -> NoteCheckOut:
    """Score a request's personal note as the mentor will see it (the invitations' engine and
    the mentor's minimum score); nothing is sent."""
    report = mentorships.mentorship_check(
        mentee=member(request), offer_id=payload.offer_id, note=payload.note, topics=payload.topics
    )
    return NoteCheckOut(
        score=report.score,
        verdict=report.verdict,
        findings=[FindingOut(**finding_as_dict(f)) for f in report.findings],
    )


@router.post(
    "/mentorships",
    response={201: MentorshipOut},
    operation_id="mentorships_create",
    openapi_extra=refusals(
        {
            404: ["not_found"],
            409: ["mentor_at_capacity", "mentor_quiet", "mentorship_open", "offer_paused"],
            422: [
                "below_personalization_threshold",
                "cannot_mentor_self",
                "duration_out_of_range",
                "format_not_offered",
                "mentor_closed_to_mentorship",
            ],
        }
    ),
)
def mentorships_create(request: HttpRequest, payload: RequestIn) -> Status[MentorshipOut]:
    """Ask a mentor (state `requested`). Refusals, in the order checked: `invalid_fields`
    (422), `not_found` (404, also when blocked), `cannot_mentor_self` (422), `offer_paused`
    (409), `mentor_closed_to_mentorship` (422), `mentor_quiet` (409, `detail.retry_at`),
    `format_not_offered`, `duration_out_of_range` (422), `mentorship_open` (409),
    `mentor_at_capacity` (409), `below_personalization_threshold` (422, `detail.findings`)."""
    mentorship = mentorships.mentorship_request(mentee=member(request), draft=payload.as_draft())
    return Status(201, MentorshipOut.build(mentorship))


@router.get("/mentorships", response=MentorshipPage, operation_id="mentorships_list")
def mentorships_list(
    request: HttpRequest,
    role: str = "",
    state: str = "",
    cursor: str | None = None,
    limit: int = Query(20, ge=1, le=100),  # type: ignore[type-arg]
) -> MentorshipPage:
    """Your mentorships, newest first; `?role=mentor|mentee`, `?state=`."""
    rows = selectors.mentorships_for(member(request), role=role or None, state=state or None)
    page, next_cursor = keyset_page(rows, keys=("-created_at", "-id"), cursor=cursor, limit=limit)
    return MentorshipPage(items=[MentorshipOut.build(m) for m in page], next=next_cursor)


def _detail(mentorship: Mentorship) -> MentorshipDetailOut:
    return MentorshipDetailOut(
        **MentorshipOut.fields(mentorship),  # type: ignore[arg-type]
        goals=[GoalOut.build(g) for g in mentorship.goals.all()],
        checkins=[CheckinOut.build(o) for o in selectors.checkins_for(mentorship)],
        reflections=[ReflectionOut.build(r) for r in mentorship.reflections.all()],
    )


@router.get(
    "/mentorships/{mentorship_id}",
    response=MentorshipDetailOut,
    operation_id="mentorships_get",
    openapi_extra=refusals({404: ["not_found"]}),
)
def mentorships_get(request: HttpRequest, mentorship_id: int) -> MentorshipDetailOut:
    """One of your mentorships with its goals checklist, check-ins (both parties') and
    closing reflections."""
    return _detail(access_mentorship_by_id(member(request), mentorship_id))


@router.post(
    "/mentorships/{mentorship_id}/accept",
    response=MentorshipDetailOut,
    operation_id="mentorships_accept",
    openapi_extra=refusals(
        {
            403: ["only_mentor_answers"],
            404: ["not_found"],
            409: ["mentor_at_capacity", "state_changed"],
        }
    ),
)
def mentorships_accept(
    request: HttpRequest, mentorship_id: int, payload: AcceptIn
) -> MentorshipDetailOut:
    """The mentor accepts (→ `active`): check-ins are planned for both, the pair is connected
    if they were not. Refusals: `only_mentor_answers` (403), `mentor_at_capacity`,
    `state_changed` (409: not, or no longer, a request)."""
    mentorship = mentorships.mentorship_accept(
        member=member(request), mentorship_id=mentorship_id, cadence=payload.cadence
    )
    return _detail(mentorship)


@router.post(
    "/mentorships/{mentorship_id}/decline",
    response=MentorshipOut,
    operation_id="mentorships_decline",
    openapi_extra=refusals(
        {403: ["only_mentor_answers"], 404: ["not_found"], 409: ["state_changed"]}
    ),
)
def mentorships_decline(
    request: HttpRequest, mentorship_id: int, payload: MentorshipDeclineIn
) -> MentorshipOut:
    """The mentor declines with a reason: `no_capacity`, `not_my_area`, `timing`, `other`."""
    return MentorshipOut.build(
        mentorships.mentorship_decline(
            member=member(request), mentorship_id=mentorship_id, reason=payload.reason
        )
    )


@router.post(
    "/mentorships/{mentorship_id}/withdraw",
    response=MentorshipOut,
    operation_id="mentorships_withdraw",
    openapi_extra=refusals(
        {
            403: ["only_mentee_withdraws"],
            404: ["not_found"],
            409: ["state_changed"],
        }
    ),
)
def mentorships_withdraw(request: HttpRequest, mentorship_id: int) -> MentorshipOut:
    """The mentee withdraws a request not yet answered (`only_mentee_withdraws`, 403)."""
    return MentorshipOut.build(
        mentorships.mentorship_withdraw(member=member(request), mentorship_id=mentorship_id)
    )


@router.post(
    "/mentorships/{mentorship_id}/end",
    response=MentorshipOut,
    operation_id="mentorships_end",
    openapi_extra=refusals({404: ["not_found"], 409: ["state_changed"]}),
)
def mentorships_end(request: HttpRequest, mentorship_id: int, payload: EndIn) -> MentorshipOut:
    """Either side ends an active mentorship early: `goals_met` completes it, `no_time`,
    `not_a_fit` or `other` (with a note) ends it as `cancelled`. Check-ins not yet due are
    cancelled."""
    return MentorshipOut.build(
        mentorships.mentorship_end(
            member=member(request),
            mentorship_id=mentorship_id,
            reason=payload.reason,
            note=payload.note,
        )
    )


@router.post(
    "/mentorships/{mentorship_id}/goals",
    response={201: GoalOut},
    operation_id="mentorships_goals_create",
    openapi_extra=refusals({404: ["not_found"], 409: ["state_changed", "too_many_goals"]}),
)
def mentorships_goals_create(
    request: HttpRequest, mentorship_id: int, payload: GoalIn
) -> Status[GoalOut]:
    """Add a goal to the shared checklist of an active mentorship."""
    goal = progress.goal_add(member=member(request), mentorship_id=mentorship_id, text=payload.text)
    return Status(201, GoalOut.build(goal))


@router.patch(
    "/mentorships/{mentorship_id}/goals/{goal_id}",
    response=GoalOut,
    operation_id="mentorships_goals_update",
    openapi_extra=refusals({404: ["not_found"], 409: ["state_changed"]}),
)
def mentorships_goals_update(
    request: HttpRequest, mentorship_id: int, goal_id: int, payload: GoalPatch
) -> GoalOut:
    """Tick (or untick) a goal."""
    goal = progress.goal_set_done(
        member=member(request), mentorship_id=mentorship_id, goal_id=goal_id, done=payload.done
    )
    return GoalOut.build(goal)


@router.post(
    "/mentorships/{mentorship_id}/checkins",
    response={201: list[CheckinOut]},
    operation_id="mentorships_checkins_create",
    openapi_extra=refusals({404: ["not_found"], 409: ["state_changed"]}),
)
def mentorships_checkins_create(
    request: HttpRequest, mentorship_id: int, payload: CheckinLogIn
) -> Status[list[CheckinOut]]:
    """Log a check-in you had (default: now). It fulfils both parties' open check-ins; the
    answer is the check-in schedule after it."""
    viewer = member(request)
    progress.checkin_log(
        member=viewer, mentorship_id=mentorship_id, at=payload.at, note=payload.note
    )
    mentorship = access_mentorship_by_id(viewer, mentorship_id)
    return Status(201, [CheckinOut.build(o) for o in selectors.checkins_for(mentorship)])


@router.get(
    "/mentorships/{mentorship_id}/checkins/ics",
    operation_id="mentorships_checkins_ics",
    response={200: None},
    # ninja keys responses by int status: a "200" string key would be a second 200.
    openapi_extra={
        **refusals({404: ["not_found"]}),
        "responses": {
            200: {
                "description": "Your open check-ins as iCalendar (RFC 5545)",
                "content": {"text/calendar": {"schema": {"type": "string"}}},
            }
        },
    },
)
def mentorships_checkins_ics(request: HttpRequest, mentorship_id: int) -> HttpResponse:
    """Your open check-ins of this mentorship as an `.ics` file (all-day events on the due
    dates, a stable UID each, so importing again updates them): the mentorship page's
    download. Only its mentor and mentee; anyone else, or once either has blocked the other,
    `not_found`."""
    viewer = member(request)
    mentorship = access_mentorship_by_id(viewer, mentorship_id)
    body = member_checkins_calendar(
        mentorship, member=viewer, base_url=request.build_absolute_uri("/").rstrip("/")
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="mentorship-{mentorship.pk}.ics"'
    return response


@router.put(
    "/mentorships/{mentorship_id}/reflection",
    response=ReflectionOut,
    operation_id="mentorships_reflect",
    openapi_extra=refusals({404: ["not_found"], 409: ["not_ended"]}),
)
def mentorships_reflect(
    request: HttpRequest, mentorship_id: int, payload: ReflectionIn
) -> ReflectionOut:
    """Write your closing reflection once the mentorship has ended (`not_ended`, 409). The
    mentee may share theirs as a testimonial on the mentor's profile."""
    reflection = progress.reflection_write(
        member=member(request), mentorship_id=mentorship_id, text=payload.text, share=payload.share
    )
    return ReflectionOut.build(reflection)


@router.post(
    "/mentorships/{mentorship_id}/testimonial",
    response=ReflectionOut,
    operation_id="mentorships_testimonial",
    openapi_extra=refusals(
        {403: ["only_mentee_shares"], 404: ["not_found"], 409: ["no_reflection"]}
    ),
)
def mentorships_testimonial(
    request: HttpRequest, mentorship_id: int, payload: ShareIn
) -> ReflectionOut:
    """The mentee shows (or hides) their reflection on the mentor's profile
    (`only_mentee_shares`, 403; `no_reflection`, 409)."""
    reflection = progress.testimonial_share(
        member=member(request), mentorship_id=mentorship_id, share=payload.share
    )
    return ReflectionOut.build(reflection)


# --- Programmes ------------------------------------------------------------------------------


@router.post("/programmes", response={201: ProgrammeOut}, operation_id="programmes_create")
def programmes_create(request: HttpRequest, payload: ProgrammeIn) -> Status[ProgrammeOut]:
    """Start a mentoring programme you organize."""
    viewer = member(request)
    programme = programmes.programme_create(organizer=viewer, **payload.model_dump())
    return Status(201, programme_out(programme, viewer_id=viewer.pk))


@router.get("/programmes", response=ProgrammePage, operation_id="programmes_list")
def programmes_list(
    request: HttpRequest,
    cursor: str | None = None,
    limit: int = Query(20, ge=1, le=100),  # type: ignore[type-arg]
) -> ProgrammePage:
    """The programmes you organize or take part in, newest first (the programmes page)."""
    viewer = member(request)
    rows, next_cursor = keyset_page(
        selectors.programmes_for(viewer), keys=("-created_at", "-id"), cursor=cursor, limit=limit
    )
    return ProgrammePage(
        items=[ProgrammeSummaryOut.build(p, viewer_id=viewer.pk) for p in rows], next=next_cursor
    )


@router.get(
    "/programmes/{programme_id}",
    response=ProgrammeOut,
    operation_id="programmes_get",
    openapi_extra=refusals({404: ["not_found"]}),
)
def programmes_get(request: HttpRequest, programme_id: int) -> ProgrammeOut:
    """A programme you organize or take part in. Rankings are shown to their author and the
    organizer only; the proposed assignment to the organizer only."""
    viewer = member(request)
    return programme_out(access_programme_by_id(viewer, programme_id), viewer_id=viewer.pk)


@router.post(
    "/programmes/{programme_id}/participants",
    response={201: ProgrammeParticipantOut},
    operation_id="programmes_participants_create",
    openapi_extra=refusals(
        {
            403: ["only_organizer"],
            404: ["not_found"],
            409: ["already_in_programme", "programme_published"],
        }
    ),
)
def programmes_participants_create(
    request: HttpRequest, programme_id: int, payload: ParticipantIn
) -> Status[ProgrammeParticipantOut]:
    """The organizer adds a mentor (with capacity) or a mentee (`only_organizer`, 403;
    `already_in_programme`, `programme_published`, 409)."""
    participant = programmes.programme_add(
        organizer=member(request), programme_id=programme_id, **payload.model_dump()
    )
    return Status(201, ProgrammeParticipantOut.build(participant, show_ranking=True))


@router.put(
    "/programmes/{programme_id}/ranking",
    response=ProgrammeParticipantOut,
    operation_id="programmes_rank",
    openapi_extra=refusals(
        {403: ["not_a_participant"], 404: ["not_found"], 409: ["programme_published"]}
    ),
)
def programmes_rank(
    request: HttpRequest, programme_id: int, payload: RankingIn
) -> ProgrammeParticipantOut:
    """Rank members of the other side, best first; only people you rank can be assigned to
    you."""
    participant = programmes.programme_rank(
        member=member(request), programme_id=programme_id, ranking=payload.ranking
    )
    return ProgrammeParticipantOut.build(participant, show_ranking=True)


@router.post(
    "/programmes/{programme_id}/compute",
    response=list[PairOut],
    operation_id="programmes_compute",
    openapi_extra=refusals(
        {
            403: ["only_organizer"],
            404: ["not_found"],
            409: ["cohort_incomplete", "programme_published"],
        }
    ),
)
def programmes_compute(request: HttpRequest, programme_id: int) -> list[PairOut]:
    """Compute the proposed stable assignment (mentee-optimal deferred acceptance within the
    mentors' capacities). Nothing starts until you publish."""
    rows = programmes.programme_compute(organizer=member(request), programme_id=programme_id)
    return [PairOut(mentor_id=a.mentor_id, mentee_id=a.mentee_id) for a in rows]


@router.post(
    "/programmes/{programme_id}/publish",
    response=PublishOut,
    operation_id="programmes_publish",
    openapi_extra=refusals(
        {
            403: ["only_organizer"],
            404: ["not_found"],
            409: ["assignment_missing", "assignment_stale", "programme_published", "state_changed"],
        }
    ),
)
def programmes_publish(request: HttpRequest, programme_id: int) -> PublishOut:
    """Publish the computed assignment: each pair's mentorship starts `active`.
    `assignment_missing`, `assignment_stale` (409) when it must be computed (again)."""
    publication = programmes.programme_publish(organizer=member(request), programme_id=programme_id)
    return PublishOut(
        mentorship_ids=[m.pk for m in publication.started],
        skipped=[PairOut(mentor_id=a, mentee_id=b) for a, b in publication.skipped],
    )
