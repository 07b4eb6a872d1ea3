"""Issue 19: topics sort case-insensitively ("a new topic keeps its lower case and sorts after
its capitalised neighbours"), everywhere lists of topics are shown, and topics stored in lower
case before new ones were capitalised get their capital from the migration."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from mutuals.accounts.models import Topic

pytestmark = pytest.mark.django_db


def test_topics_sort_whatever_their_case():
    for name in ("Zoning", "agile delivery", "Budgeting", "éclairage", "Agile"):
        Topic.objects.create(slug=name.lower().replace(" ", "-"), name=name)
    names = list(Topic.objects.values_list("name", flat=True))
    assert names[:4] == ["Agile", "agile delivery", "Budgeting", "Zoning"]


@pytest.mark.django_db(transaction=True)
def test_the_migration_capitalises_topics_stored_in_lower_case():
    executor = MigrationExecutor(connection)
    before = [("accounts", "0003_boundaries_time_zone")]
    after = [("accounts", "0004_topic_case_insensitive_order")]
    executor.migrate(before)
    old_topic = executor.loader.project_state(before).apps.get_model("accounts", "Topic")
    old_topic.objects.create(slug="stakeholder-management", name="stakeholder management")
    old_topic.objects.create(slug="ios-delivery", name="iOS delivery")
    old_topic.objects.create(slug="pmo", name="PMO")
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert dict(Topic.objects.values_list("slug", "name")) == {
        "stakeholder-management": "Stakeholder management",
        "ios-delivery": "iOS delivery",
        "pmo": "PMO",
    }
