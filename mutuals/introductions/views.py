"""Pages: "how can I reach …", the introduction inbox, the composer, one view per action on
an introduction (named like the API's operations), people you may know. Thin: parse, call
the selector or service the API calls, render."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from mutuals.accounts.access import access_member_by_id
from mutuals.accounts.selectors import member_directory, member_for_request
from mutuals.core.errors import MutualsError
from mutuals.core.forms import refusal_to_form, refusal_to_message
from mutuals.core.htmx import HtmxHttpRequest
from mutuals.introductions import selectors, services
from mutuals.introductions.forms import IntroductionForm, NoteForm
from mutuals.introductions.models import DismissReason, IntroductionState

if TYPE_CHECKING:
    from mutuals.graph import WarmPath

SEARCH_LIMIT = 12


def _path_rows(paths: list[WarmPath]) -> list[dict[str, Any]]:
    people = selectors.path_members(paths)
    rows = []
    for path in paths:
        steps = [
            {"member": people.get(member_id), "strength": path.strengths[i - 1] if i else None}
            for i, member_id in enumerate(path.members)
        ]
        rows.append(
            {
                "steps": steps,
                "score": path.score,
                "introducer": people.get(path.members[1]) if path.hops >= 2 else None,
                "target": people.get(path.members[-1]),
                "hops": path.hops,
            }
        )
    return rows


@login_required
def reach_view(request: HtmxHttpRequest) -> HttpResponse:
    """Search a member, a company or a topic, and show the warmest ways to reach them."""
    viewer = member_for_request(request)
    kind = request.GET.get("kind", "member")
    query = request.GET.get("q", "").strip()[:100]
    to = request.GET.get("to", "")
    context: dict[str, Any] = {"kind": kind, "q": query, "paths": None, "matches": None}
    if to.isdigit():
        target = access_member_by_id(viewer, int(to))
        context["target"] = target
        if target.pk != viewer.pk:
            context["paths"] = _path_rows(selectors.warm_paths(viewer=viewer, to=target.pk))
    elif query and kind in ("company", "topic"):
        if kind == "company":
            found = selectors.warm_paths(viewer=viewer, company=query)
        else:
            found = selectors.warm_paths(viewer=viewer, topic=query)
        context["paths"] = _path_rows(found)
    elif query:
        matches = list(member_directory(viewer=viewer, q=query)[:SEARCH_LIMIT])
        proximity = selectors.proximity_for(viewer.pk, (m.pk for m in matches))
        context["matches"] = [(m, proximity[m.pk]) for m in matches]
    template = "introductions/_reach_results.html" if request.htmx else "introductions/reach.html"
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def introduction_compose_view(
    request: HttpRequest, target_id: int, introducer_id: int
) -> HttpResponse:
    """Ask `introducer` to introduce you to `target`."""
    viewer = member_for_request(request)
    target = access_member_by_id(viewer, target_id)
    introducer = access_member_by_id(viewer, introducer_id)
    refusal: MutualsError | None = None
    if request.method == "POST":
        form = IntroductionForm(request.POST)
        if form.is_valid():
            try:
                services.introduction_request(
                    requester=viewer, draft=form.draft(target=target, introducer=introducer)
                )
            except MutualsError as error:
                refusal = error  # the page shows it above the form, with its findings
                refusal_to_form(form, error, message=False)
            else:
                messages.success(
                    request,
                    f"Sent to {introducer.name}. You will see here when they pass it on to "
                    f"{target.get_short_name()}.",
                )
                return redirect("introduction_inbox")
    else:
        form = IntroductionForm(initial={"intent": request.GET.get("intent", "advice")})
    findings = refusal.detail.get("findings", []) if refusal else []
    context = {"target": target, "introducer": introducer, "refusal": refusal, "findings": findings}
    return render(request, "introductions/compose.html", {"form": form, **context})


@login_required
def introduction_inbox_view(request: HttpRequest) -> HttpResponse:
    """Requests waiting for you as introducer, introductions offered to you, your requests."""
    viewer = member_for_request(request)
    return render(
        request,
        "introductions/inbox.html",
        {
            "to_introduce": selectors.introductions_for(viewer, "to_introduce")[:50],
            "offered": selectors.introductions_for(viewer, "offered")[:50],
            "sent": selectors.introductions_for(viewer, "sent")[:50],
            "note_form": NoteForm(),
            "states": IntroductionState,
        },
    )


# --- The actions on an introduction (POST /api/introductions/{id}/<action>) -----------------


@login_required
@require_POST
def introductions_forward_view(request: HttpRequest, introduction_id: int) -> HttpResponse:
    with refusal_to_message(request):
        services.introduction_forward(
            member=member_for_request(request),
            introduction_id=introduction_id,
            note=request.POST.get("note", ""),
        )
        messages.success(request, "Forwarded. They will see your note and decide.")
    return redirect("introduction_inbox")


@login_required
@require_POST
def introductions_accept_view(request: HttpRequest, introduction_id: int) -> HttpResponse:
    with refusal_to_message(request):
        intro = services.introduction_accept(
            member=member_for_request(request), introduction_id=introduction_id
        )
        messages.success(request, f"You are now connected to {intro.requester.name}.")
    return redirect("introduction_inbox")


@login_required
@require_POST
def introductions_decline_view(request: HttpRequest, introduction_id: int) -> HttpResponse:
    with refusal_to_message(request):
        services.introduction_decline(
            member=member_for_request(request),
            introduction_id=introduction_id,
            reason=request.POST.get("reason", ""),
        )
        messages.success(request, "Declined. Nobody else is told why.")
    return redirect("introduction_inbox")


@login_required
@require_POST
def introductions_withdraw_view(request: HttpRequest, introduction_id: int) -> HttpResponse:
    with refusal_to_message(request):
        services.introduction_withdraw(
            member=member_for_request(request), introduction_id=introduction_id
        )
        messages.success(request, "Withdrawn.")
    return redirect("introduction_inbox")


@login_required
@require_POST
def introductions_thank_view(request: HttpRequest, introduction_id: int) -> HttpResponse:
    with refusal_to_message(request):
        services.introduction_thank(
            member=member_for_request(request),
            introduction_id=introduction_id,
            note=request.POST.get("note", ""),
        )
        messages.success(request, "Thank-you sent.")
    return redirect("introduction_inbox")


@login_required
def suggestions_view(request: HttpRequest) -> HttpResponse:
    """People you may know, with the reasons, and a way to say "not now" or "don't know"."""
    viewer = member_for_request(request)
    suggestions = selectors.people_suggestions(viewer=viewer, limit=24)
    return render(
        request,
        "introductions/suggestions.html",
        {"suggestions": suggestions, "reasons": DismissReason.choices},
    )


@login_required
@require_POST
def suggestion_dismiss_view(request: HtmxHttpRequest, member_id: int) -> HttpResponse:
    viewer = member_for_request(request)
    with refusal_to_message(request):
        services.suggestion_dismiss(
            member=viewer, dismissed_id=member_id, reason=request.POST.get("reason", "")
        )
        if request.htmx:
            return HttpResponse("")  # the card is swapped out
        messages.success(request, "We will not suggest them again.")
    return redirect(reverse("people_suggestions"))
