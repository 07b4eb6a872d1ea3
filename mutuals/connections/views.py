"""Invitation pages: the composer with live feedback, the inbox, the sent list, and the
actions on a request. Thin: parse, call the service the API calls, show the outcome."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from mutuals.accounts.access import access_member_by_id
from mutuals.accounts.models import Intent, User
from mutuals.accounts.selectors import member_for_request
from mutuals.connections import invitations as rules
from mutuals.connections import services
from mutuals.connections.forms import ComposeForm, DeclineForm, ReportForm
from mutuals.connections.models import ContextKind, Invitation, InvitationState
from mutuals.connections.selectors import (
    are_connected,
    invitations_for,
    mutual_connections,
    shared_topics,
)
from mutuals.core.errors import MutualsError, NotFound, Refused

INBOX_PAGE_SIZE = 20
SEVERITY_RANK = {"bad": 3, "warn": 2, "good": 1}


@dataclass(frozen=True)
class Segment:
    text: str
    severity: str | None
    note: str


def highlight(message: str, findings: list[dict[str, Any]]) -> list[Segment]:
    """Split the message at every finding's span; where spans overlap the most serious
    finding colours the text."""
    spans = [
        f for f in findings if f.get("start") is not None and f.get("end") and f["end"] > f["start"]
    ]
    cuts = sorted({0, len(message), *(f["start"] for f in spans), *(f["end"] for f in spans)})
    segments: list[Segment] = []
    for start, end in itertools.pairwise(cuts):
        covering = [f for f in spans if f["start"] <= start and f["end"] >= end]
        worst = max(covering, key=lambda f: SEVERITY_RANK[f["severity"]], default=None)
        segments.append(
            Segment(
                message[start:end],
                worst["severity"] if worst else None,
                worst["message"] if worst else "",
            )
        )
    return segments


def _composer_context(viewer: User, recipient: User) -> dict[str, Any]:
    mutuals = mutual_connections(viewer.pk, recipient.pk)
    topics = shared_topics(viewer.pk, recipient.pk)
    open_intents = list(recipient.boundaries.open_intents)
    choices = rules.context_choices(viewer, recipient)  # events and feed register theirs
    return {
        "mutuals": mutuals,
        "topics": topics,
        "posts": choices.get(ContextKind.CONTENT, []),
        "events": choices.get(ContextKind.EVENT, []),
        "open_intents": open_intents,
        "closed_intents": [label for value, label in Intent.choices if value not in open_intents],
    }


def _profile_topic(recipient: User, topics: list[tuple[str, str]]) -> str:
    """The shared topic the recipient's own headline and about text are most about, or ""."""
    profile = recipient.profile
    return rules.shared_topic_for(topics, f"{profile.headline}\n{profile.bio}")


def _topic_justified(
    draft: services.Draft, recipient: User, topics: list[tuple[str, str]]
) -> services.Draft:
    """A shared-topic draft with no topic chosen gets the shared topic its note is most
    about, else the one their profile is about, else none (and the check says to choose):
    the composer never picks a topic it cannot justify, and never the alphabetically first."""
    if draft.context_kind != ContextKind.TOPIC or draft.context_ref:
        return draft
    slug = rules.shared_topic_for(topics, draft.message) or _profile_topic(recipient, topics)
    return replace(draft, context_ref=slug)


