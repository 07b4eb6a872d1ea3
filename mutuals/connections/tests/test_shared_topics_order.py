"""Issue 19: the topics two members share (the composer's and the introduction form's
choices) sort whatever their case."""

from __future__ import annotations

import pytest

from mutuals.accounts.models import Topic
from mutuals.accounts.tests.factories import make_member
from mutuals.connections.selectors import shared_topics

pytestmark = pytest.mark.django_db


def test_shared_topics_sort_whatever_their_case():
    topics = ["risk management", "Agile", "Budgeting"]
    ada = make_member(name="Ada Obi", profile={"topics": topics})
    ben = make_member(name="Ben Cho", profile={"topics": topics})
    Topic.objects.filter(slug="risk-management").update(name="risk management")
    Topic.objects.filter(slug="agile").update(name="agile")
    assert [name for _, name in shared_topics(ada.pk, ben.pk)] == [
        "agile",
        "Budgeting",
        "risk management",
    ]
