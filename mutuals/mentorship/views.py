"""Mentorship pages: the hub, the mentor's offer, finding a mentor, the request with live
feedback on the note, one mentorship (goals, check-ins, ending, reflections) and programmes,
with one view per action named like the API's operations. Thin: parse, call the service the
API calls, show the outcome; what a page shows is assembled in `pages`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from mutuals.accounts.models import User
from mutuals.accounts.selectors import member_for_request
from mutuals.accounts.topics import split_topics
from mutuals.connections.composer import feedback_context
from mutuals.core.errors import MutualsError, NotFound
from mutuals.core.forms import refusal_to_form, refusal_to_message
from mutuals.core.htmx import HtmxHttpRequest
from mutuals.mentorship import pages, selectors
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
    ranking_from,
)
from mutuals.mentorship.ics import member_checkins_calendar
from mutuals.mentorship.models import MentorOffer, Mentorship, MentorshipState
from mutuals.mentorship.services import mentorships, offers, programmes, progress

# --- Hub and offer -------------------------------------------------------------------------------


@login_required
def mentorship_home_view(request: HttpRequest) -> HttpResponse:
    viewer = member_for_request(request)
    return render(request, "mentorship/home.html", pages.home_context(viewer))


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
                refusal_to_form(form, error)
            else:
                return redirect("mentorship_home")
    else:
        form = OfferForm(initial=pages.offer_initial(offer) if offer else None)
    return render(request, "mentorship/offer_form.html", {"form": form, "offer": offer})


@login_required
@require_POST
def mentor_offer_pause_view(request: HttpRequest) -> HttpResponse:
    viewer = member_for_request(request)
    offer = MentorOffer.objects.filter(mentor=viewer).first()
    if offer is None:
        raise NotFound("You have no offer.")
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
    form = NeedForm(request.GET or pages.need_from_profile(viewer))
    results = selectors.suggestions_for(viewer, form.need()) if form.is_valid() else None
    template = "mentorship/_suggestions.html" if request.htmx else "mentorship/find.html"
    context = {
        "form": form,
        "results": results,
        "query": request.GET.urlencode(),
        "from_profile": not request.GET,
    }
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def mentorship_request_view(request: HttpRequest, offer_id: int) -> HttpResponse:
    viewer = member_for_request(request)
    offer = access_offer_by_id(viewer, offer_id)
    if offer.mentor_id == viewer.pk:
        raise NotFound("You cannot ask yourself.")
    refusal_findings: list[dict[str, Any]] = []
    if request.method == "POST":
        form = RequestForm(request.POST, offer_formats=list(offer.formats))
        if form.is_valid():
            try:
                mentorship = mentorships.mentorship_request(
                    mentee=viewer, draft=form.draft(offer.pk)
                )
            except MutualsError as error:
                refusal_to_form(form, error)
                refusal_findings = error.detail.get("findings", [])
            else:
                messages.success(
                    request, f"Your request is with {offer.mentor.name}. You will hear back here."
                )
                return redirect("mentorship_detail", mentorship_id=mentorship.pk)
    else:
        initial = pages.request_initial(offer, request.GET)
        form = RequestForm(initial=initial, offer_formats=list(offer.formats))
    context = {"form": form, "refusal_findings": refusal_findings}
    return render(
        request, "mentorship/request_form.html", {**context, **pages.request_context(offer)}
    )


@login_required
@require_POST
def mentorship_request_check_view(request: HttpRequest, offer_id: int) -> HttpResponse:
    """The request form's live feedback (HTMX): the note as the mentor's engine reads it."""
    viewer = member_for_request(request)
    offer = access_offer_by_id(viewer, offer_id)
    note = request.POST.get("note", "")
    if not note.strip():
        return render(request, "connections/_feedback.html", {"empty": True})
    report = mentorships.mentorship_check(
        mentee=viewer,
        offer_id=offer.pk,
        note=note,
        topics=split_topics(request.POST.get("topics", "")),
    )
    context = feedback_context(report, note, offer.mentor)
    return render(request, "connections/_feedback.html", context)


# --- One mentorship ------------------------------------------------------------------------------


@login_required
def mentorship_detail_view(request: HttpRequest, mentorship_id: int) -> HttpResponse:
    viewer = member_for_request(request)
    mentorship = access_mentorship_by_id(viewer, mentorship_id)
    if mentorship.state == MentorshipState.ACTIVE:
        # Messages and calls logged elsewhere count: bring the check-ins up to date.
        progress.checkins_reconcile(mentorship=mentorship)
    return render(request, "mentorship/detail.html", pages.detail_context(viewer, mentorship))


@login_required
def mentorship_checkins_ics_view(request: HttpRequest, mentorship_id: int) -> HttpResponse:
    """The viewer's open check-ins of this mentorship as an .ics file to import."""
    viewer = member_for_request(request)
    mentorship = access_mentorship_by_id(viewer, mentorship_id)
    body = member_checkins_calendar(
        mentorship, member=viewer, base_url=request.build_absolute_uri("/").rstrip("/")
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="mentorship-{mentorship.pk}.ics"'
    return response


# An action with a form: (viewer, mentorship, the form's data) → what to tell the member.
FormAction = Callable[[User, Mentorship, dict[str, Any]], str]


def _form_action(
    request: HttpRequest,
    mentorship_id: int,
    form_class: type[forms.Form],
    form_name: str,
    act: FormAction,
) -> HttpResponse:
    """Run an action from the mentorship page; a form that does not parse, or a refusal,
    shows the page again with that form's errors (422)."""
    viewer = member_for_request(request)
    mentorship = access_mentorship_by_id(viewer, mentorship_id)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            done = act(viewer, mentorship, form.cleaned_data)
        except NotFound:
            raise
        except MutualsError as error:
            refusal_to_form(form, error)
        else:
            messages.success(request, done)
            return redirect("mentorship_detail", mentorship_id=mentorship.pk)
    mentorship = access_mentorship_by_id(viewer, mentorship_id)
    context = pages.detail_context(viewer, mentorship, **{form_name: form})
    return render(request, "mentorship/detail.html", context, status=422)


@login_required
@require_POST
def mentorships_accept_view(request: HttpRequest, mentorship_id: int) -> HttpResponse:
    def accept(viewer: User, mentorship: Mentorship, data: dict[str, Any]) -> str:
        mentorships.mentorship_accept(
            member=viewer, mentorship_id=mentorship.pk, cadence=data["cadence"]
        )
        return f"You are now mentoring {mentorship.mentee.name}. Check-ins are planned."

    return _form_action(request, mentorship_id, AcceptForm, "accept_form", accept)


@login_required
@require_POST
def mentorships_decline_view(request: HttpRequest, mentorship_id: int) -> HttpResponse:
    def decline(viewer: User, mentorship: Mentorship, data: dict[str, Any]) -> str:
        mentorships.mentorship_decline(
            member=viewer, mentorship_id=mentorship.pk, reason=data["reason"]
        )
        return f"Declined. {mentorship.mentee.get_short_name()} sees your reason."

    return _form_action(request, mentorship_id, DeclineForm, "decline_form", decline)


@login_required
@require_POST
def mentorships_withdraw_view(request: HttpRequest, mentorship_id: int) -> HttpResponse:
    viewer = member_for_request(request)
    mentorship = access_mentorship_by_id(viewer, mentorship_id)
    with refusal_to_message(request):
        mentorships.mentorship_withdraw(member=viewer, mentorship_id=mentorship.pk)
        messages.success(request, "Your request is withdrawn.")
    return redirect("mentorship_detail", mentorship_id=mentorship.pk)


@login_required
@require_POST
def mentorships_end_view(request: HttpRequest, mentorship_id: int) -> HttpResponse:
    def end(viewer: User, mentorship: Mentorship, data: dict[str, Any]) -> str:
        ended = mentorships.mentorship_end(
            member=viewer, mentorship_id=mentorship.pk, reason=data["reason"], note=data["note"]
        )
        if ended.state == MentorshipState.COMPLETED:
            return "Completed — well done. Write your closing reflection below."
        return "The mentorship has ended. A closing reflection still helps you both."

    return _form_action(request, mentorship_id, EndForm, "end_form", end)


@login_required
@require_POST
def mentorships_checkins_create_view(request: HttpRequest, mentorship_id: int) -> HttpResponse:
    def log(viewer: User, mentorship: Mentorship, data: dict[str, Any]) -> str:
        progress.checkin_log(
            member=viewer, mentorship_id=mentorship.pk, at=data["at"], note=data["note"]
        )
        return "Check-in logged. It counts for you both."

    return _form_action(request, mentorship_id, CheckinForm, "checkin_form", log)


@login_required
@require_POST
def mentorships_goals_create_view(request: HttpRequest, mentorship_id: int) -> HttpResponse:
    def add(viewer: User, mentorship: Mentorship, data: dict[str, Any]) -> str:
        progress.goal_add(member=viewer, mentorship_id=mentorship.pk, text=data["text"])
        return "Goal added to your shared checklist."

    return _form_action(request, mentorship_id, GoalForm, "goal_form", add)


@login_required
@require_POST
def mentorships_reflect_view(request: HttpRequest, mentorship_id: int) -> HttpResponse:
    def reflect(viewer: User, mentorship: Mentorship, data: dict[str, Any]) -> str:
        progress.reflection_write(
            member=viewer, mentorship_id=mentorship.pk, text=data["text"], share=data["share"]
        )
        return "Thank you for your reflection."

    return _form_action(request, mentorship_id, ReflectionForm, "reflection_form", reflect)


@login_required
@require_POST
def mentorships_testimonial_view(
    request: HttpRequest, mentorship_id: int, share: bool
) -> HttpResponse:
    """Show the mentee's reflection on the mentor's profile (`share/`), or stop (`unshare/`)."""
    viewer = member_for_request(request)
    mentorship = access_mentorship_by_id(viewer, mentorship_id)
    with refusal_to_message(request):
        progress.testimonial_share(member=viewer, mentorship_id=mentorship.pk, share=share)
        messages.success(
            request,
            f"Your reflection now shows on {mentorship.mentor.get_short_name()}'s profile."
            if share
            else "Your reflection no longer shows on their profile.",
        )
    return redirect("mentorship_detail", mentorship_id=mentorship.pk)


@login_required
@require_POST
def mentorship_goal_toggle_view(
    request: HtmxHttpRequest, mentorship_id: int, goal_id: int
) -> HttpResponse:
    viewer = member_for_request(request)
    done = request.POST.get("done") == "1"
    with refusal_to_message(request):
        goal = progress.goal_set_done(
            member=viewer, mentorship_id=mentorship_id, goal_id=goal_id, done=done
        )
        if request.htmx:
            mentorship = access_mentorship_by_id(viewer, mentorship_id)
            context = {"goal": goal, "m": mentorship, "editable": True}
            return render(request, "mentorship/_goal.html", context)
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
            refusal_to_form(form, error)
        else:
            messages.success(request, "Programme created. Add its mentors and mentees.")
            return redirect("programme_detail", programme_id=programme.pk)
    theirs = list(selectors.programmes_for(viewer))
    organized = [p for p in theirs if p.organizer_id == viewer.pk]
    joined = [p for p in theirs if p.organizer_id != viewer.pk]
    context = {"form": form, "organized": organized, "joined": joined}
    return render(request, "mentorship/programmes.html", context)


@login_required
def programme_detail_view(request: HttpRequest, programme_id: int) -> HttpResponse:
    viewer = member_for_request(request)
    programme = access_programme_by_id(viewer, programme_id)
    return render(request, "mentorship/programme.html", pages.programme_context(viewer, programme))


@login_required
@require_POST
def programmes_participants_create_view(request: HttpRequest, programme_id: int) -> HttpResponse:
    """The organizer adds a member, by e-mail, as a mentor or a mentee."""
    viewer = member_for_request(request)
    programme = access_programme_by_id(viewer, programme_id)
    form = ParticipantForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        member = User.objects.filter(email__iexact=data["email"], is_active=True).first()
        if member is None:
            form.add_error("email", "No member with that e-mail.")
        else:
            try:
                programmes.programme_add(
                    organizer=viewer,
                    programme_id=programme.pk,
                    member_id=member.pk,
                    role=data["role"],
                    capacity=data["capacity"] or 1,
                )
            except MutualsError as error:
                refusal_to_form(form, error)
            else:
                messages.success(request, f"{member.name} joined as a {data['role']}.")
                return redirect("programme_detail", programme_id=programme.pk)
    context = pages.programme_context(viewer, programme, participant_form=form)
    return render(request, "mentorship/programme.html", context, status=422)


@login_required
@require_POST
def programmes_rank_view(request: HttpRequest, programme_id: int) -> HttpResponse:
    viewer = member_for_request(request)
    programme = access_programme_by_id(viewer, programme_id)
    with refusal_to_message(request):
        ranking = ranking_from(request.POST.dict())
        programmes.programme_rank(member=viewer, programme_id=programme.pk, ranking=ranking)
        messages.success(request, "Your ranking is saved.")
    return redirect("programme_detail", programme_id=programme.pk)


@login_required
@require_POST
def programmes_compute_view(request: HttpRequest, programme_id: int) -> HttpResponse:
    viewer = member_for_request(request)
    programme = access_programme_by_id(viewer, programme_id)
    with refusal_to_message(request):
        rows = programmes.programme_compute(organizer=viewer, programme_id=programme.pk)
        messages.success(
            request,
            f"Proposed {len(rows)} pair{'s' if len(rows) != 1 else ''}. Review and publish.",
        )
    return redirect("programme_detail", programme_id=programme.pk)


@login_required
@require_POST
def programmes_publish_view(request: HttpRequest, programme_id: int) -> HttpResponse:
    viewer = member_for_request(request)
    programme = access_programme_by_id(viewer, programme_id)
    with refusal_to_message(request):
        publication = programmes.programme_publish(organizer=viewer, programme_id=programme.pk)
        skipped = publication.skipped
        messages.success(
            request,
            f"Published: {len(publication.started)} mentorships started"
            + (f"; {len(skipped)} pairs skipped (already mentoring)." if skipped else "."),
        )
    return redirect("programme_detail", programme_id=programme.pk)
