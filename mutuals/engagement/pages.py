"""What the connections and collaborations pages show, assembled from selectors."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from itertools import groupby
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone

from mutuals.accounts.models import User
from mutuals.engagement import delivery, selectors
from mutuals.engagement.forms import DeliveryPreferencesForm
from mutuals.engagement.models import Collaboration, Notification, ObligationKind, Tie, TieState
from mutuals.strength import model as strength

OBLIGATION_LABELS = dict(ObligationKind.choices)


def day_label(day: date, today: date) -> str:
    """ "Today", "Yesterday" or the weekday and date, both days in the viewer's zone. (Django's
    `naturalday` filter compares with the server's date, so a Toronto evening read "Yesterday"
    once UTC had passed midnight.)"""
    if day == today:
        return "Today"
    if day == today - timedelta(days=1):
        return "Yesterday"
    return f"{day:%A} {day.day} {day:%B}"


def by_day(notifications: Iterable[Notification]) -> list[tuple[str, list[Notification]]]:
    """Notifications (newest first) grouped by the viewer's local day, newest day first, each
    day labelled against the viewer's own today."""
    today = timezone.localdate()
    return [
        (day_label(day, today), list(rows))
        for day, rows in groupby(notifications, key=lambda n: timezone.localdate(n.created_at))
    ]


_TIER_READING = {
    "inner": "among the five you are most in touch with",
    "close": "among the fifteen you are most in touch with",
    "active": "among the fifty you are most in touch with",
    "wider": "among the hundred and fifty you are most in touch with",
}


def tie_reading(tie: Tie) -> str:
    """One sentence that explains the tie's closeness and state together, with the pair's
    cadence the state is read against (docs/relationship-strength.md "Tiers and states")."""
    if tie.state == TieState.RESTING:
        return "Resting: you chose to let this one rest, so it asks for no check-ins."
    if tie.tier == strength.TIER_ACQUAINTANCE:
        closeness = "Acquaintance: not yet a two-way relationship in touch"
    else:
        closeness = f"{tie.tier.capitalize()}: {_TIER_READING[tie.tier]}"
    their_tier = (
        Tie.objects.filter(connection_id=tie.connection_id)
        .exclude(member_id=tie.member_id)
        .values_list("tier", flat=True)
        .first()
    )
    cadence = strength.CADENCE_DAYS[strength.closer_tier(tie.tier, their_tier or tie.tier)]
    return (
        f"{closeness}. {tie.state.capitalize()} for both of you: read against a check-in "
        f"every {cadence} days, the closer of your two cadences."
    )


def pact_items(viewer: User, tie: Tie, connection_id: int) -> list[dict[str, Any]]:
    """The connection's pact as the viewer reads it: what, who owes it, when, how it went."""
    now = timezone.now()
    return [
        {
            "label": OBLIGATION_LABELS[o.kind],
            "who": "You both"
            if o.party_id is None
            else "You"
            if o.party_id == viewer.pk
            else tie.other.get_short_name(),
            "due_at": o.due_at,
            "fulfilled_at": o.fulfilled_at,
            "status": o.status(now),
        }
        for o in selectors.pact_of([connection_id])[connection_id]
    ]


def collaboration_row(
    collaboration: Collaboration, viewer: User, hidden: set[int]
) -> dict[str, Any]:
    """One collaboration as the viewer sees it: the seats they may see (not `hidden`, the
    members a block hides), their own answer, and whether it is still open."""
    seats = [s for s in collaboration.seats if s.member_id not in hidden]  # type: ignore[attr-defined]
    mine = next(s for s in collaboration.seats if s.member_id == viewer.pk)  # type: ignore[attr-defined]
    return {
        "collaboration": collaboration,
        "seats": seats,
        "others": [s for s in seats if s.member_id != viewer.pk],
        "my_state": mine.state,
        "is_proposer": collaboration.proposer_id == viewer.pk,
        "open": collaboration.is_open,
    }


def delivery_section(request: HttpRequest, member: User) -> str:
    """The boundaries page's part on notifications: how the member hears of each kind
    (registered with `accounts.providers` in `EngagementConfig.ready`)."""
    form = DeliveryPreferencesForm(initial=DeliveryPreferencesForm.initial_for(member.pk))
    context = {"form": form, "digest_hour": delivery.DIGEST_HOUR}
    return render_to_string("engagement/_delivery_preferences.html", context, request=request)
