"""What apps above accounts register with it: a missing or doubled rule fails loudly."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q

from mutuals.accounts import providers


def test_without_a_block_rule_access_refuses_to_guess(monkeypatch):
    """Nobody hidden would show a blocked member: with no rule registered, asking fails."""
    monkeypatch.setattr(providers, "_block_rule", [])
    with pytest.raises(ImproperlyConfigured, match="block rule"):
        providers.blocked_ids(1)
    with pytest.raises(ImproperlyConfigured, match="block rule"):
        providers.is_blocked_between(1, 2)
    with pytest.raises(ImproperlyConfigured, match="block rule"):
        providers.not_blocked_with(1)


def test_a_second_different_rule_is_refused_and_the_same_one_again_is_harmless(monkeypatch):
    monkeypatch.setattr(providers, "_block_rule", [])
    rule = providers.BlockRule(
        blocked_ids=lambda member: {7},
        is_blocked_between=lambda a, b: True,
        not_blocked_with=lambda member, field: Q(),
    )
    providers.block_rule_register(rule)
    providers.block_rule_register(rule)
    assert providers.blocked_ids(1) == {7}
    other = providers.BlockRule(
        blocked_ids=lambda member: set(),
        is_blocked_between=lambda a, b: False,
        not_blocked_with=lambda member, field: Q(),
    )
    with pytest.raises(ImproperlyConfigured, match="Two apps"):
        providers.block_rule_register(other)
    assert providers.is_blocked_between(1, 2) is True


def test_without_a_source_of_degrees_asking_fails(monkeypatch):
    monkeypatch.setattr(providers, "_proximity", [])
    with pytest.raises(ImproperlyConfigured, match="degrees of separation"):
        providers.proximity_for(1, [2])
