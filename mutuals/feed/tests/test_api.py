"""The feed's JSON API end to end, as a script with a personal access token would use it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from mutuals.accounts.models import User
from mutuals.accounts.tests.clients import api_client_for
from mutuals.accounts.tests.factories import make_member
from mutuals.connections.services import block_create
from mutuals.feed.schemas import FeedPageOut
from mutuals.feed.tests.factories import connect, make_post

pytestmark = pytest.mark.django_db


def post_json(client: Client, path: str, data: dict[str, Any], method: str = "post") -> Any:
    return getattr(client, method)(path, data, content_type="application/json")


@pytest.fixture
def ben(member: User) -> User:
    ben = make_member(name="Ben Carter")
    connect(member, ben)
    return ben


def test_a_post_lifecycle(api_client: Client, member: User, ben: User) -> None:
    created = post_json(
        api_client,
        "/api/posts",
        {
            "kind": "opportunity",
            "body": f"Hiring a PMO lead, @[Ben Carter]({ben.pk}) may know someone.",
            "opportunity_kind": "job",
            "company": "Kestrel",
            "referrals_welcome": True,
            "topics": ["PMO"],
            "visibility": "connections",
        },
    )
    assert created.status_code == 201, created.content
    post = created.json()
    assert post["kind"] == "opportunity"
    assert post["topics"] == ["pmo"]
    assert post["author"]["id"] == member.pk
    assert (post["comment_count"], post["my_reaction"]) == (0, None)
    pid = post["id"]
    assert api_client.get(f"/api/posts/{pid}").json()["company"] == "Kestrel"
    patched = post_json(api_client, f"/api/posts/{pid}", {"body": "Filled, thanks!"}, "patch")
    assert patched.status_code == 200
    assert patched.json()["body"] == "Filled, thanks!"
    assert patched.json()["edited_at"] is not None
    ben_client = api_client_for(ben)
    refused = post_json(ben_client, f"/api/posts/{pid}", {"body": "mine"}, "patch")
    assert refused.status_code == 403
    assert refused.json()["code"] == "not_post_author"
    assert ben_client.delete(f"/api/posts/{pid}").status_code == 403
    listed = api_client.get(f"/api/posts?author={member.pk}").json()
    assert [p["id"] for p in listed["items"]] == [pid]
    assert api_client.delete(f"/api/posts/{pid}").status_code == 204
    assert api_client.get(f"/api/posts/{pid}").status_code == 404


def test_refusals_have_codes(api_client: Client, member: User) -> None:
    bad = post_json(api_client, "/api/posts", {"kind": "opportunity", "body": "Hiring"})
    assert bad.status_code == 422
    assert bad.json()["code"] == "invalid_fields"
    assert "opportunity_kind" in bad.json()["detail"]["fields"]
    unknown = post_json(api_client, "/api/posts", {"kind": "rant", "body": "x"})
    assert unknown.status_code == 422
    stranger = make_member(name="Cleo Park")
    private = make_post(stranger, visibility="connections")
    assert api_client.get(f"/api/posts/{private.pk}").status_code == 404
    assert api_client.get(f"/api/posts/{private.pk}/comments").status_code == 404
    assert api_client.get("/api/feed?cursor=nonsense").json()["code"] == "invalid_cursor"


def test_comments_replies_reactions_and_reshares(
    api_client: Client, member: User, ben: User
) -> None:
    post = make_post(ben, "What is your PMO's intake process?", kind="question")
    top = post_json(api_client, f"/api/posts/{post.pk}/comments", {"body": "A weekly triage."})
    assert top.status_code == 201
    ben_client = api_client_for(ben)
    reply = post_json(
        ben_client,
        f"/api/posts/{post.pk}/comments",
        {"body": "Who runs it?", "parent_id": top.json()["id"]},
    )
    assert reply.json()["parent_id"] == top.json()["id"]
    deep = post_json(
        api_client,
        f"/api/posts/{post.pk}/comments",
        {"body": "The PMO lead", "parent_id": reply.json()["id"]},
    )
    assert deep.status_code == 422
    assert deep.json()["code"] == "reply_too_deep"
    comments = api_client.get(f"/api/posts/{post.pk}/comments").json()["items"]
    assert [c["body"] for c in comments] == ["A weekly triage.", "Who runs it?"]

    reacted = post_json(api_client, f"/api/posts/{post.pk}/reaction", {"kind": "like"}, "put")
    assert reacted.json() == {
        "post_id": post.pk,
        "my_reaction": "like",
        "counts": {"like": 1, "insightful": 0, "support": 0},
    }
    changed = post_json(api_client, f"/api/posts/{post.pk}/reaction", {"kind": "insightful"}, "put")
    assert changed.json()["counts"] == {"like": 0, "insightful": 1, "support": 0}
    removed = api_client.delete(f"/api/posts/{post.pk}/reaction")
    assert removed.json()["my_reaction"] is None
    assert api_client.get(f"/api/posts/{post.pk}/reactions").json()["counts"]["insightful"] == 0

    reshare = post_json(
        api_client, f"/api/posts/{post.pk}/reshares", {"commentary": "Good question"}
    )
    assert reshare.status_code == 201
    assert reshare.json()["reshare_of"]["id"] == post.pk
    assert reshare.json()["kind"] == "reshare"

    contributions = api_client.get("/api/me/contributions").json()
    assert contributions["given"] == {"comment": 1, "reaction": 1, "reshare": 1, "total": 3}
    assert contributions["top_given"] == [{"member_id": ben.pk, "name": "Ben Carter", "count": 3}]
    received = ben_client.get("/api/me/contributions").json()
    assert received["received"]["total"] == 3
    assert received["given"]["comment"] == 1  # Ben's reply to Sam's comment


def test_the_feed_and_topic_follows(api_client: Client, member: User, ben: User) -> None:
    stranger = make_member(name="Cleo Park")
    friend_post = make_post(ben, "From Ben")
    topic_post = make_post(stranger, "On risk", topics=["Risk management"])
    feed = api_client.get("/api/feed").json()
    assert [i["id"] for i in feed["items"]] == [friend_post.pk]
    # The feed serializes itself; it keeps the documented shape and the API's formats.
    FeedPageOut.model_validate(feed)
    same = api_client.get(f"/api/posts/{friend_post.pk}").json()
    assert {k: v for k, v in feed["items"][0].items() if k not in ("score", "reasons")} == same
    assert feed["items"][0]["reasons"] == ["You're connected to Ben"]
    followed = api_client.put("/api/topics/risk-management/follow")
    assert followed.status_code == 200
    assert followed.json() == [
        {
            "slug": "risk-management",
            "name": "Risk management",
            "following": True,
            "on_profile": False,
        }
    ]
    feed = api_client.get("/api/feed?limit=1").json()
    assert len(feed["items"]) == 1
    second = api_client.get(f"/api/feed?limit=1&cursor={feed['next']}").json()
    assert {feed["items"][0]["id"], second["items"][0]["id"]} == {friend_post.pk, topic_post.pk}
    assert second["next"] is None
    unfollowed = api_client.delete("/api/topics/risk-management/follow")
    assert unfollowed.json()[0]["following"] is False
    assert api_client.get("/api/topics/followed").json()["items"][0]["following"] is False
    assert api_client.put("/api/topics/nothing-here/follow").status_code == 404


def test_blocked_members_are_invisible_through_the_api(
    api_client: Client, member: User, ben: User
) -> None:
    post = make_post(ben)
    block_create(blocker=ben, blocked=member)
    assert api_client.get(f"/api/posts/{post.pk}").status_code == 404
    assert api_client.get(f"/api/posts?author={ben.pk}").json()["items"] == []
    assert api_client.get("/api/feed").json()["items"] == []
    response = post_json(api_client, f"/api/posts/{post.pk}/reaction", {"kind": "like"}, "put")
    assert response.status_code == 404


def test_the_api_needs_authentication() -> None:
    assert Client().get("/api/feed").status_code == 401


def test_the_feed_hides_a_reshared_original_the_viewer_may_not_see(
    api_client: Client, member: User, ben: User
) -> None:
    from mutuals.feed import services

    stranger = make_member(name="Cleo Park")
    original = make_post(stranger, "Open at first", topics=["Risk"])
    reshare = services.reshare_create(member=ben, post_id=original.pk, commentary="Read this")
    services.reaction_set(member=member, post_id=reshare.pk, kind="support")
    item = api_client.get("/api/feed").json()["items"][0]
    assert item["reshare_of"]["id"] == original.pk
    assert item["reshare_of"]["author"]["name"] == "Cleo Park"
    assert item["topics"] == ["risk"]
    assert item["my_reaction"] == "support"
    services.post_update(member=stranger, post_id=original.pk, visibility="connections")
    item = api_client.get("/api/feed").json()["items"][0]
    assert item["id"] == reshare.pk
    assert (item["reshare_of"], item["reshare_of_id"]) == (None, None)
    assert item == {
        **api_client.get(f"/api/posts/{reshare.pk}").json(),
        "score": item["score"],
        "reasons": item["reasons"],
    }


def test_comments_by_blocked_members_are_left_out(
    api_client: Client, member: User, ben: User
) -> None:
    from mutuals.feed import services

    post = make_post(ben)
    other = make_member(name="Cleo Park")
    services.comment_create(author=other, post_id=post.pk, body="Cleo was here")
    services.comment_create(author=ben, post_id=post.pk, body="Ben answers")
    block_create(blocker=member, blocked=other)
    bodies = [c["body"] for c in api_client.get(f"/api/posts/{post.pk}/comments").json()["items"]]
    assert bodies == ["Ben answers"]


# --- Topics and @mention suggestions -----------------------------------------------------------


def test_topics_list_filters_and_says_what_you_follow(
    api_client: Client, member: User, ben: User
) -> None:
    from mutuals.accounts.services import profile_update

    profile_update(user=member, topics=["Agile", "Risk management"])
    make_post(ben, topics=["Risk appetite", "PMO"])
    api_client.put("/api/topics/pmo/follow")
    api_client.delete("/api/topics/agile/follow")
    response = api_client.get("/api/topics")
    assert response.status_code == 200
    body = response.json()
    assert body["next"] is None
    assert body["items"] == [
        {"slug": "agile", "name": "Agile", "following": False, "on_profile": True},
        {"slug": "pmo", "name": "PMO", "following": True, "on_profile": False},
        {"slug": "risk-appetite", "name": "Risk appetite", "following": False, "on_profile": False},
        {
            "slug": "risk-management",
            "name": "Risk management",
            "following": True,
            "on_profile": True,
        },
    ]

    def slugs(query: str) -> list[str]:
        items = api_client.get(f"/api/topics?q={query}").json()["items"]
        return [t["slug"] for t in items]

    assert slugs("risk") == ["risk-appetite", "risk-management"]
    assert slugs("Risk%20Man") == ["risk-management"]
    assert slugs("risk-man") == ["risk-management"]
    assert slugs("nothing-like-it") == []


def test_topics_list_is_cursor_paginated(api_client: Client, member: User) -> None:
    from mutuals.accounts.services import topics_resolve

    topics_resolve([(f"topic-{n:02d}", f"Topic {n:02d}") for n in range(7)])
    first = api_client.get("/api/topics?limit=4").json()
    rest = api_client.get(f"/api/topics?limit=4&cursor={first['next']}").json()
    assert [t["slug"] for t in first["items"] + rest["items"]] == [
        f"topic-{n:02d}" for n in range(7)
    ]
    assert rest["next"] is None
    bad = api_client.get("/api/topics?q=" + "x" * 61)
    assert (bad.status_code, bad.json()["code"]) == (422, "invalid_fields")


def test_mention_suggestions_match_the_composer(
    api_client: Client, web_client: Client, member: User, ben: User
) -> None:
    blocked = make_member(name="Bella Blocked")
    make_member(name="Bea Stranger")
    make_member(name="Beth Gone", is_active=False)
    block_create(blocker=blocked, blocked=member)
    response = api_client.get("/api/mentions/suggestions?q=be")
    assert response.status_code == 200
    body = response.json()
    assert body["next"] is None
    assert [(i["name"], i["connected"]) for i in body["items"]] == [
        ("Ben Carter", True),  # connections first
        ("Bea Stranger", False),
    ]
    assert body["items"][0] == {
        "id": ben.pk,
        "name": "Ben Carter",
        "token": f"@[Ben Carter]({ben.pk})",
        "connected": True,
    }
    # The page's autocomplete answers the same list from the same selector.
    assert web_client.get("/feed/mentions/?q=be").json()["items"] == body["items"]
    assert [
        i["name"] for i in api_client.get("/api/mentions/suggestions?q=be&limit=1").json()["items"]
    ] == ["Ben Carter"]
    # Every word must match; never yourself.
    assert (
        api_client.get("/api/mentions/suggestions?q=ben%20car").json()["items"][0]["id"] == ben.pk
    )
    assert api_client.get("/api/mentions/suggestions?q=sam").json()["items"] == []


def test_mention_suggestions_rank_names_that_begin_with_the_words_first(
    api_client: Client, member: User
) -> None:
    """Issue 19: "@Ana" offered Aiko Tanaka (a connection, "ana" inside "Tanaka") above Ana
    Ferreira, and Enter inserted her. Names whose words begin with what was typed come
    first; among those and among the rest, connections first."""
    connect(member, make_member(name="Aiko Tanaka"))
    ana = make_member(name="Ana Ferreira")
    make_member(name="Luca Anand")
    make_member(name="Mariana Lopes")
    items = api_client.get("/api/mentions/suggestions?q=Ana").json()["items"]
    assert [i["name"] for i in items] == [
        "Ana Ferreira",  # the name begins with "Ana"
        "Luca Anand",  # a word of it does
        "Aiko Tanaka",  # only inside: a connection before a stranger
        "Mariana Lopes",
    ]
    assert items[0]["id"] == ana.pk
    names = [i["name"] for i in api_client.get("/api/mentions/suggestions?q=fer").json()["items"]]
    assert names == ["Ana Ferreira"]
    names = [
        i["name"] for i in api_client.get("/api/mentions/suggestions?q=an%20fe").json()["items"]
    ]
    assert names == ["Ana Ferreira"]


def test_mention_suggestions_find_a_word_start_among_many_inner_matches(
    api_client: Client, member: User
) -> None:
    """Fifty-five names with "ana" inside sort before Ana Ferreira: she is still offered, first."""
    for n in range(55):
        make_member(name=f"Aanadi Rao {n:02d}")
    ana = make_member(name="Ana Ferreira")
    items = api_client.get("/api/mentions/suggestions?q=ana&limit=3").json()["items"]
    assert [i["id"] for i in items][:1] == [ana.pk]
    assert [i["name"] for i in items][1:] == ["Aanadi Rao 00", "Aanadi Rao 01"]


def test_mention_suggestions_refusals(api_client: Client) -> None:
    for query in ("", "?q=", "?q=be&limit=0", "?q=" + "x" * 61):
        response = api_client.get(f"/api/mentions/suggestions{query}")
        assert (response.status_code, response.json()["code"]) == (422, "invalid_fields"), query
    response = Client().get("/api/mentions/suggestions?q=be")
    assert (response.status_code, response.json()["code"]) == (401, "not_authenticated")
    response = Client().get("/api/topics")
    assert (response.status_code, response.json()["code"]) == (401, "not_authenticated")


def test_followed_topics_are_cursor_paginated(api_client: Client, member: User) -> None:
    """Like every other list: `{"items", "next"}`, `?cursor=&limit=`, by name."""
    for slug in ("risk-management", "agile", "supply-chains"):
        make_post(make_member(), "On it", topics=[slug.replace("-", " ").capitalize()])
        assert api_client.put(f"/api/topics/{slug}/follow").status_code == 200
    names, cursor = [], None
    for _ in range(3):
        page = api_client.get(
            "/api/topics/followed", {"limit": 1, **({"cursor": cursor} if cursor else {})}
        ).json()
        assert len(page["items"]) == 1
        names.append(page["items"][0]["name"])
        cursor = page["next"]
    assert names == ["Agile", "Risk management", "Supply chains"]
    assert cursor is None


def test_a_hidden_comment_is_marked_for_its_author_and_gone_for_others(
    member: User, ben: User
) -> None:
    """Issue 18: what a moderator hid is not silently gone for its author, and not shown to
    anyone else; a hidden post is marked the same way (`hidden`)."""
    from mutuals.feed import services

    post = make_post(member)
    comment = services.comment_create(author=ben, post_id=post.pk, body="Buy my course")
    kept = services.comment_create(author=ben, post_id=post.pk, body="Great point")
    services.comment_set_hidden(comment_id=comment.pk, hidden=True)
    url = f"/api/posts/{post.pk}/comments"
    own = api_client_for(ben).get(url).json()["items"]
    assert [(c["id"], c["hidden"]) for c in own] == [(comment.pk, True), (kept.pk, False)]
    others = api_client_for(member).get(url).json()["items"]
    assert [(c["id"], c["hidden"]) for c in others] == [(kept.pk, False)]

    own_post = make_post(ben)
    services.post_set_hidden(post_id=own_post.pk, hidden=True)
    assert api_client_for(ben).get(f"/api/posts/{own_post.pk}").json()["hidden"] is True
    assert api_client_for(member).get(f"/api/posts/{own_post.pk}").status_code == 404
