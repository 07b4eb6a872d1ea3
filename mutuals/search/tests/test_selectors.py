"""Search on the database in use (the suite runs on SQLite and PostgreSQL): what is found,
in what order, and what the viewer's rules keep out."""

from __future__ import annotations

import pytest
from django.db import connection

from mutuals.accounts.models import User
from mutuals.accounts.services import profile_update
from mutuals.accounts.tests.factories import make_member
from mutuals.connections.services import block_create
from mutuals.core.errors import Refused
from mutuals.core.pagination import InvalidCursor
from mutuals.core.search_terms import terms_parse
from mutuals.core.tests.compiling import statements_compiled
from mutuals.events.tests.factories import make_event
from mutuals.feed import services as feed_services
from mutuals.feed.access import posts_visible_to
from mutuals.feed.models import Post, Visibility
from mutuals.feed.tests.factories import connect, make_post
from mutuals.messaging.tests.factories import start
from mutuals.search import engines, selectors
from mutuals.search.documents import member_documents_missing
from mutuals.search.engines import Kind
from mutuals.search.models import MemberDocument
from mutuals.search.selectors import (
    MemberFilters,
    events_search,
    excerpt,
    excerpt_text,
    members_search,
    messages_search,
    posts_search,
    search,
)

pytestmark = pytest.mark.django_db


def names(viewer: User, text: str, **filters: str) -> list[str]:
    return [
        m.name for m in members_search(viewer, terms_parse(text), MemberFilters(**filters)).items
    ]


def bodies(viewer: User, text: str) -> list[str]:
    return [p.body for p in posts_search(viewer, terms_parse(text)).items]


@pytest.fixture
def viewer() -> User:
    return make_member(name="Sam Viewer")


# --- Members: what finds them ------------------------------------------------------------------


def test_a_prefix_finds_a_member_as_it_is_typed(viewer):
    make_member(name="Priya Raman")
    make_member(name="Kwame Asante")
    assert names(viewer, "pri") == ["Priya Raman"]
    assert names(viewer, "PRIYA ra") == ["Priya Raman"]
    assert names(viewer, "priya kw") == []  # every word must match


def test_accents_and_case_do_not_matter_either_way(viewer):
    make_member(name="José Núñez")
    make_member(name="Zoe Muller")
    assert names(viewer, "jose nunez") == ["José Núñez"]
    assert names(viewer, "JOSÉ") == ["José Núñez"]
    assert names(viewer, "zoé müller") == ["Zoe Muller"]


def test_headline_company_topics_location_and_bio_find_a_member(viewer):
    make_member(
        name="Ana Ferreira",
        profile={
            "headline": "Procurement lead",
            "company": "Northwind Logistics",
            "topics": ["Supplier risk"],
            "location": "Lisbon",
            "bio": "Twelve years in cold-chain shipping.",
        },
    )
    for text in ("procure", "northwind", "supplier ri", "lisbon", "cold chain"):
        assert names(viewer, text) == ["Ana Ferreira"], text


def test_the_document_follows_every_profile_change(viewer):
    member = make_member(name="Ana Ferreira", profile={"company": "Northwind"})
    profile_update(user=member, company="Contoso", name="Ana Souza")
    assert names(viewer, "contoso") == ["Ana Souza"]
    assert names(viewer, "northwind") == []
    assert names(viewer, "ferreira") == []
    profile_update(user=member, topics=["Fleet electrification"])
    assert names(viewer, "fleet") == ["Ana Souza"]


def test_a_member_made_past_the_services_is_written_by_the_sweep(viewer):
    member = make_member(name="Dana Quiet")
    MemberDocument.objects.filter(member=member).delete()
    assert names(viewer, "dana") == []
    assert member_documents_missing() == 1
    assert names(viewer, "dana") == ["Dana Quiet"]


# --- Members: order ----------------------------------------------------------------------------


def test_a_whole_word_ranks_above_a_prefix_and_a_name_above_a_headline(viewer):
    make_member(name="Marta Analytics-free", profile={"headline": "Ana works with me"})
    make_member(name="Anastasia Berg")
    make_member(name="Ana Ferreira")
    make_member(name="Paul Stone", profile={"headline": "Analyst at Acme"})
    found = names(viewer, "ana")
    assert found[0] == "Ana Ferreira"  # whole word, in the name
    assert found.index("Anastasia Berg") < found.index("Paul Stone")  # name over headline
    assert set(found) == {"Ana Ferreira", "Anastasia Berg", "Paul Stone", "Marta Analytics-free"}


