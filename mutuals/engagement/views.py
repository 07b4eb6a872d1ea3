"""Connections pages: the list by closeness and state, one connection with its pact (both
parties' items), logging an off-platform interaction, letting a relationship rest; the
notifications page; and collaborations (the list, one with everyone's answer, and one view
per answer, named like the API's operations). Proposing a collaboration starts from an
event or a conversation, so that page stands above them, in `mutuals.site`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from mutuals.accounts.models import User
from mutuals.accounts.selectors import member_for_request
from mutuals.connections.invitations import REINVITE_AFTER
from mutuals.connections.selectors import blocked_ids
from mutuals.core.errors import MutualsError, NotFound
from mutuals.core.forms import refusal_to_form, refusal_to_message
from mutuals.core.htmx import is_htmx
from mutuals.engagement import (
    collaborations,
    delivery,
    notifications,
    pages,
    removals,
    selectors,
    services,
)
from mutuals.engagement.access import access_collaboration_by_id, access_notification_by_id
from mutuals.engagement.forms import DeliveryPreferencesForm, InteractionForm

CONNECTIONS_PAGE_SIZE = 30
COLLABORATIONS_PAGE_SIZE = 20
TIE_STATES = ["engaged", "warm", "fading", "stagnant", "resting"]


@login_required
def connections_list_view(request: HttpRequest) -> HttpResponse:
    viewer = member_for_request(request)
    state = request.GET.get("state", "")
    q = request.GET.get("q", "").replace("\x00", "")
    try:
        ties = selectors.ties_matching(viewer, q)
    except MutualsError as refusal:  # too long to search for
        messages.error(request, refusal.message)
        ties, q = selectors.ties_for(viewer), ""
    if state:
        ties = ties.filter(state=state)
    page = Paginator(ties, CONNECTIONS_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "state": state, "states": TIE_STATES, "q": q}
    return render(request, "engagement/connections.html", context)


@login_required
def connection_detail_view(request: HttpRequest, connection_id: int) -> HttpResponse:
    """The connection and its pact; the form logs an interaction that happened elsewhere."""
    viewer = member_for_request(request)
    try:
        tie = selectors.access_tie_by_connection_id(viewer, connection_id)
    except NotFound:
        return _connection_ended(request, viewer, connection_id)
    form = InteractionForm(initial={"at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")})
    if request.method == "POST":
        form = InteractionForm(request.POST)
        if form.is_valid():
            try:
                services.interaction_log(
                    member=viewer, connection_id=connection_id, **form.cleaned_data
                )
            except MutualsError as error:
                refusal_to_form(form, error)
            else:
                messages.success(request, "Logged. It counts towards your pact and this tie.")
                return redirect("connection_detail", connection_id=connection_id)
    context = {
        "tie": tie,
        "reading": pages.tie_reading(tie),
        "pact": pages.pact_items(viewer, tie, connection_id),
        "interactions": selectors.recent_interactions(viewer, tie.other_id),
        "form": form,
        "viewer": viewer,
        "reinvite_from": timezone.now() + REINVITE_AFTER,
    }
    return render(request, "engagement/connection_detail.html", context)


def _connection_ended(request: HttpRequest, viewer: User, connection_id: int) -> HttpResponse:
    """A removed connection's page, for the links made before it went (a nudge read, an
    e-mail): `410 Gone` with what happened instead of a bare not-found. The one who removed
    it reads that they did, and when either may ask again; the other reads that it ended,
    not who ended it (a removal is not announced). Not found for anyone else's."""
    removal = selectors.removal_of_connection(viewer, connection_id)
    if removal is None:
        raise NotFound("No such connection.")
    other_id = removal.pair_high if removal.pair_low == viewer.pk else removal.pair_low
    context = {
        "other": User.objects.filter(pk=other_id).first(),
        "removal": removal,
        "removed_by_viewer": removal.removed_by_id == viewer.pk,
        "reinvite_from": removal.at + REINVITE_AFTER,
    }
    return render(request, "engagement/connection_ended.html", context, status=410)


@login_required
@require_POST
def connection_rest_view(request: HttpRequest, connection_id: int) -> HttpResponse:
    viewer = member_for_request(request)
    resting = request.POST.get("resting", "1") == "1"
    services.connection_rest(member=viewer, connection_id=connection_id, resting=resting)
    messages.success(
        request,
        "Resting: no more nudges or check-ins from you on this one. It stays a connection."
        if resting
        else "Welcome back: check-ins resume at this tie's cadence.",
    )
    return redirect("connection_detail", connection_id=connection_id)


@login_required
@require_POST
def connection_remove_view(request: HttpRequest, connection_id: int) -> HttpResponse:
    """ "Remove connection", after the page's confirmation step; back to the list. From HTMX
    the browser is sent there too (`HX-Redirect`), so the removed page is not swapped in."""
    viewer = member_for_request(request)
    tie = selectors.access_tie_by_connection_id(viewer, connection_id)
    removals.connection_remove(member=viewer, connection_id=connection_id)
    again = date_format(timezone.localtime() + REINVITE_AFTER, "j F Y")
    messages.success(
        request,
        f"Removed {tie.other.name} from your connections. They are not told; either of you "
        f"can send a new request from {again}.",
    )
    if is_htmx(request):
        return HttpResponseClientRedirect(reverse("connections_list"))
    return redirect("connections_list")


