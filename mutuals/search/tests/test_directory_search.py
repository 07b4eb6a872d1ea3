"""The members directory's words are searched as the header's box searches members (issue
19): the same index and rule, on the page and `GET /api/members`, with the directory's own
filters and pagination."""

from __future__ import annotations

import pytest

from mutuals.accounts.history import history_add
from mutuals.accounts.selectors import member_directory
from mutuals.accounts.tests.factories import make_member

pytestmark = pytest.mark.django_db


def names(viewer, **filters) -> list[str]:
    return [m.name for m in member_directory(viewer=viewer, **filters)]


def test_words_are_searched_like_the_search_box(member):
    make_member(name="Ana Ferreira", profile={"location": "Lisbon"})
    make_member(name="Aiko Tanaka", profile={"location": "Osaka"})
    jose = make_member(name="José Núñez", profile={"company": "Northwind"})
    history_add(
        user=jose, kind="experience", organisation="Kestrel Rail", role="Signals lead",
        start="2019-04",
    )  # fmt: skip
    # Words from their start, not inside another word: "ana" is not the end of "Tanaka".
    assert names(member, q="ana") == ["Ana Ferreira"]
    # Accents folded; the last word a prefix, those before it whole.
    assert names(member, q="jose nun") == ["José Núñez"]
    assert names(member, q="jos nunez") == []
    # What only the search document holds: where they worked.
    assert names(member, q="kestrel") == ["José Núñez"]
    # One-letter words and operators are not words; alone they do not filter.
    assert len(names(member, q="a")) == 3
    assert names(member, q='"ana*"') == ["Ana Ferreira"]


def test_with_the_directory_filters_and_its_pages(api_client, member):
    for n in range(5):
        make_member(name=f"Pat Member{n}", profile={"company": "Acme" if n % 2 else "Globex"})
    make_member(name="Pat Outsider")
    assert names(member, q="pat", company="acme") == ["Pat Member1", "Pat Member3"]
    first = api_client.get("/api/members", {"q": "pat mem", "limit": 3}).json()
    assert [m["name"] for m in first["items"]] == ["Pat Member0", "Pat Member1", "Pat Member2"]
    rest = api_client.get(
        "/api/members", {"q": "pat mem", "limit": 3, "cursor": first["next"]}
    ).json()
    assert [m["name"] for m in rest["items"]] == ["Pat Member3", "Pat Member4"]
    assert rest["next"] is None


def test_the_page_searches_too(web_client):
    make_member(name="Ana Ferreira")
    make_member(name="Aiko Tanaka")
    page = web_client.get("/members/", {"q": "ana"}).content.decode()
    assert "Ana Ferreira" in page
    assert "Aiko Tanaka" not in page