def test_member_filters_narrow_by_topic_and_company(viewer):
    make_member(name="Lee Park", profile={"company": "Acme", "topics": ["Logistics"]})
    make_member(name="Lee Chan", profile={"company": "Globex", "topics": ["Logistics"]})
    make_member(name="Lee Wong", profile={"company": "Acme"})
    assert sorted(names(viewer, "lee", topic="logistics")) == ["Lee Chan", "Lee Park"]
    assert names(viewer, "lee", topic="Logistics", company="acm") == ["Lee Park"]


# --- Members: who is kept out ------------------------------------------------------------------


def test_inactive_members_the_viewer_and_blocks_either_way_are_never_found(viewer):
    gone = make_member(name="Priya Gone")
    User.objects.filter(pk=gone.pk).update(is_active=False)
    blocked = make_member(name="Priya Blocked")
    blocking = make_member(name="Priya Blocking")
    make_member(name="Priya Seen")
    block_create(blocker=viewer, blocked=blocked)
    block_create(blocker=blocking, blocked=viewer)
    profile_update(user=viewer, name="Priya Viewer")
    assert names(viewer, "priya") == ["Priya Seen"]


# --- Posts -------------------------------------------------------------------------------------


def test_posts_follow_the_feeds_visibility_rule(viewer):
    friend, stranger, blocked = (make_member(name=n) for n in ("Fay", "Stan", "Bo"))
    connect(viewer, friend)
    make_post(friend, "Warehouse robotics for friends", visibility=Visibility.CONNECTIONS)
    make_post(stranger, "Warehouse robotics, stranger only", visibility=Visibility.CONNECTIONS)
    make_post(stranger, "Warehouse robotics for everyone")
    hidden = make_post(stranger, "Warehouse robotics, hidden by a moderator")
    Post.objects.filter(pk=hidden.pk).update(hidden_at=hidden.created_at)
    make_post(blocked, "Warehouse robotics from someone blocked")
    block_create(blocker=blocked, blocked=viewer)
    gone = make_member(name="Gone")
    make_post(gone, "Warehouse robotics from a closed account")
    User.objects.filter(pk=gone.pk).update(is_active=False)
    make_post(viewer, "Warehouse robotics, my own", visibility=Visibility.CONNECTIONS)
    assert sorted(bodies(viewer, "warehouse robot")) == [
        "Warehouse robotics for everyone",
        "Warehouse robotics for friends",
        "Warehouse robotics, my own",
    ]


def test_posts_rank_by_relevance_and_follow_edits_and_deletes(viewer):
    author = make_member(name="Author")
    once = make_post(author, "A note on pricing, and much else besides that matters here.")
    twice = make_post(author, "Pricing pricing: why pricing reviews matter.")
    assert bodies(viewer, "pricing") == [twice.body, once.body]
    feed_services.post_update(member=author, post_id=once.pk, body="Now about freight.")
    assert bodies(viewer, "pricing") == [twice.body]
    assert bodies(viewer, "freight") == ["Now about freight."]
    feed_services.post_delete(member=author, post_id=twice.pk)
    assert bodies(viewer, "pricing") == []


# --- Events and messages -----------------------------------------------------------------------


def test_events_by_title_description_place_without_blocked_organizers(viewer):
    event = make_event(title="Cold chain meetup", description="Reefers and routes.", place="Porto")
    other = make_event(title="Routes of cold chain", place="Lyon")
    block_create(blocker=viewer, blocked=other.organizer)
    assert [e.pk for e in events_search(viewer, terms_parse("reefer")).items] == [event.pk]
    assert [e.pk for e in events_search(viewer, terms_parse("porto")).items] == [event.pk]
    assert [e.pk for e in events_search(viewer, terms_parse("cold chain")).items] == [event.pk]


def test_messages_only_from_the_viewers_own_conversations(viewer):
    friend, other, third = (make_member(name=n) for n in ("Fay", "Ola", "Tim"))
    connect(viewer, friend)
    connect(other, third)
    start(viewer, friend, text="The tender deadline moved to Friday")
    start(other, third, text="The tender deadline is secret")
    found = messages_search(viewer, terms_parse("tender dead")).items
    assert [m.text for m in found] == ["The tender deadline moved to Friday"]
    assert messages_search(other, terms_parse("friday")).items == []
    block_create(blocker=friend, blocked=viewer)
    assert messages_search(viewer, terms_parse("tender")).items == []


