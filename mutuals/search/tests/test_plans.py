"""How a search's statements find their candidates, where the choice changes the work and
never the results (issue 19's p99 at 100,000 members and 1,000,000 posts): a common word's
posts are walked for newest first instead of gathered from the whole index."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mutuals.accounts.models import User
from mutuals.accounts.tests.factories import make_member
from mutuals.connections.services import block_create
from mutuals.core.search_terms import terms_parse
from mutuals.feed.models import Post, Visibility
from mutuals.feed.tests.factories import connect, make_post
from mutuals.search import engines, selectors
from mutuals.search.engines import Kind, Shares

pytestmark = pytest.mark.django_db

postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's statistics and plans"
)


# --- The estimate ------------------------------------------------------------------------------


def test_a_words_share_is_its_own_a_prefixs_the_sum_of_its_lexemes_an_unlisted_words_none():
    shares = Shares(("freight", "freighter", "fresh", "risk"), (0.30, 0.05, 0.10, 0.02))
    assert shares.of("freight", prefix=False) == 0.30
    assert shares.of("fre", prefix=True) == pytest.approx(0.45)
    assert shares.of("freighte", prefix=True) == 0.05
    assert Shares(("ma", "mar", "may"), (0.7, 0.5, 0.2)).of("ma", prefix=True) == 1.0  # at most
    assert shares.of("fre", prefix=False) == 0.0  # whole: no lexeme "fre"
    assert shares.of("quokka", prefix=True) == 0.0
    assert shares.of("zz", prefix=True) == 0.0
    assert Shares().of("freight", prefix=False) == 0.0


@postgresql
def test_postgresqls_statistics_give_each_words_share_of_the_posts(monkeypatch):
    """Read from `pg_stats` (what `ANALYZE` keeps of a `tsvector` column), words taken as
    independent; accents are folded as the configuration folds them."""
    monkeypatch.setattr(engines, "_shares", {})
    author = make_member(name="Author")
    for n in range(40):
        make_post(author, f"Freight note {n}" + (" about the café" if n % 4 == 0 else ""))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE feed_post")
    share = engines.engine().share
    assert share(Kind.POSTS, terms_parse("freight")) == pytest.approx(1.0, abs=0.01)
    assert share(Kind.POSTS, terms_parse("cafe")) == pytest.approx(0.25, abs=0.03)
    assert share(Kind.POSTS, terms_parse("CAFÉ")) == share(Kind.POSTS, terms_parse("cafe"))
    assert share(Kind.POSTS, terms_parse("freight caf")) == pytest.approx(0.25, abs=0.03)
    assert share(Kind.POSTS, terms_parse("freight ca")) == 0.0  # two letters: whole, not a prefix
    assert share(Kind.POSTS, terms_parse("quokka")) == 0.0


def test_without_statistics_every_word_counts_as_rare(monkeypatch):
    """Before the table was first analyzed (and always on SQLite): the index's plan."""
    monkeypatch.setattr(engines, "_shares", {})
    make_post(make_member(name="Author"), "Freight note")
    assert engines.engine().share(Kind.POSTS, terms_parse("freight")) == 0.0


# --- Posts: the walk ---------------------------------------------------------------------------


def _community(viewer: User) -> None:
    friend, stranger, blocked, gone = (make_member(name=n) for n in ("Fay", "Stan", "Bo", "Gus"))
    connect(viewer, friend)
    for n in range(6):
        make_post(friend, f"Freight for friends {n}", visibility=Visibility.CONNECTIONS)
        make_post(stranger, f"Freight, strangers' friends {n}", visibility=Visibility.CONNECTIONS)
        make_post(stranger, f"Freight for everyone {n}" + " freight" * (n % 3))
        make_post(blocked, f"Freight from someone blocked {n}")
        make_post(gone, f"Freight from a closed account {n}")
        make_post(viewer, f"Freight, my own {n}", visibility=Visibility.CONNECTIONS)
    hidden = make_post(stranger, "Freight, hidden")
    Post.objects.filter(pk=hidden.pk).update(hidden_at=hidden.created_at)
    block_create(blocker=blocked, blocked=viewer)
    User.objects.filter(pk=gone.pk).update(is_active=False)


