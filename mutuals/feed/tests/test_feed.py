"""The ranked feed: what it includes, in what order, why, and a cursor that neither repeats
nor skips while people keep posting."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from mutuals.accounts.models import User
from mutuals.accounts.tests.factories import make_member
from mutuals.core.errors import MutualsError
from mutuals.core.pagination import InvalidCursor, encode_cursor
from mutuals.feed import ranking
from mutuals.feed.selectors import FEED_WINDOW, feed_page
from mutuals.feed.tests.factories import backdate, connect, make_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def viewer() -> User:
    return make_member(name="Sam Okafor", profile={"topics": ["Product management"]})


def test_connections_and_followed_topics_make_the_feed_with_reasons(viewer: User) -> None:
    ana = make_member(name="Ana Souza")
    ben = make_member(name="Ben Carter")
    stranger = make_member(name="Cleo Park")
    connect(viewer, ana, strength=0.9, tier="inner")
    connect(viewer, ben, strength=0.2, tier="active")
    inner = make_post(ana, "Inner circle insight")
    active = make_post(ben, "Connection insight")
    on_topic = make_post(stranger, "On product management", topics=["Product management"])
    off_topic = make_post(stranger, "Gardening tips", topics=["Gardening"])
    mine = make_post(viewer, "My own note")
    page = feed_page(viewer, limit=20)
    reasons = {item.post.pk: item.reasons for item in page.items}
    assert off_topic.pk not in reasons
    assert reasons[inner.pk] == ["Ana is in your inner circle"]
    assert reasons[active.pk] == ["You're connected to Ben"]
    assert reasons[on_topic.pk] == ["You follow #product-management"]
    assert reasons[mine.pk] == ["Your post"]


def test_a_stronger_tie_ranks_above_a_weaker_one_of_the_same_age(viewer: User) -> None:
    close = make_member(name="Ana Souza")
    distant = make_member(name="Ben Carter")
    connect(viewer, close, strength=0.8, tier="close")
    connect(viewer, distant, strength=0.1, tier="wider")
    at = timezone.now() - timedelta(hours=5)
    weak = make_post(distant, "From the wider circle")
    strong = make_post(close, "From a close connection")
    backdate(weak, at)
    backdate(strong, at)
    order = [item.post.pk for item in feed_page(viewer).items]
    assert order.index(strong.pk) < order.index(weak.pk)
    assert feed_page(viewer).items[0].reasons == ["Ana is one of your close connections"]


def test_recency_outweighs_a_small_strength_gap(viewer: User) -> None:
    a = make_member(name="Ana Souza")
    b = make_member(name="Ben Carter")
    connect(viewer, a, strength=0.3)
    connect(viewer, b, strength=0.25)
    old = make_post(a, "Last week")
    backdate(old, timezone.now() - timedelta(days=7))
    new = make_post(b, "This morning")
    assert [i.post.pk for i in feed_page(viewer).items] == [new.pk, old.pk]


def test_connections_only_posts_of_strangers_stay_out_even_on_followed_topics(viewer: User) -> None:
    stranger = make_member(name="Cleo Park")
    make_post(stranger, "Members only", topics=["Product management"], visibility="connections")
    assert feed_page(viewer).items == []


def test_posts_older_than_the_window_are_left_out(viewer: User) -> None:
    friend = make_member(name="Ana Souza")
    connect(viewer, friend)
    old = make_post(friend)
    backdate(old, timezone.now() - FEED_WINDOW - timedelta(hours=1))
    assert feed_page(viewer).items == []


def test_the_cursor_neither_repeats_nor_skips_while_people_post(viewer: User) -> None:
    friends = [make_member(name=f"Friend {n}") for n in range(4)]
    for n, friend in enumerate(friends):
        connect(viewer, friend, strength=0.1 + 0.2 * n)
    now = timezone.now()
    posts = []
    for n in range(23):
        post = make_post(
            friends[n % 4], f"Post number {n}", topics=["Product management"] if n % 3 == 0 else []
        )
        backdate(post, now - timedelta(hours=n * 7))
        posts.append(post.pk)
    seen: list[int] = []
    page = feed_page(viewer, limit=5, now=now)
    seen += [i.post.pk for i in page.items]
    scores = [i.score for i in page.items]
    while page.next:
        make_post(friends[0], "Posted while scrolling")  # newer than the reference time
        page = feed_page(viewer, cursor=page.next, limit=5)
        seen += [i.post.pk for i in page.items]
        scores += [i.score for i in page.items]
    assert sorted(seen) == sorted(posts)
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize(
    "cursor",
    [
        "not-a-cursor",
        encode_cursor(["yesterday", 1.0, 3]),
        encode_cursor(["2026-01-01T00:00:00", 1.0, 3]),
        encode_cursor(["2026-01-01T00:00:00+00:00", "x", 3]),
    ],
)
def test_a_bad_cursor_is_refused(viewer: User, cursor: str) -> None:
    with pytest.raises(InvalidCursor):
        feed_page(viewer, cursor=cursor)


def test_the_limit_is_bounded(viewer: User) -> None:
    with pytest.raises(MutualsError):
        feed_page(viewer, limit=0)


def test_a_quiet_feed_is_filled_with_community_posts(viewer: User) -> None:
    someone = make_member(name="Cleo Park")
    post = make_post(someone, "Hello community")
    [item] = feed_page(viewer).items
    assert item.post.pk == post.pk
    assert item.reasons == ["New in the community"]


@given(
    age=st.floats(min_value=0, max_value=24 * 60),
    strength=st.floats(min_value=0.01, max_value=1),
    extra=st.floats(min_value=0.001, max_value=0.5),
)
def test_score_grows_with_strength_and_falls_with_age(
    age: float, strength: float, extra: float
) -> None:
    now = timezone.now()

    def candidate(hours: float, s: float) -> ranking.Candidate:
        return ranking.Candidate(1, 2, now - timedelta(hours=hours), s, "active", False, ())

    assert ranking.score(candidate(age, min(1.0, strength + extra)), now) >= ranking.score(
        candidate(age, strength), now
    )
    assert ranking.score(candidate(age + 1, strength), now) <= ranking.score(
        candidate(age, strength), now
    )