@login_required
def notifications_view(request: HttpRequest) -> HttpResponse:
    """What is waiting on the member, newest first and grouped by their local day; `?unread=1`
    only the unread. Each opens the place to act (`notification_open_view`, which reads it)."""
    viewer = member_for_request(request)
    only_unread = request.GET.get("unread") == "1"
    rows = notifications.notifications_for(viewer, unread=True if only_unread else None)
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    context = {"page": page, "days": pages.by_day(page), "only_unread": only_unread}
    return render(request, "engagement/notifications.html", context)


@login_required
def notifications_bell_view(request: HttpRequest) -> HttpResponse:
    """The header's bell alone, for HTMX to swap in every few seconds."""
    unread = notifications.unread_count(member_for_request(request))
    context = {"unread": unread, "bell_url": reverse("notifications")}
    return render(request, "engagement/_bell.html", context)


@login_required
@require_POST
def notifications_read_view(request: HttpRequest) -> HttpResponse:
    """Mark one notification read (`id`), or all of them."""
    viewer = member_for_request(request)
    chosen = request.POST.get("id", "")
    ids = [int(chosen)] if chosen.isdigit() else None
    notifications.notification_mark_read(member=viewer, notification_ids=ids)
    unread_only = "?unread=1" if request.POST.get("unread") == "1" else ""
    return redirect(reverse("notifications") + unread_only)


@login_required
def notification_open_view(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Follow a notification to where to act on it, and count it read."""
    viewer = member_for_request(request)
    notification = access_notification_by_id(viewer, notification_id)
    notifications.notification_mark_read(member=viewer, notification_ids=[notification.pk])
    return redirect(notification.url or "notifications")


@login_required
@require_POST
def notifications_preferences_view(request: HttpRequest) -> HttpResponse:
    """Save how the member hears of each kind (the form is on the boundaries page)."""
    form = DeliveryPreferencesForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose one of the four deliveries for every kind.")
    else:
        with refusal_to_message(request):
            delivery.notification_preferences_set(
                member=member_for_request(request), choices=form.cleaned_data.items()
            )
            messages.success(request, "Your notification settings are saved.")
    return redirect(reverse("boundaries") + "#notifications")


@csrf_exempt
@require_http_methods(["GET", "POST"])
def notifications_unsubscribe_view(request: HttpRequest, token: str) -> HttpResponse:
    """The link in every notification e-mail, signed out: GET asks to confirm, POST stops
    e-mail for the link's kinds. Mail clients POST `List-Unsubscribe=One-Click` (RFC 8058)
    without cookies or a CSRF token; the signed token is the authority."""
    try:
        if request.method == "POST":
            unsubscribe = delivery.notification_unsubscribe(token=token)
        else:
            unsubscribe = delivery.unsubscribe_read(token)
    except MutualsError as error:
        status = 410 if error.code == "unsubscribe_link_expired" else 400
        return render(request, "engagement/unsubscribe.html", {"error": error}, status=status)
    labels = [kind.label.split(":")[0].lower() for kind in unsubscribe.kinds]
    context = {"unsubscribe": unsubscribe, "labels": labels, "done": request.method == "POST"}
    return render(request, "engagement/unsubscribe.html", context)


# --- Collaborations ----------------------------------------------------------------------------


@login_required
def collaborations_view(request: HttpRequest) -> HttpResponse:
    viewer = member_for_request(request)
    page = Paginator(selectors.collaborations_for(viewer), COLLABORATIONS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    hidden = blocked_ids(viewer.pk)
    rows = [pages.collaboration_row(c, viewer, hidden) for c in page]
    waiting = [r for r in rows if r["my_state"] == "invited" and r["open"]]
    context = {"page": page, "waiting": waiting, "rows": [r for r in rows if r not in waiting]}
    return render(request, "engagement/collaborations.html", context)


@login_required
def collaboration_detail_view(request: HttpRequest, collaboration_id: int) -> HttpResponse:
    viewer = member_for_request(request)
    access_collaboration_by_id(viewer, collaboration_id)
    collaboration = selectors.collaborations_for(viewer).get(pk=collaboration_id)
    row = pages.collaboration_row(collaboration, viewer, blocked_ids(viewer.pk))
    return render(request, "engagement/collaboration_detail.html", row)


# The answers on a collaboration (POST /api/collaborations/{id}/<answer>) and what each
# says; urls.py serves each at collaborations/<id>/<answer>/, named collaborations_<answer>.
COLLABORATION_ANSWERS = {
    "confirm": (collaborations.collaboration_confirm, "Confirmed. It now shows on your profile."),
    "decline": (collaborations.collaboration_decline, "Declined. The proposer has been told."),
    "complete": (
        collaborations.collaboration_complete,
        "Marked completed. Well done, all of you.",
    ),
    "withdraw": (
        collaborations.collaboration_withdraw,
        "Withdrawn. Those you invited have been told.",
    ),
}


@login_required
@require_POST
def collaborations_answer_view(
    request: HttpRequest, collaboration_id: int, answer: str
) -> HttpResponse:
    service, done = COLLABORATION_ANSWERS[answer]
    with refusal_to_message(request):
        service(member=member_for_request(request), collaboration_id=collaboration_id)
        messages.success(request, done)
    return redirect("collaboration_detail", collaboration_id=collaboration_id)
