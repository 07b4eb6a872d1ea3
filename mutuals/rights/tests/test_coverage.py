"""Export completeness (issue 18): every column of every installed model that points at a
member is exported or left out with a reason, and the sections named are in data.json."""

from __future__ import annotations

import json

import pytest
from django.apps import apps
from django.conf import settings

from mutuals.accounts.tests.factories import make_member
from mutuals.rights.coverage import EXPORTED, NOT_EXPORTED
from mutuals.rights.export import member_data


def member_columns() -> set[str]:
    """`app_label.Model.field` of every foreign key or one-to-one to the member model."""
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    return {
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if field.is_relation and field.concrete and field.related_model is user_model
    }


def test_every_column_pointing_at_a_member_is_exported_or_excluded_with_a_reason():
    columns = member_columns()
    forgotten = columns - set(EXPORTED) - set(NOT_EXPORTED)
    assert not forgotten, f"add these to rights/export.py and rights/coverage.py: {forgotten}"
    assert not set(EXPORTED) & set(NOT_EXPORTED)
    assert all(len(reason) > 10 for reason in NOT_EXPORTED.values())
    # No stale entry: each names a column that exists.
    assert set(EXPORTED) | set(NOT_EXPORTED) <= columns


def test_the_check_catches_a_model_nobody_listed(monkeypatch):
    """The test above fails for a column in neither list (here: one taken out of the map)."""
    monkeypatch.delitem(EXPORTED, "feed.Mention.member")
    columns = member_columns()
    assert columns - set(EXPORTED) - set(NOT_EXPORTED) == {"feed.Mention.member"}


def _sections(data: object, prefix: str = "") -> set[str]:
    if not isinstance(data, dict):
        return set()
    names = set()
    for key, value in data.items():
        names.add(key)
        names |= _sections(value, f"{prefix}{key}.")
    return names


@pytest.mark.django_db
def test_every_section_named_is_in_data_json():
    member = make_member()
    data = json.loads(json.dumps(member_data(member), default=str))
    assert set(EXPORTED.values()) <= _sections(data)
