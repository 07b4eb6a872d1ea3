"""A mention never shows one name while linking to another member: `@[Priya Raghunathan](50)`
about member 50, who is someone else, reads and links as member 50's own current name."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from mutuals.accounts.models import User
from mutuals.accounts.tests.factories import make_member
from mutuals.feed import mentions
from mutuals.feed.models import Post
from mutuals.feed.tests.factories import connect, make_post

pytestmark = pytest.mark.django_db


def links(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<a class="mention" href="/members/(\d+)/">@([^<]*)</a>', html)


def test_saving_rewrites_a_forged_name_to_the_members_own(api_client: Client, other: User):
    response = api_client.post(
        "/api/posts",
        {
            "kind": "insight",
            "body": f"Thanks @[Priya Raghunathan]({other.pk}) and @[Ghost](999999)",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["body"] == f"Thanks @[Thandi Mokoena]({other.pk}) and @Ghost"


def test_comment_and_edit_rewrite_too(api_client: Client, member: User, other: User):
    post = make_post(member)
    comment = api_client.post(
        f"/api/posts/{post.pk}/comments",
        {"body": f"@[Priya Raghunathan]({other.pk})"},
        content_type="application/json",
    )
    assert comment.json()["body"] == f"@[Thandi Mokoena]({other.pk})"
    edited = api_client.patch(
        f"/api/posts/{post.pk}",
        {"body": f"@[Priya Raghunathan]({other.pk})"},
        content_type="application/json",
    )
    assert edited.json()["body"] == f"@[Thandi Mokoena]({other.pk})"


def test_page_shows_the_current_name_of_the_linked_member(
    web_client: Client, member: User, other: User
):
    """A body stored before the rule (or a member renamed since) still renders the truth."""
    connect(member, other)
    post = make_post(other, "Hello")
    Post.objects.filter(pk=post.pk).update(
        body=f"Hello @[Priya Raghunathan]({other.pk}) and @[Ghost](999999)"
    )
    html = web_client.get(f"/feed/posts/{post.pk}/").content.decode()
    assert links(html) == [(str(other.pk), "Thandi Mokoena")]
    assert "Priya Raghunathan" not in html
    assert "@Ghost" in html
    User.objects.filter(pk=other.pk).update(name="Thandi Mokoena-Dube")
    html = web_client.get(f"/feed/posts/{post.pk}/").content.decode()
    assert links(html) == [(str(other.pk), "Thandi Mokoena-Dube")]


def test_render_and_plain_use_the_ids_names(other: User):
    text = f"@[Priya Raghunathan]({other.pk}) <b>"
    assert links(mentions.render(text)) == [(str(other.pk), "Thandi Mokoena")]
    assert "&lt;b&gt;" in mentions.render(text)
    assert mentions.plain(text) == "@Thandi Mokoena <b>"
    inactive = make_member(name="Gone Member")
    User.objects.filter(pk=inactive.pk).update(is_active=False)
    assert links(mentions.render(f"@[Gone Member]({inactive.pk})")) == []
