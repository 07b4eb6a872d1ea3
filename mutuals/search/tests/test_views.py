"""The search page and the header's box."""

from __future__ import annotations

import pytest

from mutuals.accounts.tests.factories import make_member
from mutuals.feed.tests.factories import make_post

pytestmark = pytest.mark.django_db


def test_every_page_has_the_header_box(web_client):
    page = web_client.get("/feed/").content.decode()
    assert 'role="search" method="get" action="/search/"' in page
    assert 'id="header-search-q"' in page


def test_results_are_grouped_by_kind_with_matches_marked(web_client, member):
    make_member(name="Priya Raman", profile={"headline": "Pricing lead"})
    make_post(make_member(name="Author"), "Our pricing review, step by step")
    page = web_client.get("/search/", {"q": "pric"}).content.decode()
    for heading in ("Members", "Posts", "Events", "Your messages"):
        assert f">{heading}</h2>" in page
    assert "Priya Raman" in page
    assert "Our <mark>pric</mark>ing review" in page
    assert "No events match." in page
    assert "None of your messages match." in page
    assert "No your messages" not in page
    assert 'id="header-search-q" type="search" name="q"' in page
    assert 'value="pric"' in page


def test_a_post_excerpt_shows_a_mention_as_the_name(web_client):
    ana = make_member(name="Ana Ferreira")
    make_post(make_member(name="Author"), f"Ask @[Ana Ferreira]({ana.pk}) about the allowance")
    page = web_client.get("/search/", {"q": "allowance"}).content.decode()
    assert "Ask @Ana Ferreira about the <mark>allowance</mark>" in page
    assert f"]({ana.pk})" not in page


def test_htmx_swaps_only_the_results(web_client):
    make_member(name="Priya Raman")
    answer = web_client.get(
        "/search/", {"q": "pri"}, headers={"HX-Request": "true", "HX-Target": "search-results"}
    )
    page = answer.content.decode()
    assert "Priya Raman" in page
    assert "<html" not in page


def test_one_kind_pages_with_a_cursor(web_client):
    for n in range(23):
        make_member(name=f"Pat Member{n:02}")
    first = web_client.get("/search/", {"q": "pat", "kind": "members"})
    assert first.content.decode().count('class="card search-result"') == 20
    next_url = first.context["groups"][0].next_url
    second = web_client.get(next_url)
    assert second.content.decode().count('class="card search-result"') == 3


def test_refusals_are_shown_not_raised(web_client):
    page = web_client.get("/search/", {"q": "x" * 300}).content.decode()
    assert "Search for at most 200 characters." in page
    page = web_client.get("/search/", {"q": "pat", "kind": "members", "cursor": "zz"})
    assert "The cursor is not valid" in page.content.decode()
    page = web_client.get("/search/", {"q": "p"}).content.decode()
    assert "at least two letters" in page


def test_signed_out_goes_to_sign_in(client):
    assert client.get("/search/", {"q": "pri"}).status_code == 302
