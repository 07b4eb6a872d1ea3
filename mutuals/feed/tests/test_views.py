"""Feed pages end to end, with and without HTMX, and their query budgets."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from mutuals.accounts.models import User
from mutuals.accounts.tests.clients import web_client_for
from mutuals.accounts.tests.factories import make_member
from mutuals.events.models import Attendance, Event
from mutuals.feed import services
from mutuals.feed.models import Comment, Post, Reaction
from mutuals.feed.tests.factories import connect, make_post

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


@pytest.fixture
def ben(member: User) -> User:
    ben = make_member(name="Ben Carter", profile={"headline": "PMO lead at Kestrel"})
    connect(member, ben, strength=0.9, tier="inner")
    return ben


def test_the_feed_page_shows_posts_and_why(web_client: Client, member: User, ben: User) -> None:
    make_post(ben, "Shipping small beats shipping big.", topics=["Delivery"])
    page = web_client.get("/feed/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Shipping small beats shipping big." in html
    assert "Ben is in your inner circle" in html
    assert "#delivery" in html
    assert "You are all caught up" in html


def test_load_more_with_and_without_htmx(web_client: Client, member: User, ben: User) -> None:
    now = timezone.now()
    for n in range(20):
        post = make_post(ben, f"Note number {n:02d}")
        Post.objects.filter(pk=post.pk).update(created_at=now - timedelta(hours=n))
    first = web_client.get("/feed/").content.decode()
    assert "Note number 00" in first
    assert "Note number 19" not in first
    cursor = first.split("?cursor=")[1].split('"')[0]
    more = web_client.get(f"/feed/?cursor={cursor}", headers=HTMX)
    fragment = more.content.decode()
    assert "Note number 19" in fragment
    assert "Note number 00" not in fragment
    assert "<html" not in fragment
    full = web_client.get(f"/feed/?cursor={cursor}").content.decode()
    assert "<html" in full
    assert "Back to the top of your feed" in full
    assert web_client.get("/feed/?cursor=broken").status_code == 302


def test_feed_and_post_pages_have_query_budgets(
    web_client: Client, member: User, ben: User, django_assert_max_num_queries: Any
) -> None:
    others = [make_member(name=f"Member {n}") for n in range(6)]
    for n, other in enumerate(others):
        connect(member, other)
        post = make_post(other, f"Post {n}", topics=["Delivery", "Risk"])
        services.reshare_create(member=ben, post_id=post.pk, commentary=f"Look at post {n}")
        services.reaction_set(member=member, post_id=post.pk, kind="like")
    target = make_post(ben, "A post with a conversation")
    for n, other in enumerate(others):
        top = services.comment_create(author=other, post_id=target.pk, body=f"Comment {n}")
        services.comment_create(author=ben, post_id=target.pk, body="Thanks", parent_id=top.pk)
    # 16, and one for the version of the code of conduct in force, which a signed-in page
    # reads (accounts.middleware.ConductInterstitialMiddleware) from the cache, cold here.
    with django_assert_max_num_queries(17):
        assert web_client.get("/feed/").status_code == 200
    with django_assert_max_num_queries(14):
        assert web_client.get(f"/feed/posts/{target.pk}/").status_code == 200


def test_the_post_page_shows_comments_replies_and_reactions(
    web_client: Client, member: User, ben: User
) -> None:
    post = make_post(ben, "How do you run retros?", kind="question")
    top = services.comment_create(author=member, post_id=post.pk, body="Start with data.")
    services.comment_create(author=ben, post_id=post.pk, body="Good idea", parent_id=top.pk)
    services.reaction_set(member=member, post_id=post.pk, kind="insightful")
    html = web_client.get(f"/feed/posts/{post.pk}/").content.decode()
    assert "Comments (2)" in html
    assert "Start with data." in html
    assert "Good idea" in html
    assert "💡 1 insightful" in html
    assert 'aria-pressed="true">💡 Insightful' in html
    stranger_post = make_post(make_member(name="Cleo"), visibility="connections")
    assert web_client.get(f"/feed/posts/{stranger_post.pk}/").status_code == 404


def test_commenting_with_and_without_htmx(web_client: Client, member: User, ben: User) -> None:
    post = make_post(ben)
    plain = web_client.post(f"/feed/posts/{post.pk}/comments/", {"body": "Plain comment"})
    comment = Comment.objects.get()
    assert plain.status_code == 302
    assert plain["Location"] == f"/feed/posts/{post.pk}/#comment-{comment.pk}"
    swapped = web_client.post(
        f"/feed/posts/{post.pk}/comments/", {"body": "A reply", "parent": comment.pk}, headers=HTMX
    )
    html = swapped.content.decode()
    assert 'id="comments"' in html
    assert "A reply" in html
    assert "Comments (2)" in html
    # The post card's count above the list is swapped out of band with it.
    assert f'id="comment-count-{post.pk}"' in html
    assert 'hx-swap-oob="true">💬 2 comments</a>' in html
    reply = Comment.objects.get(body="A reply")
    deep = web_client.post(
        f"/feed/posts/{post.pk}/comments/", {"body": "Deeper", "parent": reply.pk}, headers=HTMX
    )
    assert "Replies go one level deep" in deep.content.decode()
    empty = web_client.post(f"/feed/posts/{post.pk}/comments/", {"body": "  "})
    assert empty.status_code == 422
    assert "Write something" in empty.content.decode()


def test_reacting_toggles_with_and_without_htmx(
    web_client: Client, member: User, ben: User
) -> None:
    post = make_post(ben)
    swapped = web_client.post(f"/feed/posts/{post.pk}/react/", {"kind": "support"}, headers=HTMX)
    assert 'aria-pressed="true">🤝 Support' in swapped.content.decode()
    assert "1 reaction" in swapped.content.decode()
    again = web_client.post(f"/feed/posts/{post.pk}/react/", {"kind": "support"}, headers=HTMX)
    assert "0 reactions" in again.content.decode()
    assert not Reaction.objects.exists()
    plain = web_client.post(f"/feed/posts/{post.pk}/react/", {"kind": "like", "next": "/feed/"})
    assert plain["Location"] == "/feed/"
    evil = web_client.post(
        f"/feed/posts/{post.pk}/react/", {"kind": "like", "next": "https://evil.example/"}
    )
    assert evil["Location"] == f"/feed/posts/{post.pk}/"


def test_writing_posts_of_each_kind(web_client: Client, member: User) -> None:
    form = web_client.get("/feed/new/?kind=question").content.decode()
    assert 'value="question" checked' in form
    done = web_client.post(
        "/feed/new/",
        {
            "kind": "opportunity",
            "body": "We need a Scrum coach",
            "opportunity_kind": "project",
            "company": "Acme Rail",
            "referrals_welcome": "on",
            "topics": "Agile, Coaching",
            "visibility": "community",
        },
    )
    post = Post.objects.get()
    assert done["Location"] == f"/feed/posts/{post.pk}/"
    assert (post.opportunity_kind, post.company, post.referrals_welcome) == (
        "project",
        "Acme Rail",
        True,
    )
    page = web_client.get(done["Location"]).content.decode()
    assert "Referrals welcome" in page
    refused = web_client.post(
        "/feed/new/", {"kind": "opportunity", "body": "Vague", "visibility": "community"}
    )
    assert "Say whether it is a job" in refused.content.decode()


def test_an_event_recap_is_prefilled_from_the_event(web_client: Client, member: User) -> None:
    now = timezone.now()
    event = Event.objects.create(
        organizer=make_member(name="Org"),
        title="Spring PMO forum",
        starts_at=now - timedelta(days=1),
        ends_at=now - timedelta(hours=20),
        place="Hall",
        checkin_code="ZX1234",
    )
    Attendance.objects.create(
        event=event, member=member, status="going", queued_at=now, checked_in_at=now, updated_at=now
    )
    form = web_client.get(f"/feed/new/?kind=event_recap&event={event.pk}").content.decode()
    assert 'value="event_recap" checked' in form
    assert f'<option value="{event.pk}" selected>Spring PMO forum' in form
    done = web_client.post(
        "/feed/new/",
        {
            "kind": "event_recap",
            "body": "Three takeaways",
            "event": event.pk,
            "visibility": "community",
        },
    )
    assert Post.objects.get().event_id == event.pk
    assert "Recap of" in web_client.get(done["Location"]).content.decode()


def test_edit_delete_reshare_and_report_pages(web_client: Client, member: User, ben: User) -> None:
    mine = make_post(member, "Original words")
    assert (
        web_client.post(
            f"/feed/posts/{mine.pk}/edit/",
            {"body": "Better words", "topics": "", "visibility": "connections"},
        ).status_code
        == 302
    )
    mine.refresh_from_db()
    assert (mine.body, mine.visibility) == ("Better words", "connections")
    theirs = make_post(ben, "Ben's thoughts")
    assert web_client.get(f"/feed/posts/{theirs.pk}/edit/").status_code == 404
    reshared = web_client.post(
        f"/feed/posts/{theirs.pk}/reshare/",
        {"commentary": "Worth reading", "visibility": "community"},
    )
    reshare = Post.objects.get(kind="reshare")
    assert reshared["Location"] == f"/feed/posts/{reshare.pk}/"
    assert "Ben&#x27;s thoughts" in web_client.get(reshared["Location"]).content.decode()
    private = make_post(ben, "Connections only", visibility="connections")
    assert (
        "cannot be reshared"
        in web_client.get(f"/feed/posts/{private.pk}/reshare/").content.decode()
    )
    assert web_client.post(f"/feed/posts/{mine.pk}/delete/")["Location"] == "/feed/"
    assert not Post.objects.filter(pk=mine.pk).exists()


def test_topics_contributions_and_mention_search(
    web_client: Client, member: User, ben: User
) -> None:
    make_post(make_member(name="Cleo Park"), topics=["Risk management"])
    topics = web_client.get("/feed/topics/").content.decode()
    assert "#risk-management" in topics
    web_client.post("/feed/topics/risk-management/follow/", {"action": "follow"})
    assert "Following ✓" in web_client.get("/feed/topics/").content.decode()
    services.comment_create(author=member, post_id=make_post(ben).pk, body="Nice")
    contributions = web_client.get("/feed/contributions/").content.decode()
    assert '<th scope="row">Comments</th><td>1</td><td>0</td>' in contributions
    found = web_client.get("/feed/mentions/?q=be").json()["items"]
    assert found[0] == {
        "id": ben.pk,
        "name": "Ben Carter",
        "token": f"@[Ben Carter]({ben.pk})",
        "connected": True,
    }
    assert web_client.get("/feed/mentions/?q=").json() == {"items": []}


def test_pages_need_sign_in() -> None:
    assert Client().get("/feed/")["Location"].startswith("/accounts/login/")


def test_the_author_sees_their_hidden_post_marked_hidden(member: User, ben: User) -> None:
    post = make_post(ben)
    services.post_set_hidden(post_id=post.pk, hidden=True)
    assert web_client_for(member).get(f"/feed/posts/{post.pk}/").status_code == 404
    assert (
        "A moderator hid this post"
        in web_client_for(ben).get(f"/feed/posts/{post.pk}/").content.decode()
    )


def test_a_hidden_comment_disappears_for_everyone_but_its_author(member: User, ben: User) -> None:
    post = make_post(member)
    comment = services.comment_create(author=ben, post_id=post.pk, body="Buy my course today")
    services.comment_set_hidden(comment_id=comment.pk, hidden=True)
    assert (
        "Buy my course"
        not in web_client_for(member).get(f"/feed/posts/{post.pk}/").content.decode()
    )
    own = web_client_for(ben).get(f"/feed/posts/{post.pk}/").content.decode()
    assert "Buy my course" in own
    assert "A moderator hid this comment" in own
    services.comment_set_hidden(comment_id=comment.pk, hidden=False)
    assert "Buy my course" in web_client_for(member).get(f"/feed/posts/{post.pk}/").content.decode()


def test_mention_search_never_crosses_a_block(web_client: Client, member: User, ben: User) -> None:
    from mutuals.connections.services import block_create

    blocked = make_member(name="Bella Blocked")
    stranger = make_member(name="Bea Stranger")
    block_create(blocker=blocked, blocked=member)
    names = [item["name"] for item in web_client.get("/feed/mentions/?q=be").json()["items"]]
    assert names == ["Ben Carter", "Bea Stranger"]  # connections first, then others
    assert stranger.pk


def test_an_opportunity_reads_as_in_the_composer_and_delete_sits_in_its_card(
    web_client: Client, member: User
) -> None:
    """Issue 19: the composer says "Opportunity" and the badge said only "Job"; "Delete this
    post" sat under the card, apart from the post it deletes."""
    post = make_post(member, kind="opportunity", opportunity_kind="job", company="Kestrel")
    html = web_client.get(f"/feed/posts/{post.pk}/").content.decode()
    assert '<span class="post-kind kind-opportunity">Opportunity · Job</span>' in html
    card = html[html.index(f'id="post-{post.pk}"') : html.index("</article>")]
    assert "Delete this post" in card
    assert html.count("Delete this post</button>") == 1
    # Not on the feed, where the card is one of many.
    assert "Delete this post" not in web_client.get("/feed/").content.decode()