def _recipient(viewer: User, member_id: int) -> User:
    try:
        recipient = access_member_by_id(viewer, member_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    if recipient.pk == viewer.pk:
        raise Http404("You cannot send a request to yourself.")
    return recipient


@login_required
@require_http_methods(["GET", "POST"])
def invitation_compose_view(request: HttpRequest, member_id: int) -> HttpResponse:
    viewer = member_for_request(request)
    recipient = _recipient(viewer, member_id)
    options = _composer_context(viewer, recipient)
    findings: list[dict[str, Any]] = []
    blocked_reason = _cannot_invite_reason(viewer, recipient)
    if request.method == "POST" and not blocked_reason:
        form = ComposeForm(
            request.POST,
            mutuals=options["mutuals"],
            topics=options["topics"],
            open_intents=options["open_intents"],
            posts=options["posts"],
            events=options["events"],
        )
        if form.is_valid():
            try:
                draft = _topic_justified(form.draft(recipient.pk), recipient, options["topics"])
                invitation = services.invitation_send(sender=viewer, draft=draft)
            except MutualsError as error:
                _form_error(form, error)
                findings = error.detail.get("findings", [])
            else:
                if invitation.state == InvitationState.QUEUED:
                    when = timezone.localtime(invitation.deliver_at)
                    messages.info(
                        request,
                        f"{recipient.get_short_name()}'s week is full, so your request will "
                        f"reach them on {when:%A %d %B}.",
                    )
                else:
                    messages.success(request, f"Your request is on its way to {recipient.name}.")
                return redirect("invitations_sent")
    else:
        initial_kind = (
            ContextKind.MUTUAL
            if options["mutuals"]
            else ContextKind.TOPIC
            if options["topics"]
            else ContextKind.OTHER
        )
        # "Connect about this post" from a post page: ?post=<id> of theirs preselects it.
        wanted_post = request.GET.get("post", "")
        if wanted_post.isdigit() and int(wanted_post) in {pk for pk, _ in options["posts"]}:
            initial_kind = ContextKind.CONTENT
        # "Connect — say you met here" after an event: ?context=event&ref=<event id>.
        wanted_event = request.GET.get("ref", "") if request.GET.get("context") == "event" else ""
        if wanted_event.isdigit() and int(wanted_event) in {pk for pk, _ in options["events"]}:
            initial_kind = ContextKind.EVENT
        # Preselect only the shared topic their own profile is about, if any.
        justified = _profile_topic(recipient, options["topics"])
        form = ComposeForm(
            initial={
                "context_kind": initial_kind,
                "topic": justified,
                "post": int(wanted_post) if initial_kind == ContextKind.CONTENT else None,
                "event": int(wanted_event) if initial_kind == ContextKind.EVENT else None,
                "intent": options["open_intents"][0] if options["open_intents"] else "",
            },
            mutuals=options["mutuals"],
            topics=options["topics"],
            open_intents=options["open_intents"],
            posts=options["posts"],
            events=options["events"],
        )
    return render(
        request,
        "connections/compose.html",
        {
            "form": form,
            "recipient": recipient,
            "blocked_reason": blocked_reason,
            "refusal_findings": findings,
            "allowance": rules.sender_allowance(viewer),
            "intent_choices": Intent.choices,
            **options,
        },
    )


def _cannot_invite_reason(viewer: User, recipient: User) -> str:
    """Why no request can be sent at all right now, said before the member types."""
    if are_connected(viewer.pk, recipient.pk):
        return f"You are already connected to {recipient.name}."
    if rules.open_invitation_between(viewer.pk, recipient.pk):
        return f"There is already an open request between you and {recipient.name}."
    if not recipient.boundaries.open_intents:
        return f"{recipient.get_short_name()} is not taking new requests right now."
    return ""


def _form_error(form: ComposeForm, error: MutualsError) -> None:
    fields = error.detail.get("fields", {}) if isinstance(error, Refused) else {}
    for field, problems in fields.items():
        for problem in problems:
            form.add_error(field if field in form.fields else None, problem)
    if not fields:
        target = {"invalid_context": "context_kind", "recipient_closed_to_intent": "intent"}
        form.add_error(target.get(error.code), error.message)


@login_required
@require_POST
def invitation_check_view(request: HttpRequest, member_id: int) -> HttpResponse:
    """The composer's live feedback (HTMX): score, verdict, findings and the highlighted note."""
    viewer = member_for_request(request)
    recipient = _recipient(viewer, member_id)
    options = _composer_context(viewer, recipient)
    form = ComposeForm(
        request.POST,
        mutuals=options["mutuals"],
        topics=options["topics"],
        open_intents=options["open_intents"],
        posts=options["posts"],
        events=options["events"],
    )
    message = request.POST.get("message", "")
    if not message.strip():
        return render(request, "connections/_feedback.html", {"empty": True})
    form.is_valid()
    data = form.cleaned_data
    draft = services.Draft(
        recipient_id=recipient.pk,
        context_kind=data.get("context_kind") or request.POST.get("context_kind", ""),
        context_ref=str(data.get("mutual") or "")
        if data.get("context_kind") == ContextKind.MUTUAL
        else str(data.get("post") or "")
        if data.get("context_kind") == ContextKind.CONTENT
        else str(data.get("event") or "")
        if data.get("context_kind") == ContextKind.EVENT
        else data.get("topic") or "",
        context_text=data.get("context_text", ""),
        intent=data.get("intent") or "",
        message=message[: services.MAX_MESSAGE_LENGTH * 2],
    )
    report = services.invitation_check(
        sender=viewer, draft=_topic_justified(draft, recipient, options["topics"])
    )
    findings = [services.finding_as_dict(f) for f in report.findings]
    return render(
        request,
        "connections/_feedback.html",
        {
            "report": report,
            "findings": findings,
            "segments": highlight(draft.message, findings),
            "minimum": recipient.boundaries.min_personalization,
            "recipient": recipient,
        },
    )


@login_required
def invitations_received_view(request: HttpRequest) -> HttpResponse:
    viewer = member_for_request(request)
    services.invitations_deliver_due(recipient=viewer)
    state = request.GET.get("state") or InvitationState.PENDING
    if state not in InvitationState.values:
        state = InvitationState.PENDING
    page = Paginator(
        invitations_for(viewer, box="received", state=state), INBOX_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "connections/inbox.html",
        {
            "page": page,
            "state": state,
            "tabs": [
                (InvitationState.PENDING, "Waiting for you"),
                (InvitationState.IGNORED, "Set aside"),
                (InvitationState.ACCEPTED, "Accepted"),
                (InvitationState.DECLINED, "Declined"),
            ],
            "decline_form": DeclineForm(),
            "report_form": ReportForm(),
            "intent_labels": dict(Intent.choices),
        },
    )


@login_required
def invitations_sent_view(request: HttpRequest) -> HttpResponse:
    viewer = member_for_request(request)
    page = Paginator(invitations_for(viewer, box="sent"), INBOX_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [(invitation, services.invitation_for_sender_state(invitation)) for invitation in page]
    return render(
        request,
        "connections/sent.html",
        {
            "page": page,
            "rows": rows,
            "allowance": rules.sender_allowance(viewer),
            "intent_labels": dict(Intent.choices),
        },
    )


@login_required
@require_POST
def invitation_action_view(request: HttpRequest, invitation_id: int, action: str) -> HttpResponse:
    viewer = member_for_request(request)
    try:
        if action == "accept":
            services.invitation_accept(member=viewer, invitation_id=invitation_id)
            sender = Invitation.objects.select_related("sender").get(pk=invitation_id).sender
            messages.success(
                request, f"You are now connected to {sender.name}. Say hello within a week."
            )
            return redirect("member_detail", member_id=sender.pk)
        if action == "decline":
            services.invitation_decline(
                member=viewer, invitation_id=invitation_id, reason=request.POST.get("reason", "")
            )
            messages.success(request, "Declined. The sender sees the reason you gave.")
        elif action == "ignore":
            services.invitation_ignore(member=viewer, invitation_id=invitation_id)
            messages.success(request, "Set aside. The sender is not told; it expires in 30 days.")
        elif action == "report":
            services.invitation_report(
                member=viewer, invitation_id=invitation_id, kind=request.POST.get("kind", "")
            )
            messages.success(request, "Reported. Thank you: it limits how much they can send.")
        elif action == "withdraw":
            services.invitation_withdraw(member=viewer, invitation_id=invitation_id)
            messages.success(request, "Withdrawn. You can ask again in 21 days.")
            return redirect("invitations_sent")
        else:
            raise Http404("No such action.")
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except MutualsError as error:
        messages.error(request, error.message)
        if action == "withdraw":
            return redirect("invitations_sent")
    return redirect("invitations_received")


@login_required
@require_POST
def block_view(request: HttpRequest, member_id: int) -> HttpResponse:
    viewer = member_for_request(request)
    target = _recipient(viewer, member_id)
    services.block_create(blocker=viewer, blocked=target)
    messages.success(
        request,
        f"You blocked {target.name}. Neither of you can see or reach the other; any connection "
        "or open request between you is gone.",
    )
    return redirect("member_directory")
