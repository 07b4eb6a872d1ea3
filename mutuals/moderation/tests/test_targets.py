"""What a moderator reads beside a report (`targets.context_for_moderator`): each kind of
item as it stands now, with its words and where it is, and a line saying it is gone once it
is deleted."""

from __future__ import annotations

import pytest

from mutuals.connections.models import Invitation
from mutuals.feed.models import Comment, Post
from mutuals.introductions.models import Introduction
from mutuals.mentorship.models import Mentorship
from mutuals.messaging.models import Message
from mutuals.moderation import services
from mutuals.moderation.targets import context_for_moderator
from mutuals.moderation.tests.factories import ITEMS

pytestmark = pytest.mark.django_db

# kind → (model, the field of the words shown, the title's start and end, the title once gone)
EXPECTED = {
    "message": (Message, "text", "A message from Ben Carter in a conversation", "", "message"),
    "post": (Post, "body", "A post by Ben Carter (", ")", "post"),
    "comment": (Comment, "body", "A comment by Ben Carter on Ana Ferreira's post", "", "comment"),
    "invitation": (Invitation, "message", "A request to connect from ", " (reported)", "request"),
    "mentorship": (Mentorship, "note", "A mentorship request from ", " (requested)", "request"),
    "introduction": (
        Introduction,
        "message",
        "Sam Okafor asked Kwame Asante for an introduction to Thandi Mokoena",
        " (waiting for the introducer)",
        "request",
    ),
}


@pytest.mark.parametrize("kind", sorted(EXPECTED))
def test_a_moderator_reads_the_item_as_it_is_now_or_that_it_is_gone(kind: str) -> None:
    model, words, starts, ends, gone = EXPECTED[kind]
    item = ITEMS[kind]()
    report = services.report_create(
        reporter=item.reporter, kind=kind, target_id=item.id, reason="spam"
    )
    context = context_for_moderator(report)
    assert (context.kind, context.exists, context.hidden) == (kind, True, False)
    assert context.title.startswith(starts), context.title
    assert context.title.endswith(ends), context.title
    assert item.about.name in context.title
    found = model._default_manager.get(pk=item.id)
    assert context.text == getattr(found, words)
    assert context.text
    found.delete()
    context = context_for_moderator(report)
    assert (context.exists, context.text) == (False, "")
    assert context.title == f"The {gone} was deleted."