# --- Hostile input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        '"pri',
        "pri*",
        "pri OR kwame NOT x",
        "NEAR(pri kwame)",
        "^pri",
        "name:pri",
        "pri & !kwame | (",
        "'pri':* <-> kw",
        "pri\x00ya",
        "-pri +priya",
        "{pri}",
    ],
)
def test_query_syntax_is_only_ever_words(viewer, text):
    make_member(name="Priya Raman")
    found = search(viewer, terms_parse(text))
    assert {results.kind for results in found} == set(Kind)
    member_names = [m.name for m in found[0].items]
    assert member_names in ([], ["Priya Raman"])


def test_words_are_capped_and_one_letter_waits_for_more(viewer):
    make_member(name="Priya Raman")
    assert terms_parse("p").words == ()
    assert names(viewer, "p") == []
    assert terms_parse("priya r").words == ("priya",)
    assert len(terms_parse(" ".join(f"w{i}" for i in range(30))).words) == 8


def test_a_very_long_query_is_refused():
    assert terms_parse("x" * 200).words == ("x" * 200,)
    with pytest.raises(Refused) as refused:
        terms_parse("x" * 201)
    assert refused.value.code == "query_too_long"


# --- Pages -------------------------------------------------------------------------------------


def test_a_kind_is_paged_by_cursor_in_rank_order(viewer):
    for n in range(7):
        make_member(name=f"Pat Member{n}")
    first = members_search(viewer, terms_parse("pat"), limit=3)
    second = members_search(viewer, terms_parse("pat"), cursor=first.next, limit=3)
    third = members_search(viewer, terms_parse("pat"), cursor=second.next, limit=3)
    seen = [m.pk for m in first.items + second.items + third.items]
    assert len(seen) == len(set(seen)) == 7
    assert third.next is None
    with pytest.raises(InvalidCursor):
        members_search(viewer, terms_parse("pat"), cursor="bm90IGEgbGlzdA")


def test_excerpt_marks_the_words_found_from_their_start():
    terms = terms_parse("pric jose")
    segments = excerpt("Repricing: José spoke on pricing.", terms)
    assert [text for text, matched in segments if matched] == ["José", "pric"]


def test_an_excerpt_shows_mentions_as_names_never_as_their_markup():
    """A post's @mention is stored as `@[Name](id)`; the search page and the API showed that
    markup in excerpts, and a window could cut a token in half."""
    terms = terms_parse("ana")
    body = (
        "…the risk allowance with @[Ana Ferreira](13) before tender, and @[Kwame Asante](4) agreed."
    )
    text = "".join(segment for segment, _ in excerpt(body, terms))
    assert "@Ana Ferreira" in text
    assert "@Kwame Asante" in text
    assert "](" not in text
    assert "@[" not in text
    assert [segment for segment, matched in excerpt(body, terms) if matched] == ["Ana"]
    assert excerpt_text(body, terms) == text


# --- The SQLite engine's triggers --------------------------------------------------------------


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 triggers")
def test_triggers_dropped_by_a_table_remake_are_put_back(viewer):
    author = make_member(name="Author")
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER search_post_fts_insert")
    make_post(author, "Written while the trigger was gone")
    assert bodies(viewer, "trigger") == []
    assert engines.sqlite_triggers_ensure() == ["search_post_fts"]
    assert bodies(viewer, "trigger") == ["Written while the trigger was gone"]
    make_post(author, "Written after the trigger came back")
    assert len(bodies(viewer, "trigger")) == 2
    assert engines.sqlite_triggers_ensure() == []


def test_on_a_large_table_the_newest_window_is_asked_first(viewer, monkeypatch):
    from mutuals.search import selectors

    monkeypatch.setattr(selectors, "WINDOWS", {Kind.POSTS: (3,)})
    monkeypatch.setattr(selectors, "MIN_CANDIDATES", 2)
    monkeypatch.setattr(selectors, "_newest", {})  # the newest id, read once (then cached)
    author = make_member(name="Author")
    for word in ("zero", "one", "two", "three", "four", "five"):
        make_post(author, f"Freight note {word}")
    make_post(author, "Freight and a rare word: quokka")
    # The newest three rows hold enough matches: the ranking is among them.
    assert sorted(bodies(viewer, "freight")) == [
        "Freight and a rare word: quokka",
        "Freight note five",
        "Freight note four",
    ]
    # Too few matches among the newest: the whole table is asked.
    assert bodies(viewer, "zero") == ["Freight note zero"]


