"""Invitation pages: the composer with live feedback, the inbox, the sent list, and one view
per action on a request (named like the API's operations). Thin: parse, call the service
the API calls, show the outcome."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from mutuals.accounts.access import access_member_by_id
from mutuals.accounts.models import Intent, User
from mutuals.accounts.selectors import member_for_request
from mutuals.connections import composer, services
from mutuals.connections import invitations as rules
from mutuals.connections.forms import ComposeForm, DeclineForm, ReportForm
from mutuals.connections.models import Invitation, InvitationState
from mutuals.connections.selectors import blocks_made_by, invitations_for
from mutuals.core.errors import MutualsError, NotFound
from mutuals.core.forms import refusal_to_form, refusal_to_message

INBOX_PAGE_SIZE = 20
INBOX_TABS = [
    (InvitationState.PENDING, "Waiting for you"),
    (InvitationState.IGNORED, "Set aside"),
    (InvitationState.ACCEPTED, "Accepted"),
    (InvitationState.DECLINED, "Declined"),
]
# A refusal that names no field, shown on the field it is about.
FIELD_FOR_CODE = {"invalid_context": "context_kind", "recipient_closed_to_intent": "intent"}


def _recipient(viewer: User, member_id: int) -> User:
    recipient = access_member_by_id(viewer, member_id)
    if recipient.pk == viewer.pk:
        raise NotFound("You cannot send a request to yourself.")
    return recipient


@login_required
@require_http_methods(["GET", "POST"])
def invitation_compose_view(request: HttpRequest, member_id: int) -> HttpResponse:
    viewer = member_for_request(request)
    recipient = _recipient(viewer, member_id)
    options = composer.ComposerOptions.of(viewer, recipient)
    blocked_reason = composer.cannot_invite_reason(viewer, recipient)
    findings: list[dict[str, Any]] = []
    if request.method == "POST" and not blocked_reason:
        form = ComposeForm(request.POST, **options.form_kwargs())
        if form.is_valid():
            try:
                invitation = services.invitation_send(sender=viewer, draft=form.draft(recipient))
            except MutualsError as error:
                refusal_to_form(form, error, field_for_code=FIELD_FOR_CODE)
                findings = error.detail.get("findings", [])
            else:
                return _sent(request, invitation, recipient)
    else:
        initial = composer.initial_for(options, recipient, request.GET)
        form = ComposeForm(initial=initial, **options.form_kwargs())
    context = {
        "form": form,
        "recipient": recipient,
        "blocked_reason": blocked_reason,
        "refusal_findings": findings,
        "allowance": rules.sender_allowance(viewer),
        "intent_choices": Intent.choices,
    }
    return render(request, "connections/compose.html", {**context, **options.page_context()})


def _sent(request: HttpRequest, invitation: Invitation, recipient: User) -> HttpResponse:
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


@login_required
@require_POST
def invitation_check_view(request: HttpRequest, member_id: int) -> HttpResponse:
    """The composer's live feedback (HTMX): score, verdict, findings and the highlighted
    note, for the very draft the send would give the service (`ComposeForm.draft`)."""
    viewer = member_for_request(request)
    recipient = _recipient(viewer, member_id)
    if not request.POST.get("message", "").strip():
        return render(request, "connections/_feedback.html", {"empty": True})
    options = composer.ComposerOptions.of(viewer, recipient)
    form = ComposeForm(request.POST, **options.form_kwargs())
    if not form.is_valid() and form.has_error("message"):
        return render(request, "connections/_feedback.html", {"problems": form.errors["message"]})
    draft = form.draft(recipient)
    report = services.invitation_check(sender=viewer, draft=draft)
    context = composer.feedback_context(report, draft.message, recipient)
    return render(request, "connections/_feedback.html", context)


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
    context = {
        "page": page,
        "state": state,
        "tabs": INBOX_TABS,
        "decline_form": DeclineForm(),
        "report_form": ReportForm(),
        "intent_labels": dict(Intent.choices),
    }
    return render(request, "connections/inbox.html", context)


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


# --- The actions on a request (POST /api/invitations/{id}/<action>) -------------------------


@login_required
@require_POST
def invitations_accept_view(request: HttpRequest, invitation_id: int) -> HttpResponse:
    with refusal_to_message(request):
        services.invitation_accept(member=member_for_request(request), invitation_id=invitation_id)
        sender = Invitation.objects.select_related("sender").get(pk=invitation_id).sender
        messages.success(
            request, f"You are now connected to {sender.name}. Say hello within a week."
        )
        return redirect("member_detail", member_id=sender.pk)
    return redirect("invitations_received")


@login_required
@require_POST
def invitations_decline_view(request: HttpRequest, invitation_id: int) -> HttpResponse:
    with refusal_to_message(request):
        services.invitation_decline(
            member=member_for_request(request),
            invitation_id=invitation_id,
            reason=request.POST.get("reason", ""),
        )
        messages.success(request, "Declined. The sender sees the reason you gave.")
    return redirect("invitations_received")


@login_required
@require_POST
def invitations_ignore_view(request: HttpRequest, invitation_id: int) -> HttpResponse:
    with refusal_to_message(request):
        services.invitation_ignore(member=member_for_request(request), invitation_id=invitation_id)
        messages.success(request, "Set aside. The sender is not told; it expires in 30 days.")
    return redirect("invitations_received")


@login_required
@require_POST
def invitations_report_view(request: HttpRequest, invitation_id: int) -> HttpResponse:
    with refusal_to_message(request):
        services.invitation_report(
            member=member_for_request(request),
            invitation_id=invitation_id,
            kind=request.POST.get("kind", ""),
        )
        messages.success(request, "Reported. Thank you: it limits how much they can send.")
    return redirect("invitations_received")


@login_required
@require_POST
def invitations_withdraw_view(request: HttpRequest, invitation_id: int) -> HttpResponse:
    with refusal_to_message(request):
        services.invitation_withdraw(
            member=member_for_request(request), invitation_id=invitation_id
        )
        messages.success(request, "Withdrawn. You can ask again in 21 days.")
    return redirect("invitations_sent")


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


@login_required
def blocks_list_view(request: HttpRequest) -> HttpResponse:
    """The members you blocked, with a way to lift each block."""
    viewer = member_for_request(request)
    page = Paginator(blocks_made_by(viewer), INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "connections/blocks.html", {"page": page})


@login_required
@require_POST
def blocks_delete_view(request: HttpRequest, member_id: int) -> HttpResponse:
    services.block_remove(blocker=member_for_request(request), blocked_id=member_id)
    messages.success(
        request,
        "Block lifted. You can see each other again; the connection and requests it ended "
        "are not restored.",
    )
    return redirect("blocks_list")
