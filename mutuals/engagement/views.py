"""Connections pages: the list by closeness and state, one connection with its pact (both
parties' items), logging an off-platform interaction, letting a relationship rest; and the
notifications page."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from mutuals.accounts.forms import MemberForm
from mutuals.accounts.selectors import member_for_request
from mutuals.core.errors import MutualsError, NotFound, Refused
from mutuals.engagement import selectors, services
from mutuals.engagement.models import Notification, ObligationKind
from mutuals.engagement.ties import ties_ensure

CONNECTIONS_PAGE_SIZE = 30
OBLIGATION_LABELS = dict(ObligationKind.choices)


class InteractionForm(MemberForm):
    kind = forms.ChoiceField(
        choices=[("meeting", "Meeting"), ("call", "Call"), ("other", "Other")], label="What"
    )
    at = forms.DateTimeField(
        label="When", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    note = forms.CharField(
        required=False, max_length=500, label="Note (only you see it)", widget=forms.TextInput
    )


@login_required
def connections_list_view(request: HttpRequest) -> HttpResponse:
    viewer = member_for_request(request)
    ties_ensure(member_id=viewer.pk)
    state = request.GET.get("state", "")
    ties = selectors.ties_for(viewer)
    if state:
        ties = ties.filter(state=state)
    page = Paginator(ties, CONNECTIONS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "engagement/connections.html",
        {
            "page": page,
            "state": state,
            "states": ["engaged", "warm", "fading", "stagnant", "resting"],
        },
    )


@login_required
def connection_detail_view(request: HttpRequest, connection_id: int) -> HttpResponse:
    viewer = member_for_request(request)
    try:
        tie = selectors.access_tie_by_connection_id(viewer, connection_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    form = InteractionForm(initial={"at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")})
    if request.method == "POST":
        form = InteractionForm(request.POST)
        if form.is_valid():
            try:
                services.interaction_log(
                    member=viewer,
                    connection_id=connection_id,
                    kind=form.cleaned_data["kind"],
                    at=form.cleaned_data["at"],
                    note=form.cleaned_data["note"],
                )
            except MutualsError as error:
                fields = error.detail.get("fields", {}) if isinstance(error, Refused) else {}
                for field, problems in fields.items():
                    for problem in problems:
                        form.add_error(field if field in form.fields else None, problem)
                if not fields:
                    form.add_error(None, error.message)
            else:
                messages.success(request, "Logged. It counts towards your pact and this tie.")
                return redirect("connection_detail", connection_id=connection_id)
    pact = selectors.pact_of([connection_id])[connection_id]
    now = timezone.now()
    items = [
        {
            "label": OBLIGATION_LABELS[o.kind],
            "who": "You both"
            if o.party_id is None
            else "You"
            if o.party_id == viewer.pk
            else tie.other.get_short_name(),
            "due_at": o.due_at,
            "fulfilled_at": o.fulfilled_at,
            "status": "met"
            if o.fulfilled_at and o.fulfilled_at <= o.due_at
            else "late"
            if o.fulfilled_at
            else "overdue"
            if o.due_at < now
            else "open",
        }
        for o in pact
    ]
    return render(
        request,
        "engagement/connection_detail.html",
        {
            "tie": tie,
            "pact": items,
            "interactions": selectors.recent_interactions(viewer, tie.other_id),
            "form": form,
            "viewer": viewer,
        },
    )


@login_required
@require_POST
def connection_rest_view(request: HttpRequest, connection_id: int) -> HttpResponse:
    viewer = member_for_request(request)
    resting = request.POST.get("resting", "1") == "1"
    try:
        services.connection_rest(member=viewer, connection_id=connection_id, resting=resting)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    messages.success(
        request,
        "Resting: no more nudges or check-ins from you on this one. It stays a connection."
        if resting
        else "Welcome back: check-ins resume at this tie's cadence.",
    )
    return redirect("connection_detail", connection_id=connection_id)


@login_required
def notifications_view(request: HttpRequest) -> HttpResponse:
    viewer = member_for_request(request)
    page = Paginator(Notification.objects.filter(member=viewer), 30).get_page(
        request.GET.get("page")
    )
    unread_ids = [n.pk for n in page if n.read_at is None]
    response = render(
        request, "engagement/notifications.html", {"page": page, "unread_ids": unread_ids}
    )
    services.notification_mark_read(member=viewer, notification_ids=unread_ids)
    return response
