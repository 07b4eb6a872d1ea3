"""Mentorship pages: the hub, the mentor's offer, finding a mentor, the request with live
feedback on the note, one mentorship (goals, check-ins, ending, reflections) and programmes.
Thin: parse, call the service the API calls, show the outcome."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_POST

from mutuals.accounts.models import User
from mutuals.accounts.selectors import member_for_request
from mutuals.accounts.topics import split_topics, topic_slug
from mutuals.accounts.views import HtmxHttpRequest
from mutuals.connections.services import finding_as_dict
from mutuals.connections.views import highlight
from mutuals.core.errors import MutualsError, NotFound, Refused
from mutuals.mentorship import selectors
from mutuals.mentorship.access import (
    access_mentorship_by_id,
    access_offer_by_id,
    access_programme_by_id,
)
from mutuals.mentorship.forms import (
    AcceptForm,
    CheckinForm,
    DeclineForm,
    EndForm,
    GoalForm,
    NeedForm,
    OfferForm,
    ParticipantForm,
    ProgrammeForm,
    ReflectionForm,
    RequestForm,
    lines,
)
from mutuals.mentorship.matching import Need
from mutuals.mentorship.models import (
    ENDED_STATES,
    Cadence,
    MentorOffer,
    Mentorship,
    MentorshipState,
    Participant,
    Programme,
    ProgrammeRole,
    ProgrammeState,
    Reflection,
)
from mutuals.mentorship.services import mentorships, offers, programmes, progress


def form_error(form: forms.Form, error: MutualsError) -> None:
    """Show a refusal on the form: field errors where the service named fields."""
    fields = error.detail.get("fields", {}) if isinstance(error, Refused) else {}
    for field, problems in fields.items():
        for problem in problems:
            form.add_error(field if field in form.fields else None, problem)
    if not fields:
        form.add_error(None, error.message)


def _or_404[T](fetch: Callable[[], T]) -> T:
    try:
        return fetch()
    except NotFound as exc:
        raise Http404(exc.message) from exc


# --- Hub and offer -------------------------------------------------------------------------------


@login_required
def mentorship_home_view(request: HttpRequest) -> HttpResponse:
    viewer = member_for_request(request)
    rows = list(selectors.mentorships_for(viewer)[:200])
    offer = selectors.offers_with_counts().filter(mentor=viewer).first()
    return render(
        request,
        "mentorship/home.html",
        {
            "viewer": viewer,
            "offer": offer,
            "to_answer": [
                m for m in rows if m.state == MentorshipState.REQUESTED and m.mentor_id == viewer.pk
            ],
            "waiting": [
                m for m in rows if m.state == MentorshipState.REQUESTED and m.mentee_id == viewer.pk
            ],
            "active": [m for m in rows if m.state == MentorshipState.ACTIVE],
            "past": [m for m in rows if m.state not in (MentorshipState.REQUESTED, "active")],
            "programmes": Programme.objects.filter(
                Q(organizer=viewer) | Q(participants__member=viewer)
            )
            .distinct()
            .order_by("-created_at")[:20],
        },
    )


def _offer_initial(offer: MentorOffer) -> dict[str, Any]:
    return {
        "title": offer.title,
        "description": offer.description,
        "topics": ", ".join(t.name for t in offer.topics.all()),
        "formats": list(offer.formats),
        "capacity": offer.capacity,
        "min_weeks": offer.min_weeks,
        "max_weeks": offer.max_weeks,
        "availability": offer.availability,
        "available_from": offer.available_from,
    }


@login_required
@require_http_methods(["GET", "POST"])
def mentor_offer_edit_view(request: HttpRequest) -> HttpResponse:
    viewer = member_for_request(request)
    offer = selectors.offers_with_counts().filter(mentor=viewer).first()
    if request.method == "POST":
        form = OfferForm(request.POST)
        if form.is_valid():
            try:
                if offer is None:
                    offers.offer_create(mentor=viewer, data=form.as_input())
                    messages.success(request, "Your offer is published. Mentees can find you now.")
                else:
                    offers.offer_update(mentor=viewer, offer_id=offer.pk, data=form.as_input())
                    messages.success(request, "Your offer is updated.")
            except MutualsError as error:
                form_error(form, error)
            else:
                return redirect("mentorship_home")
    else:
        form = OfferForm(initial=_offer_initial(offer) if offer else None)
    return render(request, "mentorship/offer_form.html", {"form": form, "offer": offer})


@login_required
@require_POST
def mentor_offer_pause_view(request: HttpRequest) -> HttpResponse:
    viewer = member_for_request(request)
    offer = MentorOffer.objects.filter(mentor=viewer).first()
    if offer is None:
        raise Http404("You have no offer.")
    paused = request.POST.get("paused", "1") == "1"
    offers.offer_pause(mentor=viewer, offer_id=offer.pk, paused=paused)
    messages.success(
        request,
        "Your offer is paused: no new requests until you resume it."
        if paused
        else "Your offer is open to requests again.",
    )
    return redirect("mentorship_home")


# --- Finding a mentor and asking -----------------------------------------------------------------


@login_required
def mentor_find_view(request: HtmxHttpRequest) -> HttpResponse:
    viewer = member_for_request(request)
    # A first visit starts from the member's own profile (their topics and what they are
    # looking for), so suggestions show at once; any search replaces it.
    from_profile = not request.GET
    form = NeedForm(request.GET or _need_from_profile(viewer))
    results = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        need = Need(
            topics=frozenset(topic_slug(t) for t in split_topics(data["topics"] or "")),
            goals=tuple(lines(data["goals"] or "")),
            format=data["format"] or "",
            weeks=data["weeks"],
        )
        results = selectors.suggestions_for(viewer, need)
    template = "mentorship/_suggestions.html" if request.htmx else "mentorship/find.html"
    return render(
        request,
        template,
        {
            "form": form,
            "results": results,
            "query": request.GET.urlencode(),
            "from_profile": from_profile,
        },
    )


def _need_from_profile(member: User) -> dict[str, str]:
    profile = member.profile
    return {
        "topics": ", ".join(topic.name for topic in profile.topics.all()),
        "goals": "\n".join(str(item) for item in profile.looking_for),
        "format": "",
        "weeks": "",
    }


def _request_context(offer: MentorOffer) -> dict[str, Any]:
    return {
        "offer": offer,
        "mentor": offer.mentor,
        "minimum": offer.mentor.boundaries.min_personalization,
    }


@login_required
@require_http_methods(["GET", "POST"])
def mentorship_request_view(request: HttpRequest, offer_id: int) -> HttpResponse:
    viewer = member_for_request(request)
    offer = _or_404(lambda: access_offer_by_id(viewer, offer_id))
    if offer.mentor_id == viewer.pk:
        raise Http404("You cannot ask yourself.")
    refusal_findings: list[dict[str, Any]] = []
    if request.method == "POST":
        form = RequestForm(request.POST, offer_formats=list(offer.formats))
        if form.is_valid():
            try:
                mentorship = mentorships.mentorship_request(
                    mentee=viewer, draft=form.draft(offer.pk)
                )
            except MutualsError as error:
                form_error(form, error)
                refusal_findings = error.detail.get("findings", [])
            else:
                messages.success(
                    request, f"Your request is with {offer.mentor.name}. You will hear back here."
                )
                return redirect("mentorship_detail", mentorship_id=mentorship.pk)
    else:
        weeks = request.GET.get("weeks", "")
        form = RequestForm(
            initial={
                "goals": request.GET.get("goals", ""),
                "topics": request.GET.get("topics", ""),
                "format": request.GET.get("format") or (offer.formats[0] if offer.formats else ""),
                "weeks": int(weeks)
                if weeks.isdigit() and offer.min_weeks <= int(weeks) <= offer.max_weeks
                else offer.min_weeks,
                "cadence": Cadence.BIWEEKLY,
            },
            offer_formats=list(offer.formats),
        )
    return render(
        request,
        "mentorship/request_form.html",
        {
            "form": form,
            "refusal_findings": refusal_findings,
            **_request_context(offer),
        },
    )


@login_required
@require_POST
def mentorship_request_check_view(request: HttpRequest, offer_id: int) -> HttpResponse:
    """The request form's live feedback (HTMX): the note as the mentor's engine reads it."""
    viewer = member_for_request(request)
    offer = _or_404(lambda: access_offer_by_id(viewer, offer_id))
    note = request.POST.get("note", "")
    if not note.strip():
        return render(request, "connections/_feedback.html", {"empty": True})
    report = mentorships.mentorship_check(
        mentee=viewer,
        offer_id=offer.pk,
        note=note,
        topics=split_topics(request.POST.get("topics", "")),
    )
    findings = [finding_as_dict(f) for f in report.findings]
    return render(
        request,
        "connections/_feedback.html",
        {
            "report": report,
            "findings": findings,
            "segments": highlight(note[: len(note)], findings),
            "minimum": offer.mentor.boundaries.min_personalization,
            "recipient": offer.mentor,
        },
    )


# --- One mentorship ------------------------------------------------------------------------------


def _checkin_rows(mentorship: Mentorship, viewer: User) -> list[dict[str, Any]]:
    now = timezone.now()
    other = mentorship.mentee if viewer.pk == mentorship.mentor_id else mentorship.mentor
    rows = []
    for o in selectors.checkins_for(mentorship):
        rows.append(
            {
                "who": "You" if o.party_id == viewer.pk else other.get_short_name(),
                "due_at": o.due_at,
                "fulfilled_at": o.fulfilled_at,
                "status": o.status(now),
            }
        )
    return rows


EVENT_LABELS = {
    ("", "requested"): "asked for the mentorship",
    ("requested", "active"): "accepted; the mentorship started",
    ("requested", "declined"): "declined the request",
    ("requested", "withdrawn"): "withdrew the request",
    ("active", "completed"): "completed the mentorship",
    ("active", "cancelled"): "ended the mentorship early",
}


def _detail_context(viewer: User, mentorship: Mentorship, **forms_: Any) -> dict[str, Any]:
    is_mentor = viewer.pk == mentorship.mentor_id
    other = mentorship.mentee if is_mentor else mentorship.mentor
    reflections = {r.author_id: r for r in mentorship.reflections.all()}
    mine: Reflection | None = reflections.get(viewer.pk)
    checkins = _checkin_rows(mentorship, viewer)
    goals = list(mentorship.goals.all())
    return {
        "m": mentorship,
        "viewer": viewer,
        "is_mentor": is_mentor,
        "other": other,
        "goals": goals,
        "goals_done": sum(1 for g in goals if g.done_at),
        "goals_editable": mentorship.state == MentorshipState.ACTIVE,
        # For a declined or withdrawn request: look for someone else with the same need.
        "find_query": urlencode(
            {
                "topics": ", ".join(t.name for t in mentorship.topics.all()),
                "goals": "\n".join(g.text for g in goals),
                "format": str(mentorship.format),
                "weeks": str(mentorship.weeks),
            }
        ),
        "checkins": checkins,
        "checkins_met": sum(1 for c in checkins if c["status"] in ("met", "late")),
        "next_checkin": next((c for c in checkins if c["status"] == "open"), None),
        "my_reflection": mine,
        "their_reflection": reflections.get(other.pk),
        "can_reflect": mentorship.state in ENDED_STATES and mentorship.started_at is not None,
        "events": [
            (
                e.at,
                "You"
                if e.actor_id == viewer.pk
                else e.actor.get_short_name()
                if e.actor
                else "mutuals",
                EVENT_LABELS.get((e.from_state, e.to_state), e.to_state),
            )
            for e in mentorship.events.select_related("actor")
        ],
        "accept_form": forms_.get("accept_form")
        or AcceptForm(initial={"cadence": mentorship.cadence}),
        "decline_form": forms_.get("decline_form") or DeclineForm(),
        "end_form": forms_.get("end_form") or EndForm(),
        "checkin_form": forms_.get("checkin_form")
        or CheckinForm(initial={"at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")}),
        "goal_form": forms_.get("goal_form") or GoalForm(),
        "reflection_form": forms_.get("reflection_form")
        or ReflectionForm(initial={"text": mine.text, "share": mine.share} if mine else None),
    }


@login_required
def mentorship_detail_view(request: HttpRequest, mentorship_id: int) -> HttpResponse:
    viewer = member_for_request(request)
    mentorship = _or_404(lambda: access_mentorship_by_id(viewer, mentorship_id))
    if mentorship.state == MentorshipState.ACTIVE:
        # Messages and calls logged elsewhere count: bring the check-ins up to date.
        progress.checkins_reconcile(mentorship=mentorship)
    return render(request, "mentorship/detail.html", _detail_context(viewer, mentorship))


@login_required
def mentorship_checkins_ics_view(request: HttpRequest, mentorship_id: int) -> HttpResponse:
    """The viewer's open check-ins of this mentorship as an .ics file to import."""
    from mutuals.mentorship.ics import member_checkins_calendar

    viewer = member_for_request(request)
    mentorship = _or_404(lambda: access_mentorship_by_id(viewer, mentorship_id))
    body = member_checkins_calendar(
        mentorship, member=viewer, base_url=request.build_absolute_uri("/").rstrip("/")
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="mentorship-{mentorship.pk}.ics"'
    return response


_ACTIONS = {
    "accept",
    "decline",
    "withdraw",
    "end",
    "checkin",
    "goal",
    "reflect",
    "share",
    "unshare",
}


@login_required
@require_POST
def mentorship_action_view(request: HttpRequest, mentorship_id: int, action: str) -> HttpResponse:
    if action not in _ACTIONS:
        raise Http404("No such action.")
    viewer = member_for_request(request)
    mentorship = _or_404(lambda: access_mentorship_by_id(viewer, mentorship_id))
    form_class: type[forms.Form] | None = {
        "accept": AcceptForm,
        "decline": DeclineForm,
        "end": EndForm,
        "checkin": CheckinForm,
        "goal": GoalForm,
        "reflect": ReflectionForm,
    }.get(action)
    form = form_class(request.POST) if form_class else None
    done = ""
    try:
        if form is not None and not form.is_valid():
            raise _Invalid
        data = form.cleaned_data if form is not None else {}
        if action == "accept":
            mentorships.mentorship_accept(
                member=viewer, mentorship_id=mentorship.pk, cadence=data["cadence"]
            )
            done = f"You are now mentoring {mentorship.mentee.name}. Check-ins are planned."
        elif action == "decline":
            mentorships.mentorship_decline(
                member=viewer, mentorship_id=mentorship.pk, reason=data["reason"]
            )
            done = f"Declined. {mentorship.mentee.get_short_name()} sees your reason."
        elif action == "withdraw":
            mentorships.mentorship_withdraw(member=viewer, mentorship_id=mentorship.pk)
            done = "Your request is withdrawn."
        elif action == "end":
            ended = mentorships.mentorship_end(
                member=viewer, mentorship_id=mentorship.pk, reason=data["reason"], note=data["note"]
            )
            done = (
                "Completed — well done. Write your closing reflection below."
                if ended.state == MentorshipState.COMPLETED
                else "The mentorship has ended. A closing reflection still helps you both."
            )
        elif action == "checkin":
            progress.checkin_log(
                member=viewer, mentorship_id=mentorship.pk, at=data["at"], note=data["note"]
            )
            done = "Check-in logged. It counts for you both."
        elif action == "goal":
            progress.goal_add(member=viewer, mentorship_id=mentorship.pk, text=data["text"])
            done = "Goal added to your shared checklist."
        elif action == "reflect":
            progress.reflection_write(
                member=viewer, mentorship_id=mentorship.pk, text=data["text"], share=data["share"]
            )
            done = "Thank you for your reflection."
        elif action in ("share", "unshare"):
            progress.testimonial_share(
                member=viewer, mentorship_id=mentorship.pk, share=action == "share"
            )
            done = (
                f"Your reflection now shows on {mentorship.mentor.get_short_name()}'s profile."
                if action == "share"
                else "Your reflection no longer shows on their profile."
            )
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except (_Invalid, MutualsError) as error:
        if isinstance(error, MutualsError):
            if form is None:
                messages.error(request, error.message)
                return redirect("mentorship_detail", mentorship_id=mentorship.pk)
            form_error(form, error)
        mentorship = access_mentorship_by_id(viewer, mentorship_id)
        context = _detail_context(viewer, mentorship, **{f"{_form_name(action)}": form})
        return render(request, "mentorship/detail.html", context, status=422)
    messages.success(request, done)
    return redirect("mentorship_detail", mentorship_id=mentorship.pk)


class _Invalid(Exception):
    """The form did not parse: show it again with its errors."""


def _form_name(action: str) -> str:
    return {"reflect": "reflection_form"}.get(action, f"{action}_form")


@login_required
@require_POST
def mentorship_goal_toggle_view(
    request: HtmxHttpRequest, mentorship_id: int, goal_id: int
) -> HttpResponse:
    viewer = member_for_request(request)
    done = request.POST.get("done") == "1"
    try:
        goal = progress.goal_set_done(
            member=viewer, mentorship_id=mentorship_id, goal_id=goal_id, done=done
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except MutualsError as error:
        messages.error(request, error.message)
        return redirect("mentorship_detail", mentorship_id=mentorship_id)
    if request.htmx:
        mentorship = access_mentorship_by_id(viewer, mentorship_id)
        return render(
            request, "mentorship/_goal.html", {"goal": goal, "m": mentorship, "editable": True}
        )
    return redirect("mentorship_detail", mentorship_id=mentorship_id)


# --- Programmes ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def programmes_view(request: HttpRequest) -> HttpResponse:
    viewer = member_for_request(request)
    form = ProgrammeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            programme = programmes.programme_create(organizer=viewer, **form.cleaned_data)
        except MutualsError as error:
            form_error(form, error)
        else:
            messages.success(request, "Programme created. Add its mentors and mentees.")
            return redirect("programme_detail", programme_id=programme.pk)
    theirs = list(selectors.programmes_for(viewer))
    organized = [p for p in theirs if p.organizer_id == viewer.pk]
    joined = [p for p in theirs if p.organizer_id != viewer.pk]
    return render(
        request,
        "mentorship/programmes.html",
        {"form": form, "organized": organized, "joined": joined},
    )


def _programme_context(viewer: User, programme: Programme, **extra: Any) -> dict[str, Any]:
    participants = list(
        Participant.objects.filter(programme=programme).select_related("member", "member__profile")
    )
    names = {p.member_id: p.member for p in participants}
    mine = next((p for p in participants if p.member_id == viewer.pk), None)
    others: list[Participant] = []
    if mine is not None:
        other_role = (
            ProgrammeRole.MENTEE if mine.role == ProgrammeRole.MENTOR else ProgrammeRole.MENTOR
        )
        others = [p for p in participants if p.role == other_role]
        order = {pk: i for i, pk in enumerate(mine.ranking)}
        others.sort(key=lambda p: (order.get(p.member_id, len(order)), p.member.name))
    is_organizer = programme.organizer_id == viewer.pk
    assignment = (
        [(names.get(a.mentor_id), names.get(a.mentee_id)) for a in programme.assignments.all()]
        if is_organizer
        else []
    )
    assigned = {a.mentee_id for a in programme.assignments.all()} if is_organizer else set()
    return {
        "programme": programme,
        "is_organizer": is_organizer,
        "mentors": [p for p in participants if p.role == ProgrammeRole.MENTOR],
        "mentees": [p for p in participants if p.role == ProgrammeRole.MENTEE],
        "mine": mine,
        "others": others,
        "ranked": set(mine.ranking) if mine else set(),
        "assignment": assignment,
        "unassigned": [
            p.member
            for p in participants
            if p.role == ProgrammeRole.MENTEE and p.member_id not in assigned
        ],
        "stale": programme.computed_at is not None
        and any(p.ranked_at and p.ranked_at > programme.computed_at for p in participants),
        "published": programme.state == ProgrammeState.PUBLISHED,
        "mentorships": list(
            programme.mentorships.select_related("mentor", "mentee").filter(
                Q() if is_organizer else Q(mentor=viewer) | Q(mentee=viewer)
            )
        ),
        "participant_form": extra.get("participant_form") or ParticipantForm(),
    }


@login_required
def programme_detail_view(request: HttpRequest, programme_id: int) -> HttpResponse:
    viewer = member_for_request(request)
    programme = _or_404(lambda: access_programme_by_id(viewer, programme_id))
    return render(request, "mentorship/programme.html", _programme_context(viewer, programme))


@login_required
@require_POST
def programme_action_view(request: HttpRequest, programme_id: int, action: str) -> HttpResponse:
    viewer = member_for_request(request)
    programme = _or_404(lambda: access_programme_by_id(viewer, programme_id))
    try:
        if action == "add":
            form = ParticipantForm(request.POST)
            if not form.is_valid():
                context = _programme_context(viewer, programme, participant_form=form)
                return render(request, "mentorship/programme.html", context, status=422)
            member = User.objects.filter(
                email__iexact=form.cleaned_data["email"], is_active=True
            ).first()
            if member is None:
                form.add_error("email", "No member with that e-mail.")
                context = _programme_context(viewer, programme, participant_form=form)
                return render(request, "mentorship/programme.html", context, status=422)
            try:
                programmes.programme_add(
                    organizer=viewer,
                    programme_id=programme.pk,
                    member_id=member.pk,
                    role=form.cleaned_data["role"],
                    capacity=form.cleaned_data["capacity"] or 1,
                )
            except MutualsError as error:
                form_error(form, error)
                context = _programme_context(viewer, programme, participant_form=form)
                return render(request, "mentorship/programme.html", context, status=422)
            messages.success(request, f"{member.name} joined as a {form.cleaned_data['role']}.")
        elif action == "rank":
            positions = {
                int(key.removeprefix("rank_")): _position(value)
                for key, value in request.POST.dict().items()
                if key.startswith("rank_") and key.removeprefix("rank_").isdigit()
            }
            ranking = [
                pk
                for pk, position in sorted(positions.items(), key=lambda kv: (kv[1], kv[0]))
                if position < UNRANKED
            ]
            programmes.programme_rank(member=viewer, programme_id=programme.pk, ranking=ranking)
            messages.success(request, "Your ranking is saved.")
        elif action == "compute":
            rows = programmes.programme_compute(organizer=viewer, programme_id=programme.pk)
            messages.success(
                request,
                f"Proposed {len(rows)} pair{'s' if len(rows) != 1 else ''}. Review and publish.",
            )
        elif action == "publish":
            publication = programmes.programme_publish(organizer=viewer, programme_id=programme.pk)
            messages.success(
                request,
                f"Published: {len(publication.started)} mentorships started"
                + (
                    f"; {len(publication.skipped)} pairs skipped (already mentoring)."
                    if publication.skipped
                    else "."
                ),
            )
        else:
            raise Http404("No such action.")
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except MutualsError as error:
        messages.error(request, error.message)
    return redirect("programme_detail", programme_id=programme.pk)


UNRANKED = 10_000


def _position(value: str) -> int:
    """A rank typed in the form (1 = first choice); blank means not ranked."""
    value = value.strip()
    return int(value) if value.isdigit() and int(value) > 0 else UNRANKED
