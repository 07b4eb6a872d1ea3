"""The health dashboard's counts in one statement (`selectors.health_counts`, issue 20) count
what each rule counts on its own: give and take, the follow-through (`follow_through_rate`),
the acceptance sample (`invitations.acceptance_counts`) and the confirmed collaborations."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.models import Q
from django.utils import timezone

from mutuals.accounts.models import Boundaries
from mutuals.accounts.tests.factories import make_member
from mutuals.connections.invitations import ACCEPTANCE_SAMPLE, acceptance_counts
from mutuals.connections.models import InvitationState
from mutuals.connections.services import connection_open
from mutuals.connections.tests.factories import invitation_row
from mutuals.engagement.models import (
    Collaboration,
    CollaborationState,
    Collaborator,
    CollaboratorState,
    Interaction,
    Obligation,
)
from mutuals.engagement.selectors import follow_through_rate, health_counts

pytestmark = pytest.mark.django_db


def _interaction(actor, counterpart, key: str) -> None:
    Interaction.objects.create(
        actor=actor,
        counterpart=counterpart,
        kind="message",
        weight=1,
        at=timezone.now(),
        source_key=key,
    )


def _collaboration(member, other, state: str, seat: str) -> None:
    now = timezone.now()
    collaboration = Collaboration.objects.create(
        title=f"{state} {seat}",
        proposer=other,
        origin="conversation",
        state=state,
        created_at=now,
        started_at=now,
    )
    answered = None if seat == CollaboratorState.INVITED else now
    Collaborator.objects.create(
        collaboration=collaboration,
        member=member,
        state=seat,
        invited_at=now,
        responded_at=answered,
    )
    Collaborator.objects.create(
        collaboration=collaboration,
        member=other,
        state=CollaboratorState.CONFIRMED,
        invited_at=now,
        responded_at=now,
    )


def test_each_count_is_what_its_own_rule_counts():
    ana, ben, kofi = (make_member(name=n) for n in ("Ana Ferreira", "Ben Carter", "Kofi Mensah"))
    Boundaries.objects.filter(user=ana).update(time_zone="Africa/Accra")
    now = timezone.now()
    for index in range(3):
        _interaction(ana, ben, f"given:{index}")
    _interaction(kofi, ana, "received")
    _interaction(ben, kofi, "neither")  # between two others: not Ana's

    # Ana's pact items: of the four, two met on time, one late, one missed.
    theirs = [
        connection_open(member=ana, other=other, at=now - timedelta(days=30))
        for other in (ben, kofi)
    ]
    pact = Obligation.objects.filter(connection__in=theirs)
    pact.update(due_at=now + timedelta(days=5))
    # Ana's own and the pair's: Ben's and Kofi's own hellos are theirs alone.
    items = list(pact.filter(Q(party=ana) | Q(party__isnull=True)).order_by("id"))
    assert len(items) == 4
    due = now - timedelta(days=2)
    pact.exclude(pk__in=[item.pk for item in items]).update(due_at=due)
    for item, fulfilled in zip(
        items, [due - timedelta(hours=1), due, due + timedelta(hours=3), None], strict=True
    ):
        Obligation.objects.filter(pk=item.pk).update(due_at=due, fulfilled_at=fulfilled)

    # More decided requests than the sample: only the newest 20 count, 10 of them accepted.
    for index in range(ACCEPTANCE_SAMPLE + 5):
        state = InvitationState.ACCEPTED if index % 2 == 0 else InvitationState.DECLINED
        asked = make_member(name=f"Asked {index}")
        invitation_row(ana, asked, state=state, at=now - timedelta(minutes=index))
    invitation_row(ana, make_member(name="Still waiting"))  # pending
    invitation_row(ben, ana, state=InvitationState.ACCEPTED)  # Ben's, not Ana's

    _collaboration(ana, ben, CollaborationState.ACTIVE, CollaboratorState.CONFIRMED)
    _collaboration(ana, kofi, CollaborationState.COMPLETED, CollaboratorState.CONFIRMED)
    _collaboration(ana, kofi, CollaborationState.COMPLETED, CollaboratorState.CONFIRMED)
    _collaboration(ana, ben, CollaborationState.ACTIVE, CollaboratorState.INVITED)  # unanswered
    _collaboration(ben, kofi, CollaborationState.ACTIVE, CollaboratorState.CONFIRMED)  # others'

    counts = health_counts(ana, now)
    assert counts.time_zone == "Africa/Accra"
    assert (counts.given, counts.received) == (3, 1)
    assert (counts.pact_due, counts.pact_on_time) == (4, 2)
    assert counts.follow_through_rate == follow_through_rate(ana, now) == 0.5
    assert (counts.requests_accepted, counts.requests_decided) == acceptance_counts(ana)
    assert (counts.requests_accepted, counts.requests_decided) == (10, ACCEPTANCE_SAMPLE)
    assert (counts.collaborations_active, counts.collaborations_completed) == (1, 2)

    # The statement is compiled once; another member's values go in its places.
    newcomer = make_member(name="New Member")
    Boundaries.objects.filter(user=newcomer).delete()
    fresh = health_counts(newcomer, now)
    assert fresh.time_zone is None
    assert fresh.follow_through_rate is None
    assert (fresh.given, fresh.received, fresh.pact_due, fresh.requests_decided) == (0, 0, 0, 0)
    assert (fresh.collaborations_active, fresh.collaborations_completed) == (0, 0)
