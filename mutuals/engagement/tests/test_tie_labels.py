"""Issue 19, "labels contradict each other": a tie's tier and state are one explained
judgement (docs/relationship-strength.md "Tiers and states"). Both members see the same state
of their shared tie; a tie resting or silent for months is never "close", however small the
member's network."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from mutuals.accounts.models import User
from mutuals.accounts.tests.clients import web_client_for
from mutuals.accounts.tests.factories import make_member
from mutuals.connections.services import connection_open
from mutuals.engagement.models import Tie, TieState
from mutuals.engagement.services import connection_rest, interaction_record
from mutuals.engagement.ties import ties_recompute

pytestmark = pytest.mark.django_db


def _exchange(first: User, second: User, at: datetime, key: str) -> None:
    interaction_record(actor=first, counterpart=second, kind="message", at=at, source_key=key)
    interaction_record(
        actor=second,
        counterpart=first,
        kind="reply",
        at=at + timedelta(hours=1),
        source_key=f"{key}r",
    )


def _states(first: User, second: User) -> tuple[str, str]:
    return (
        Tie.objects.get(member=first, other=second).state,
        Tie.objects.get(member=second, other=first).state,
    )


def test_a_new_tie_reads_the_same_for_both_before_and_after_one_side_is_measured():
    """It read "Engaged" for the member whose ties had been recomputed and "Warm" (the
    column's default) for the other."""
    ada, ben = make_member(name="Ada Obi"), make_member(name="Ben Cho")
    connection_open(member=ada, other=ben)
    assert _states(ada, ben) == (TieState.ENGAGED, TieState.ENGAGED)
    ties_recompute(member_id=ada.pk)
    assert _states(ada, ben) == (TieState.ENGAGED, TieState.ENGAGED)


def test_both_sides_read_the_state_against_the_pair_s_closer_tier():
    """Ada's one relationship is Ben: her inner circle. Ben has fifteen stronger ones, so Ada is
    further out in his ranks. Ten days after their last exchange a check-in on Ada's 14-day
    cadence is near: both see "warm", not "warm" for her and "engaged" for him."""
    now = timezone.now()
    ada, ben = make_member(name="Ada Obi"), make_member(name="Ben Cho")
    connection_open(member=ada, other=ben, at=now - timedelta(days=730))
    for month in range(24):
        _exchange(ada, ben, now - timedelta(days=10 + 30 * month), f"ab{month}")
    for index in range(15):
        friend = make_member(name=f"Friend {index}")
        connection_open(member=ben, other=friend, at=now - timedelta(days=2))
        for day in range(2):
            _exchange(ben, friend, now - timedelta(days=day, hours=2), f"bf{index}-{day}")
    ties_recompute(member_id=ada.pk, now=now)
    ties_recompute(member_id=ben.pk, now=now)
    hers = Tie.objects.get(member=ada, other=ben)
    his = Tie.objects.get(member=ben, other=ada)
    assert (hers.tier, his.tier) == ("inner", "active")
    assert (hers.state, his.state) == (TieState.WARM, TieState.WARM)


def _small_network_with_a_quiet_tie(now: datetime, *, quiet_days: int) -> tuple[User, User]:
    """Sam has fifteen relationships (rank alone makes every one inner or close); with Thandi
    they used to talk every month, and have been silent for `quiet_days`."""
    sam, thandi = make_member(name="Sam Okafor"), make_member(name="Thandi Nkosi")
    connection_open(member=sam, other=thandi, at=now - timedelta(days=700))
    for month in range(12):
        _exchange(sam, thandi, now - timedelta(days=quiet_days + 30 * month), f"st{month}")
    for index in range(14):
        friend = make_member(name=f"Friend {index}")
        connection_open(member=sam, other=friend, at=now - timedelta(days=60))
        _exchange(sam, friend, now - timedelta(days=3 + index), f"sf{index}")
    return sam, thandi


def test_a_tie_silent_for_seven_months_is_not_close_in_a_small_network():
    now = timezone.now()
    sam, thandi = _small_network_with_a_quiet_tie(now, quiet_days=210)
    ties_recompute(member_id=sam.pk, now=now)
    tie = Tie.objects.get(member=sam, other=thandi)
    assert tie.tier not in ("inner", "close")
    assert tie.state in (TieState.FADING, TieState.STAGNANT)


def test_a_resting_tie_takes_no_place_among_the_close(django_capture_on_commit_callbacks):
    """Resting and silent: it asks for no keep-warm cadence, so no tier that has one. Resting
    and waking recompute the member's ties once committed."""
    now = timezone.now()
    sam, thandi = _small_network_with_a_quiet_tie(now, quiet_days=20)
    ties_recompute(member_id=sam.pk, now=now)
    tie = Tie.objects.get(member=sam, other=thandi)
    assert tie.tier in ("inner", "close")
    with django_capture_on_commit_callbacks(execute=True):
        connection_rest(member=sam, connection_id=tie.connection_id)
    tie.refresh_from_db()
    assert (tie.tier, tie.state) == ("acquaintance", TieState.RESTING)
    # Woken, it is ranked again and its state is the model's (it was set to "warm"), the same
    # as Thandi's.
    with django_capture_on_commit_callbacks(execute=True):
        connection_rest(member=sam, connection_id=tie.connection_id, resting=False)
    tie.refresh_from_db()
    assert tie.tier in ("inner", "close")
    ties_recompute(member_id=thandi.pk, now=timezone.now())
    mine, theirs = _states(sam, thandi)
    assert mine == theirs != TieState.RESTING


def test_the_connection_page_explains_closeness_and_state_together():
    ada, ben = make_member(name="Ada Obi"), make_member(name="Ben Cho")
    connection = connection_open(member=ada, other=ben)
    response = web_client_for(ada).get(f"/connections/{connection.pk}/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Acquaintance: not yet a two-way relationship in touch." in text
    assert "Engaged for both of you: read against a check-in every 365 days" in text