def test_the_walk_finds_the_same_candidates_as_the_index_for_every_viewer_and_page(monkeypatch):
    """The walk is a plan, not a rule: the same statement with the text asked of each row
    instead of the index's matches gives the same rows in the same order (the visibility
    rule, the window, the ranking, each page)."""
    monkeypatch.setattr(selectors, "_compiled", selectors._compiled.fresh())
    viewer = make_member(name="Sam Viewer")
    _community(viewer)
    newest = Post.objects.order_by("-pk").values_list("pk", flat=True)[0]
    viewers = list(User.objects.all())
    for window in (None, newest - 20):
        for start, stop in ((0, 3), (2, 5), (0, 40)):
            for member in viewers:
                for text in ("freight", "freight fri", "everyone fr", "quokka"):
                    texts = engines.engine().texts(Kind.POSTS, terms_parse(text))
                    values = {"viewer_id": member.pk, "match": texts.match, "exact": texts.exact}
                    if window is not None:
                        values["newer_than"] = window
                    found = {}
                    for walk in (False, True):
                        shape = selectors._Shape(
                            Kind.POSTS, window is not None, False, False, start, stop, walk=walk
                        )
                        found[walk] = [row.pk for row in selectors._rows(shape, values)]
                    assert found[True] == found[False], (member.name, text, window, start)


@postgresql
def test_a_common_word_walks_the_newest_posts_and_a_rare_word_asks_the_index(monkeypatch):
    """At 1,000,000 posts a word in a third of them made PostgreSQL gather 80,000-180,000
    matches from the GIN index and sort them for the newest 500 (the p99 of issue 19); read
    newest first, about 1,500 posts hold them. The plan follows the statistics' estimate;
    the results are the index's."""
    monkeypatch.setattr(engines, "_shares", {})
    monkeypatch.setattr(selectors, "_newest", {})
    monkeypatch.setattr(selectors, "WINDOWS", {Kind.POSTS: (30,)})
    monkeypatch.setattr(selectors, "MIN_CANDIDATES", 2)
    viewer = make_member(name="Sam Viewer")
    _community(viewer)
    make_post(make_member(name="Rare"), "A rare word: quokka")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE feed_post")

    def sent(text: str, **options: object) -> tuple[list[str], list[int], str | None]:
        with CaptureQueriesContext(connection) as captured:
            found = selectors.posts_search(viewer, terms_parse(text), **options)  # type: ignore[arg-type]
        statements = [q["sql"] for q in captured if "LIMIT 500" in q["sql"]]
        return statements, [p.pk for p in found.items], found.next

    statements, walked, walked_next = sent("freight", limit=4)
    assert len(statements) == 1
    assert "ts_match_vq" in statements[0]
    assert "@@" not in statements[0]
    statements, rare, _ = sent("quokka")
    assert statements
    assert all("ts_match_vq" not in sql for sql in statements)
    assert len(rare) == 1

    monkeypatch.setitem(selectors.WALK_SHARE, Kind.POSTS, 2.0)  # never walk: the index's answer
    statements, indexed, indexed_next = sent("freight", limit=4)
    assert "ts_match_vq" not in statements[0]
    assert (walked, walked_next) == (indexed, indexed_next)
    assert (
        sent("freight", limit=4, cursor=indexed_next)[1:]
        == sent("freight", limit=4, cursor=walked_next)[1:]
    )


@postgresql
def test_the_vectors_statistics_keep_ten_thousand_lexemes():
    """With PostgreSQL's default (1,000 lexemes) at 100,000 members the list stopped at
    lexemes in 0.66 % of documents: no first name was in it, and "jo" (7 % of documents)
    counted as rare, a bitmap over all 7,095 matches with each one's visibility checked."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attrelid::regclass::text, attstattarget FROM pg_attribute "
            "WHERE attname = 'search_vector' AND attrelid IN "
            "('feed_post'::regclass, 'search_memberdocument'::regclass) ORDER BY 1"
        )
        assert cursor.fetchall() == [("feed_post", 1000), ("search_memberdocument", 1000)]


# --- Members: matches first, then who may see them --------------------------------------------


def test_members_candidates_are_matching_documents_whose_member_the_viewer_may_see(monkeypatch):
    """Read from the documents, each matching one's member asked the visibility rule by a
    scalar subquery: only matches are asked (a walk stops at the 500th visible), where the
    members' rule asked every member read, matching or not, before the match."""
    monkeypatch.setattr(selectors, "_compiled", selectors._compiled.fresh())
    viewer = make_member(name="Sam Viewer")
    seen = make_member(name="Jo Seen")
    blocked = make_member(name="Jo Blocked")
    block_create(blocker=blocked, blocked=viewer)
    with CaptureQueriesContext(connection) as captured:
        found = selectors.members_search(viewer, terms_parse("jo"))
    assert [m.pk for m in found.items] == [seen.pk]
    (sql,) = [q["sql"] for q in captured if "LIMIT 500" in q["sql"]]
    candidates = sql.split("ANY(ARRAY(" if connection.vendor == "postgresql" else " IN (", 1)[1]
    assert candidates.startswith('SELECT "W0"."member_id"'), candidates[:80]
    assert 'FROM "search_memberdocument" "W0"' in candidates
