"""`ties_recompute` with the one strength model (issue 15): tiers rank relationships only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from mutuals.accounts.tests.factories import make_member
from mutuals.connections.services import connection_create
from mutuals.engagement.models import Tie
from mutuals.engagement.services import interaction_record
from mutuals.engagement.ties import ties_recompute

pytestmark = pytest.mark.django_db


def test_a_connection_who_never_answers_is_an_acquaintance_whatever_the_volume():
    """Ada wrote to Ben every week for thirty weeks and never had an answer; with Cleo she
    exchanged one message each way. Ben is the tie with the most contact, but no relationship:
    an acquaintance. Cleo is Ada's one relationship, first in her ranks, but one exchange
    40 days ago is not regular contact: not inner (TIER_MIN_STRENGTH), and not an
    acquaintance either."""
    now = timezone.now()
    ada, ben, cleo = (make_member(name=n) for n in ("Ada Obi", "Ben Cho", "Cleo Lund"))
    connection_create(member=ada, other=ben, at=now - timedelta(days=400))
    connection_create(member=ada, other=cleo, at=now - timedelta(days=400))
    for week in range(30):
        at = now - timedelta(days=1 + 7 * week)
        interaction_record(actor=ada, counterpart=ben, kind="message", at=at, source_key=f"b{week}")
    interaction_record(
        actor=ada, counterpart=cleo, kind="message", at=now - timedelta(days=40), source_key="c1"
    )
    interaction_record(
        actor=cleo, counterpart=ada, kind="reply", at=now - timedelta(days=39), source_key="c2"
    )
    ties_recompute(member_id=ada.pk, now=now)
    to_ben = Tie.objects.get(member=ada, other=ben)
    to_cleo = Tie.objects.get(member=ada, other=cleo)
    assert to_ben.strength > to_cleo.strength
    assert to_ben.tier == "acquaintance"
    assert to_cleo.strength < 0.5
    assert to_cleo.tier in ("active", "wider")