def test_a_window_without_a_match_makes_way_for_the_whole_table_at_once(viewer, monkeypatch):
    """Nothing among the newest rows: the word is rare, so the windows between are skipped
    (each would be one more statement finding too few)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from mutuals.search import selectors

    monkeypatch.setattr(selectors, "WINDOWS", {Kind.POSTS: (3, 6)})
    monkeypatch.setattr(selectors, "MIN_CANDIDATES", 2)
    monkeypatch.setattr(selectors, "_newest", {})
    author = make_member(name="Author")
    make_post(author, "An old note on a quokka")
    for n in range(9):
        make_post(author, f"Freight note {n}")
    selectors._newest_id(Post)  # read once, as a warm process has it
    with CaptureQueriesContext(connection) as captured:
        assert bodies(viewer, "quokka") == ["An old note on a quokka"]
    assert len(captured) == 2  # the newest three, then the whole table
    with CaptureQueriesContext(connection) as captured:
        assert len(bodies(viewer, "freight")) == 3  # enough among the newest three
    assert len(captured) == 1


# --- Statements compiled once (issue 19: the server's CPU per search) -------------------------


def test_later_searches_send_the_statements_compiled_by_the_first(viewer, monkeypatch):
    """Building and compiling the four statements cost the server about 45 ms of CPU per
    search at 100,000 members (docs/benchmarks.md): a search by anyone for any words reuses
    them, only its values change."""
    monkeypatch.setattr(selectors, "_compiled", selectors._compiled.fresh())
    other = make_member(name="Priya Other")
    connect(viewer, make_member(name="Priya Friend"))
    search(viewer, terms_parse("pri"))
    with statements_compiled() as compiled:
        found = search(other, terms_parse("priya fr"))
    assert compiled == []
    assert [m.name for m in found[0].items] == ["Priya Friend"]


def test_compiled_statements_answer_as_the_querysets_they_were_made_from(viewer, monkeypatch):
    """Each viewer's own rules, whoever compiled the statement: blocks either way,
    connections-only posts, a hidden post, an inactive author; each page and filter."""
    monkeypatch.setattr(selectors, "_compiled", selectors._compiled.fresh())
    friend, stranger, blocked = (make_member(name=n) for n in ("Fay Pri", "Stan Pri", "Bo Pri"))
    connect(viewer, friend)
    make_post(friend, "Pricing for friends", visibility=Visibility.CONNECTIONS)
    make_post(stranger, "Pricing, stranger's friends only", visibility=Visibility.CONNECTIONS)
    hidden = make_post(stranger, "Pricing, hidden")
    Post.objects.filter(pk=hidden.pk).update(hidden_at=hidden.created_at)
    make_post(blocked, "Pricing from someone blocked")
    make_post(stranger, "Pricing for everyone")
    block_create(blocker=blocked, blocked=viewer)
    make_event(title="Pricing clinic", organizer=blocked)
    make_event(title="Pricing lab", organizer=friend)
    start(viewer, friend, text="Pricing deck attached")
    profile_update(user=stranger, company="Pricewise")
    viewers = [viewer, friend, stranger, blocked]
    for kind in Kind:
        for start_at, stop in ((0, 2), (1, 3), (0, 6)):
            for topic, company in (("", ""), ("", "price")):
                if company and kind != Kind.MEMBERS:
                    continue
                shape = selectors._Shape(kind, False, bool(topic), bool(company), start_at, stop)
                for member in viewers:
                    for text in ("pri", "pricing for", "fay"):
                        texts = engines.engine().texts(kind, terms_parse(text))
                        values = {"viewer_id": member.pk, "match": texts.match}
                        values["exact"] = texts.exact
                        if company:
                            values["company"] = company
                        expected = [row.pk for row in selectors._statement(shape, **values)]
                        got = [row.pk for row in selectors._rows(shape, values)]
                        assert got == expected, (kind, member.name, text, start_at)
    assert sorted(bodies(viewer, "pricing")) == ["Pricing for everyone", "Pricing for friends"]


def test_a_posts_author_is_read_by_a_scalar_subquery_never_a_hashable_exists():
    """As `EXISTS`, PostgreSQL hashed every active member (100,000 read) for a common word's
    window of posts before it looked at the first post: 240 ms of a 290 ms statement in
    `EXPLAIN ANALYZE` at 1,000,000 posts. A scalar subquery is asked per post in question."""
    sql = str(posts_visible_to(1).query).upper()
    assert "EXISTS" not in sql
    assert '(SELECT "U0"."IS_ACTIVE" AS "IS_ACTIVE" FROM "ACCOUNTS_USER" "U0"' in sql
