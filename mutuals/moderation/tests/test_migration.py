"""The feed's post reports become moderation reports (moderation 0002, then feed 0004 drops
`PostReport`): each keeps its reporter, reason, note, status and times, gains the post's
author as the reported member and the post's words as its excerpt, and still counts as the
reporter's one open report of that post."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("feed", "0003_post_topic_ids"), ("moderation", "0001_reports_actions_suspensions")]
AFTER = [("feed", "0004_comment_hidden_reports_to_moderation")]


@pytest.fixture(autouse=True)
def _latest_schema_after():
    """Leave the database at the latest migration of every app, as the next test expects:
    stepping back to BEFORE unapplies what came after it in moderation (0003 and on), which
    migrating to AFTER does not bring back."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_post_reports_move_to_the_one_report_model():
    old = _migrate(BEFORE)
    User = old.get_model("accounts", "User")
    Post = old.get_model("feed", "Post")
    PostReport = old.get_model("feed", "PostReport")
    author = User.objects.create(email="ben@example.com", name="Ben Carter")
    reporter = User.objects.create(email="ana@example.com", name="Ana Ferreira")
    moderator = User.objects.create(email="mo@example.com", name="Mo Derator")
    now = timezone.now()
    post = Post.objects.create(author=author, kind="insight", body="Buy my course", created_at=now)
    PostReport.objects.create(
        post=post, reporter=reporter, reason="spam", note="Ads", created_at=now
    )
    PostReport.objects.create(
        post=post,
        reporter=moderator,
        reason="off_topic",
        status="dismissed",
        created_at=now,
        resolved_at=now,
        resolved_by=moderator,
    )
    new = _migrate(AFTER)
    Report = new.get_model("moderation", "Report")
    rows = {r.reporter_id: r for r in Report.objects.all()}
    assert set(rows) == {reporter.pk, moderator.pk}
    open_one = rows[reporter.pk]
    assert (open_one.target_kind, open_one.target_id, open_one.reported_id) == (
        "post",
        post.pk,
        author.pk,
    )
    assert (open_one.reason, open_one.note, open_one.status) == ("spam", "Ads", "open")
    assert open_one.excerpt == "Buy my course"
    assert open_one.resolved_at is None
    closed = rows[moderator.pk]
    assert (closed.status, closed.resolved_by_id) == ("dismissed", moderator.pk)
    assert "feed.postreport" not in {m._meta.label_lower for m in new.get_models()}
