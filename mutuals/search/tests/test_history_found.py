"""A member is found by where they worked and studied (issue 19: members are searched by
"name, headline, company, topics, experience"), and the document follows their edits."""

from __future__ import annotations

import pytest

from mutuals.accounts.history import history_add, history_remove
from mutuals.accounts.tests.factories import make_member
from mutuals.core.search_terms import terms_parse
from mutuals.search.selectors import MemberFilters, members_search

pytestmark = pytest.mark.django_db


def _found(viewer, q: str) -> list[int]:
    return [m.pk for m in members_search(viewer, terms_parse(q), MemberFilters()).items]


def test_experience_and_education_find_a_member_and_follow_edits():
    viewer = make_member(name="Vera Viewer")
    ana = make_member(name="Ana Ferreira")
    entry = history_add(
        user=ana, kind="experience", organisation="Kestrel Rail", role="Signals lead",
        start="2019-04",
    )  # fmt: skip
    history_add(user=ana, kind="education", school="Universidade do Porto", degree="MSc")
    assert _found(viewer, "kestrel") == [ana.pk]
    assert _found(viewer, "porto") == [ana.pk]
    history_remove(user=ana, kind="experience", entry_id=entry.pk)
    assert _found(viewer, "kestrel") == []
