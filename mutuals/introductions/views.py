"""Pages: "how can I reach …", the introduction inbox, the composer, the actions on an
introduction (one view over `INTRODUCTION_ACTIONS`, each named like the API's operation),
people you may know. Thin: parse, call the selector or service the API calls, render."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from mutuals.accounts.access import access_member_by_id
from mutuals.accounts.models import Intent, User
from mutuals.accounts.selectors import member_directory, member_for_request
from mutuals.connections.composer import feedback_context
from mutuals.connections.selectors import shared_topics
from mutuals.core.errors import MutualsError
from mutuals.core.forms import refusal_to_form, refusal_to_message
from mutuals.core.htmx import HtmxHttpRequest
from mutuals.introductions import selectors, services
from mutuals.introductions.first_steps import first_steps_for
from mutuals.introductions.forms import IntroductionForm, NoteForm
from mutuals.introductions.models import DismissReason, Introduction, IntroductionState

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
                # Whom the introducer can introduce you to: their own connection on the path,
                # the target only when the path is two steps (issue 19: "ask Keisha to
                # introduce you to Thandi" where Keisha was three steps from Thandi).
                "introduce_to": people.get(path.members[2]) if path.hops >= 2 else None,
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


def _compose_parts(
    viewer: User, target_id: int, introducer_id: int
) -> tuple[User, User, dict[str, Any]]:
    """The target, the introducer and what the request form offers: the topics the requester
    and the target share, and the intents the target is open to (the composer's options)."""
    target = access_member_by_id(viewer, target_id)
    introducer = access_member_by_id(viewer, introducer_id)
    open_intents = list(target.boundaries.open_intents)
    options = {
        "topics": shared_topics(viewer.pk, target.pk),
        "open_intents": open_intents,
        "closed_intents": [label for value, label in Intent.choices if value not in open_intents],
        "intent_choices": Intent.choices,
    }
    return target, introducer, options


@login_required
@require_http_methods(["GET", "POST"])
def introduction_compose_view(
    request: HttpRequest, target_id: int, introducer_id: int
) -> HttpResponse:
    """Ask `introducer` to introduce you to `target`."""
    viewer = member_for_request(request)
    target, introducer, options = _compose_parts(viewer, target_id, introducer_id)
    refusal: MutualsError | None = None
    if request.method == "POST":
        form = IntroductionForm(request.POST, topics=options["topics"])
        if form.is_valid():
            try:
                services.introduction_request(
                    requester=viewer, draft=form.draft(target=target, introducer=introducer)
                )
            except MutualsError as error:
                refusal = error  # the page shows it above the form, with its findings
                refusal_to_form(form, error, message=False)
            else:
                messages.success(request, _sent_text(introducer, target))
                return redirect("introduction_inbox")
    else:
        form = IntroductionForm(initial=_initial(request, options), topics=options["topics"])
    findings = refusal.detail.get("findings", []) if refusal else []
    context = {"target": target, "introducer": introducer, "refusal": refusal, "findings": findings}
    return render(request, "introductions/compose.html", {"form": form, **context, **options})


def _initial(request: HttpRequest, options: dict[str, Any]) -> dict[str, str]:
    wanted = request.GET.get("intent", "advice")
    opened = options["open_intents"]
    return {"intent": wanted if wanted in opened or not opened else opened[0]}


def _sent_text(introducer: User, target: User) -> str:
    return (
        f"Sent to {introducer.name}. You will see here when they pass it on to "
        f"{target.get_short_name()}."
    )


@login_required
@require_POST
def introduction_check_view(
    request: HttpRequest, target_id: int, introducer_id: int
) -> HttpResponse:
    """The request form's live score (HTMX), with the connection composer's feedback panel:
    the very draft the send gives the service, scored by the same engine."""
    viewer = member_for_request(request)
    target, introducer, options = _compose_parts(viewer, target_id, introducer_id)
    if not request.POST.get("message", "").strip():
        return render(request, "connections/_feedback.html", {"empty": True})
    form = IntroductionForm(request.POST, topics=options["topics"])
    if not form.is_valid() and form.has_error("message"):
        return render(request, "connections/_feedback.html", {"problems": form.errors["message"]})
    draft = form.draft(target=target, introducer=introducer)
    report = services.introduction_check(requester=viewer, draft=draft)
    context = feedback_context(report, draft.message, target)
    return render(request, "connections/_feedback.html", context)


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


@dataclass(frozen=True, slots=True)
class IntroductionAction:
    """A button on an introduction: its service, the form fields the service takes, and what
    it says when done (about the introduction as it now stands)."""

    service: Callable[..., Introduction]
    fields: tuple[str, ...]
    done: Callable[[Introduction], str]


# Each is served at introductions/<id>/<name>/, named introductions_<name>.
INTRODUCTION_ACTIONS = {
    "forward": IntroductionAction(
        services.introduction_forward,
        ("note",),
        lambda _: "Forwarded. They will see your note and decide.",
    ),
    "accept": IntroductionAction(
        services.introduction_accept,
        (),
        lambda intro: f"You are now connected to {intro.requester.name}.",
    ),
    "decline": IntroductionAction(
        services.introduction_decline,
        ("reason",),
        lambda _: "Declined. Nobody else is told why.",
    ),
    "withdraw": IntroductionAction(services.introduction_withdraw, (), lambda _: "Withdrawn."),
    "thank": IntroductionAction(
        services.introduction_thank, ("note",), lambda _: "Thank-you sent."
    ),
}


@login_required
@require_POST
def introductions_action_view(
    request: HttpRequest, introduction_id: int, action: str
) -> HttpResponse:
    step = INTRODUCTION_ACTIONS[action]
    with refusal_to_message(request):
        intro = step.service(
            member=member_for_request(request),
            introduction_id=introduction_id,
            **{field: request.POST.get(field, "") for field in step.fields},
        )
        messages.success(request, step.done(intro))
    return redirect("introduction_inbox")


@login_required
def suggestions_view(request: HttpRequest) -> HttpResponse:
    """People you may know, with the reasons, and a way to say "not now" or "don't know"."""
    viewer = member_for_request(request)
    suggestions = selectors.people_suggestions(viewer=viewer, limit=24)
    context = {
        "suggestions": suggestions,
        "reasons": DismissReason.choices,
        "first_steps": None if suggestions else first_steps_for(viewer),
    }
    return render(request, "introductions/suggestions.html", context)


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
