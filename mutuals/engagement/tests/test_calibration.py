"""The platform calibrates the strength model on its own history (issue 15): the sweep fits it
weekly on members' ledgers, every tie recompute uses the latest, and a change makes every tie
computed before it stale, so strengths stay comparable across members."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from mutuals.accounts.models import User
from mutuals.accounts.tests.factories import make_member
from mutuals.connections.services import connection_create
from mutuals.engagement import ties as ties_module
from mutuals.engagement.models import Interaction, StrengthCalibration, Tie
from mutuals.engagement.ties import (
    current_calibration,
    strength_calibrate,
    ties_recompute,
    ties_refresh_stale,
)
from mutuals.strength import model as strength

pytestmark = pytest.mark.django_db


def _bursty_platform(now: datetime) -> User:
    """One member with 80 connections: 40 steady for a year who went quiet one to four months
    ago, and 40 light but current. On such a history recency predicts the next month and
    volume does not: the fit moves away from the defaults."""
    rng = random.Random(3)
    hub = make_member(name="Hana Hub")
    rows = []
    for index in range(80):
        other = make_member(name=f"Peer {index:02d}")
        connection_create(member=hub, other=other, at=now - timedelta(days=500))
        if index < 40:
            day, stop, step = 400.0, rng.uniform(35, 120), 8.0
        else:
            day, stop, step = 200.0 - rng.uniform(0, 5), 0.0, 15.0
        while day > stop:
            mine = rng.random() < 0.5
            rows.append(
                Interaction(
                    actor=hub if mine else other,
                    counterpart=other if mine else hub,
                    kind="message",
                    weight=1.0,
                    at=now - timedelta(days=day),
                    source_key=f"calibration:{index}:{day:.3f}",
                )
            )
            day -= step
    Interaction.objects.bulk_create(rows)
    return hub


def test_the_fit_is_stored_and_every_recompute_uses_it():
    now = timezone.now()
    hub = _bursty_platform(now)
    ties_recompute(member_id=hub.pk, now=now)
    with_defaults = dict(Tie.objects.filter(member=hub).values_list("other_id", "strength"))

    assert strength_calibrate(now=now) is True
    stored = StrengthCalibration.objects.get()
    assert stored.changed is True
    assert (stored.w_recency, stored.half_life_days) == (0.75, 30.0)
    assert stored.members_sampled >= 1
    assert stored.ties_used >= 80
    assert current_calibration() == strength.Calibration(0.75, 0.0, 30.0)

    ties_recompute(member_id=hub.pk, now=now)
    calibrated = dict(Tie.objects.filter(member=hub).values_list("other_id", "strength"))
    quiet = [o for o, s in with_defaults.items() if s > calibrated[o]]
    assert len(quiet) >= 35, "the calibration reads silence harder for the ties that stopped"


def test_a_second_fit_within_the_week_does_nothing_and_an_unchanged_one_only_stamps():
    now = timezone.now()
    _bursty_platform(now)
    strength_calibrate(now=now)
    assert strength_calibrate(now=now + timedelta(days=1)) is False
    assert StrengthCalibration.objects.count() == 1
    assert StrengthCalibration.objects.get().checked_at == now

    # Forced again with no new interaction since, the fit finds the same values: no new row.
    confirmed = now + timedelta(minutes=1)
    assert strength_calibrate(now=confirmed, force=True) is False
    assert StrengthCalibration.objects.count() == 1
    assert StrengthCalibration.objects.get().checked_at == confirmed


def test_a_changed_calibration_makes_ties_computed_before_it_stale():
    now = timezone.now()
    hub = _bursty_platform(now)
    ties_recompute(member_id=hub.pk, now=now - timedelta(hours=1))
    # An hour old: not stale by age (a day) ...
    assert ties_refresh_stale(now=now) == 0
    strength_calibrate(now=now)
    # ... but computed with the calibration that was just replaced.
    assert ties_refresh_stale(now=now) == 1
    assert ties_refresh_stale(now=now) == 0  # idempotent


def test_a_platform_too_small_to_fit_records_the_defaults_without_staling_anything():
    now = timezone.now()
    ada, ben = make_member(name="Ada Obi"), make_member(name="Ben Cho")
    connection_create(member=ada, other=ben, at=now - timedelta(days=30))
    ties_recompute(member_id=ada.pk, now=now - timedelta(hours=1))
    assert strength_calibrate(now=now) is False
    stored = StrengthCalibration.objects.get()
    assert stored.changed is False
    assert current_calibration() == strength.DEFAULT_CALIBRATION
    assert ties_refresh_stale(now=now) == 0
    assert strength_calibrate(now=now + timedelta(hours=2)) is False  # within the week
    assert StrengthCalibration.objects.count() == 1


def test_the_sample_is_bounded(monkeypatch):
    now = timezone.now()
    _bursty_platform(now)
    monkeypatch.setattr(ties_module, "CALIBRATION_MAX_MEMBERS", 10)
    for member in User.objects.all()[:30]:
        ties_recompute(member_id=member.pk, now=now)
    strength_calibrate(now=now, force=True)
    assert StrengthCalibration.objects.order_by("-adopted_at")[0].members_sampled <= 10
