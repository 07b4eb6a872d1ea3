"""The demo chapter's feed: every kind of post, conversations with replies, reactions and
reshares, the same after a second run."""

from __future__ import annotations

import pytest

from mutuals.accounts.models import User
from mutuals.engagement.models import Interaction
from mutuals.feed.models import Comment, Post, Reaction
from mutuals.feed.selectors import feed_page
from mutuals.site.demo import demo_seed
from mutuals.site.demo_cast import DEMO_EMAIL_DOMAIN, DEMO_LOGIN_KEY

pytestmark = pytest.mark.django_db


def test_the_demo_feed_is_rich_and_reseeding_adds_nothing() -> None:
    demo_seed()
    counts = (Post.objects.count(), Comment.objects.count(), Reaction.objects.count())
    kinds = set(Post.objects.values_list("kind", flat=True))
    assert {"insight", "question", "opportunity", "reshare"} <= kinds
    assert counts[0] >= 30
    assert Comment.objects.filter(parent__isnull=False).count() >= 5
    assert counts[2] >= 20
    assert Interaction.objects.filter(source_key__startswith="feed:").exists()
    demo_seed()
    assert (Post.objects.count(), Comment.objects.count(), Reaction.objects.count()) == counts
    login = User.objects.get(email=f"{DEMO_LOGIN_KEY}@{DEMO_EMAIL_DOMAIN}")
    page = feed_page(login)
    assert len(page.items) >= 10
    reasons = [reason for item in page.items for reason in item.reasons]
    assert any("inner circle" in r or "close connections" in r for r in reasons)
    assert any(r.startswith("You follow #") for r in reasons)
