"""The feed's rules, through its services: kinds, visibility, blocks, moderation, replies,
reactions, reshares, mentions, reports, topic follows and contributions in the ledger."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from mutuals.accounts.models import User
from mutuals.accounts.tests.factories import make_member
from mutuals.connections.services import block_create
from mutuals.core.errors import NotAllowed, NotFound, Refused
from mutuals.engagement.models import Interaction, Notification
from mutuals.events.models import Attendance, Event
from mutuals.feed import services
from mutuals.feed.access import Audience, access_post_by_id
from mutuals.feed.models import Post, Reaction
from mutuals.feed.selectors import contributions_for, feed_page, followed_topic_ids
from mutuals.feed.tests.factories import connect, make_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def ana() -> User:
    return make_member(name="Ana Souza", profile={"topics": ["Product management"]})


@pytest.fixture
def ben() -> User:
    return make_member(name="Ben Carter")


@pytest.fixture
def cleo() -> User:
    return make_member(name="Cleo Park")


# --- Posts -----------------------------------------------------------------------------------


def test_an_opportunity_names_its_kind_company_and_referrals(ana: User) -> None:
    post = make_post(
        ana,
        "We are hiring a delivery lead in Lisbon.",
        kind="opportunity",
        opportunity_kind="job",
        company=" Kestrel  Rail ",
        referrals_welcome=True,
        topics=["Hiring", "hiring", "Delivery"],
    )
    assert (post.opportunity_kind, post.company, post.referrals_welcome) == (
        "job",
        "Kestrel Rail",
        True,
    )
    assert sorted(t.slug for t in post.topics.all()) == ["delivery", "hiring"]


def test_an_opportunity_without_its_kind_is_refused(ana: User) -> None:
    with pytest.raises(Refused) as caught:
        make_post(ana, "Hiring!", kind="opportunity")
    assert "opportunity_kind" in caught.value.detail["fields"]
    assert not Post.objects.exists()


def test_other_kinds_drop_opportunity_details(ana: User) -> None:
    post = make_post(
        ana, kind="question", opportunity_kind="job", company="X", referrals_welcome=True
    )
    assert (post.opportunity_kind, post.company, post.referrals_welcome) == ("", "", False)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"kind": "reshare"}, "kind"),
        ({"kind": "gossip"}, "kind"),
        ({"body": "   "}, "body"),
        ({"body": "x" * 3001}, "body"),
        ({"topics": [f"topic {n}" for n in range(6)]}, "topics"),
        ({"visibility": "friends"}, "visibility"),
    ],
)
def test_invalid_posts_are_refused_field_by_field(
    ana: User, kwargs: dict[str, object], field: str
) -> None:
    values: dict[str, object] = {"kind": "insight", "body": "A useful note."}
    values.update(kwargs)
    with pytest.raises(Refused) as caught:
        services.post_create(author=ana, **values)  # type: ignore[arg-type]
    assert field in caught.value.detail["fields"]
    assert not Post.objects.exists()


def _event(organizer: User, *, days_ago: int = 2) -> Event:
    now = timezone.now()
    return Event.objects.create(
        organizer=organizer,
        title="Risk workshop",
        starts_at=now - timedelta(days=days_ago),
        ends_at=now - timedelta(days=days_ago) + timedelta(hours=2),
        place="Lakeshore hall",
        checkin_code="ABC123",
    )


def test_an_event_recap_needs_an_event_the_author_attended(ana: User, ben: User) -> None:
    event = _event(ben)
    with pytest.raises(Refused) as caught:
        make_post(ana, "What I learned", kind="event_recap", event_id=event.pk)
    assert caught.value.detail["fields"]["event_id"] == [
        "You can only recap an event you attended."
    ]
    with pytest.raises(Refused):
        make_post(ana, "What I learned", kind="event_recap")
    now = timezone.now()
    Attendance.objects.create(
        event=event, member=ana, status="going", queued_at=now, checked_in_at=now, updated_at=now
    )
    recap = make_post(ana, "What I learned", kind="event_recap", event_id=event.pk)
    assert recap.event_id == event.pk
    # The organizer attended their own event.
    assert make_post(ben, "Thanks all", kind="event_recap", event_id=event.pk).event_id == event.pk


def test_only_the_author_edits_or_deletes(ana: User, ben: User) -> None:
    post = make_post(ana)
    with pytest.raises(NotAllowed) as caught:
        services.post_update(member=ben, post_id=post.pk, body="Mine now")
    assert caught.value.code == "not_post_author"
    with pytest.raises(NotAllowed):
        services.post_delete(member=ben, post_id=post.pk)
    edited = services.post_update(member=ana, post_id=post.pk, body="Edited", topics=["Risk"])
    assert edited.body == "Edited"
    assert edited.edited_at is not None
    assert [t.slug for t in edited.topics.all()] == ["risk"]
    services.post_delete(member=ana, post_id=post.pk)
    assert not Post.objects.exists()


# --- Visibility ------------------------------------------------------------------------------


def test_connections_only_posts_reach_connections_only(ana: User, ben: User, cleo: User) -> None:
    connect(ana, ben)
    post = make_post(ana, visibility="connections")
    assert access_post_by_id(ben, post.pk) == post
    with pytest.raises(NotFound):
        access_post_by_id(cleo, post.pk)
    with pytest.raises(NotFound):
        services.comment_create(author=cleo, post_id=post.pk, body="Hi")
    with pytest.raises(NotFound):
        services.reaction_set(member=cleo, post_id=post.pk, kind="like")


def test_blocked_members_see_nothing_of_each_other(ana: User, ben: User, cleo: User) -> None:
    post = make_post(ana)
    connect(ana, cleo)
    services.comment_create(author=ben, post_id=post.pk, body="Ben's comment")
    services.comment_create(author=cleo, post_id=post.pk, body="Cleo's comment")
    block_create(blocker=ben, blocked=cleo)
    # Ben cannot see Cleo's comment, and Cleo cannot see Ben's, on Ana's post.
    from mutuals.feed.selectors import comments_for

    assert [c.body for c in comments_for(Audience.of(ben), post)] == ["Ben's comment"]
    assert [c.body for c in comments_for(Audience.of(cleo), post)] == ["Cleo's comment"]
    block_create(blocker=ana, blocked=ben)
    with pytest.raises(NotFound):
        access_post_by_id(ben, post.pk)
    assert all(item.post.pk != post.pk for item in feed_page(ben).items)


def test_a_hidden_post_disappears_for_everyone_but_its_author(ana: User, ben: User) -> None:
    connect(ana, ben)
    post = make_post(ana)
    assert services.post_set_hidden(post_id=post.pk, hidden=True)
    assert not services.post_set_hidden(post_id=post.pk, hidden=True)
    with pytest.raises(NotFound):
        access_post_by_id(ben, post.pk)
    assert access_post_by_id(ana, post.pk).hidden_at is not None
    assert [i.post.pk for i in feed_page(ben).items] == []
    assert services.post_set_hidden(post_id=post.pk, hidden=False)
    assert access_post_by_id(ben, post.pk) == post


# --- Comments --------------------------------------------------------------------------------


def test_replies_go_one_level_deep(ana: User, ben: User, cleo: User) -> None:
    post = make_post(ana)
    top = services.comment_create(author=ben, post_id=post.pk, body="First")
    reply = services.comment_create(author=cleo, post_id=post.pk, body="Reply", parent_id=top.pk)
    with pytest.raises(Refused) as caught:
        services.comment_create(author=ana, post_id=post.pk, body="Deeper", parent_id=reply.pk)
    assert caught.value.code == "reply_too_deep"
    assert caught.value.detail["parent_id"] == top.pk
    other = make_post(ben)
    with pytest.raises(NotFound):
        services.comment_create(author=ana, post_id=other.pk, body="Wrong post", parent_id=top.pk)
    post.refresh_from_db()
    assert post.comment_count == 2


def test_the_commenter_or_the_post_author_removes_a_comment(
    ana: User, ben: User, cleo: User
) -> None:
    post = make_post(ana)
    top = services.comment_create(author=ben, post_id=post.pk, body="First")
    services.comment_create(author=cleo, post_id=post.pk, body="Reply", parent_id=top.pk)
    with pytest.raises(NotAllowed):
        services.comment_delete(member=cleo, comment_id=top.pk)
    services.comment_delete(member=ana, comment_id=top.pk)
    post.refresh_from_db()
    assert post.comment_count == 0


# --- Reactions and the ledger ----------------------------------------------------------------


def test_one_reaction_per_member_changeable_and_removable(ana: User, ben: User) -> None:
    connect(ana, ben)
    post = make_post(ana)
    services.reaction_set(member=ben, post_id=post.pk, kind="like")
    services.reaction_set(member=ben, post_id=post.pk, kind="insightful")
    assert list(Reaction.objects.values_list("kind", flat=True)) == ["insightful"]
    post.refresh_from_db()
    assert post.reaction_count == 1
    services.reaction_remove(member=ben, post_id=post.pk)
    services.reaction_remove(member=ben, post_id=post.pk)
    post.refresh_from_db()
    assert post.reaction_count == 0
    assert not Reaction.objects.exists()
    # The ledger keeps the one reaction it counted; reacting again adds nothing.
    services.reaction_set(member=ben, post_id=post.pk, kind="support")
    assert Interaction.objects.filter(kind="reaction", actor=ben, counterpart=ana).count() == 1
    with pytest.raises(Refused):
        services.reaction_set(member=ben, post_id=post.pk, kind="love")


def test_contributions_count_only_between_connected_members(
    ana: User, ben: User, cleo: User
) -> None:
    connect(ana, ben)
    post = make_post(ana)
    services.comment_create(author=ben, post_id=post.pk, body="Useful")
    services.reaction_set(member=ben, post_id=post.pk, kind="like")
    services.reshare_create(member=ben, post_id=post.pk, commentary="Worth a read")
    services.comment_create(author=cleo, post_id=post.pk, body="Stranger's note")
    services.reaction_set(member=cleo, post_id=post.pk, kind="like")
    services.reaction_set(member=ana, post_id=post.pk, kind="like")  # own post: no interaction
    kinds = sorted(Interaction.objects.values_list("kind", "actor_id", "counterpart_id"))
    assert kinds == sorted(
        [("comment", ben.pk, ana.pk), ("reaction", ben.pk, ana.pk), ("reshare", ben.pk, ana.pk)]
    )
    given = contributions_for(ben)
    assert given.given == {"comment": 1, "reaction": 1, "reshare": 1}
    assert contributions_for(ana).received == {"comment": 1, "reaction": 1, "reshare": 1}
    assert contributions_for(cleo).total_given == 0
    assert [(u.pk, n) for u, n in contributions_for(ana).top_received] == [(ben.pk, 3)]


def test_a_reply_counts_with_the_replied_to_commenter_too(ana: User, ben: User, cleo: User) -> None:
    connect(ben, cleo)
    post = make_post(ana)
    top = services.comment_create(author=ben, post_id=post.pk, body="First")
    services.comment_create(author=cleo, post_id=post.pk, body="Agreed", parent_id=top.pk)
    assert list(Interaction.objects.values_list("actor_id", "counterpart_id")) == [
        (cleo.pk, ben.pk)
    ]
    assert Notification.objects.filter(member=ben, kind="comment_reply").count() == 1


# --- Reshares --------------------------------------------------------------------------------


def test_reshares_carry_commentary_and_point_at_the_original(
    ana: User, ben: User, cleo: User
) -> None:
    post = make_post(ana, topics=["Risk"])
    reshare = services.reshare_create(member=ben, post_id=post.pk, commentary="Read this")
    again = services.reshare_create(member=cleo, post_id=reshare.pk, commentary="And this")
    assert again.reshare_of_id == post.pk  # a reshare of a reshare shares the original
    assert [t.slug for t in reshare.topics.all()] == ["risk"]
    post.refresh_from_db()
    assert post.reshare_count == 2
    with pytest.raises(Refused) as caught:
        services.reshare_create(member=ben, post_id=post.pk, commentary="  ")
    assert "commentary" in caught.value.detail["fields"]


def test_a_connections_only_post_cannot_be_reshared(ana: User, ben: User) -> None:
    connect(ana, ben)
    post = make_post(ana, visibility="connections")
    with pytest.raises(Refused) as caught:
        services.reshare_create(member=ben, post_id=post.pk, commentary="Look")
    assert caught.value.code == "cannot_reshare_private"


def test_a_reshare_hides_an_original_the_viewer_may_no_longer_see(
    ana: User, ben: User, cleo: User
) -> None:
    post = make_post(ana)
    reshare = services.reshare_create(member=ben, post_id=post.pk, commentary="Look at this")
    services.post_update(member=ana, post_id=post.pk, visibility="connections")
    from mutuals.feed.selectors import annotate_for_viewer, posts_for_display

    shown = posts_for_display([reshare.pk])[reshare.pk]
    annotate_for_viewer([shown], Audience.of(cleo))
    assert shown.original_visible is False  # type: ignore[attr-defined]
    services.post_delete(member=ana, post_id=post.pk)
    reshare.refresh_from_db()
    assert reshare.reshare_of_id is None
    assert reshare.kind == "reshare"


# --- Mentions --------------------------------------------------------------------------------


def test_mentions_notify_once_including_typed_names(ana: User, ben: User, cleo: User) -> None:
    connect(ana, ben)
    post = make_post(ana, f"Thanks @[Ben Carter]({ben.pk}) and @cleo park for the session.")
    assert Notification.objects.filter(member=ben, kind="mention").count() == 1
    # Cleo is not Ana's connection: a typed name is only resolved among connections.
    assert not Notification.objects.filter(member=cleo).exists()
    connect(ana, cleo)
    services.post_update(
        member=ana, post_id=post.pk, body=post.body.replace("@cleo park", "@Cleo Park")
    )
    post.refresh_from_db()
    assert f"@[Cleo Park]({cleo.pk})" in post.body
    assert Notification.objects.filter(member=cleo, kind="mention").count() == 1
    assert Notification.objects.filter(member=ben, kind="mention").count() == 1  # not again
    notification = Notification.objects.get(member=cleo)
    assert notification.title == "Ana Souza mentioned you in a post"
    assert notification.url == f"/feed/posts/{post.pk}/"


def test_mentions_never_reach_someone_who_cannot_see_the_post(
    ana: User, ben: User, cleo: User
) -> None:
    post = make_post(
        ana, f"Private to connections, @[Cleo Park]({cleo.pk})", visibility="connections"
    )
    assert not Notification.objects.filter(member=cleo).exists()
    block_create(blocker=cleo, blocked=ben)
    open_post = make_post(ana)
    services.comment_create(
        author=ben, post_id=open_post.pk, body=f"@[Cleo Park]({cleo.pk}) what do you think?"
    )
    assert not Notification.objects.filter(member=cleo, kind="mention").exists()
    assert post.pk


def test_a_comment_mention_notifies_with_its_anchor(ana: User, ben: User) -> None:
    post = make_post(ana)
    comment = services.comment_create(
        author=ben, post_id=post.pk, body=f"Agree, @[Ana Souza]({ana.pk})"
    )
    mention = Notification.objects.get(member=ana, kind="mention")
    assert mention.url.endswith(f"#comment-{comment.pk}")
    assert Notification.objects.filter(member=ana, kind="post_comment").count() == 1


# --- Topics ----------------------------------------------------------------------------------


def test_profile_topics_are_followed_until_unfollowed(ana: User) -> None:
    topic_id = ana.profile.topics.get().pk
    assert followed_topic_ids(ana.pk) == {topic_id}
    services.topic_unfollow(member=ana, topic="product-management")
    assert followed_topic_ids(ana.pk) == set()
    assert ana.profile.topics.count() == 1  # the profile keeps it
    make_post(make_member(name="Dee"), topics=["Risk"])
    services.topic_follow(member=ana, topic="Risk")
    services.topic_follow(member=ana, topic="risk")
    assert len(followed_topic_ids(ana.pk)) == 1
    with pytest.raises(NotFound):
        services.topic_follow(member=ana, topic="no-such-topic")
