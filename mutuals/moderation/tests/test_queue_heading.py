"""The queue names what was reported as a moderator would say it, for each kind of target:
the member themself, or the item and whose it is (not "Member by Ben Carter")."""

from __future__ import annotations

import pytest

from mutuals.accounts.tests.clients import web_client_for
from mutuals.moderation.models import Report
from mutuals.moderation.services import report_create
from mutuals.moderation.tests.factories import ITEMS, make_moderator

pytestmark = pytest.mark.django_db

HEADINGS = {
    "member": "Member: Ben Carter",
    "post": "Post by Ben Carter",
    "comment": "Comment by Ben Carter",
    "message": "Message from Ben Carter",
}


@pytest.mark.parametrize("kind", sorted(HEADINGS))
def test_the_queue_heading_reads_right_for_each_kind(kind):
    item = ITEMS[kind]()
    report = report_create(reporter=item.reporter, kind=kind, target_id=item.id, reason="spam")
    assert report.heading == HEADINGS[kind]
    page = web_client_for(make_moderator()).get("/moderation/").content.decode()
    assert f"<strong>{HEADINGS[kind]}</strong>" in page
    assert "Member by" not in page


@pytest.mark.parametrize(
    ("kind", "heading"),
    [
        ("invitation", "Request to connect from Sam Okafor"),
        ("mentorship", "Mentorship request from "),
        ("introduction", "Introduction request from Sam"),
    ],
)
def test_requests_are_from_their_sender(kind, heading):
    item = ITEMS[kind]()
    report = Report(reported=item.about, target_kind=kind, target_id=item.id, reason="spam")
    assert report.heading.startswith(heading)
    assert report.heading.endswith(item.about.name)


def test_a_report_whose_member_is_gone_names_only_the_kind():
    assert Report(reported=None, target_kind="post", target_id=1, reason="spam").heading == "Post"
