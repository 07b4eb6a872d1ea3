"""Issue 19's @mention defects in headless Chromium (screenshots in test-results/browser/).

"@Ana" ranked Aiko Tanaka (a connection; the "ana" in "Tanaka") above Ana Ferreira and Enter
inserted her, and the textarea showed the raw `@[Ana Ferreira](13)` markup while writing.
Now names that begin with what was typed come first, the textarea shows "@Ana Ferreira", and
the post still stores (and links) the member picked, in a plain form and an HTMX one alike.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from mutuals.accounts.tests.factories import PASSWORD, make_member
from mutuals.core.tests.browser import shot, sign_in
from mutuals.feed.models import Comment, Post
from mutuals.feed.tests.factories import connect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_at_ana_offers_ana_first_and_the_text_reads_as_written(browser_page: Page) -> None:
    page = browser_page
    sam = make_member(name="Sam Okafor")
    aiko = make_member(name="Aiko Tanaka")
    connect(sam, aiko, strength=0.9, tier="inner")
    ana = make_member(name="Ana Ferreira")

    sign_in(page, sam.email, PASSWORD)
    page.goto("/feed/")
    page.get_by_role("link", name="Write a post").click()
    page.get_by_label("Insight").check()
    body = page.get_by_label("Your post")
    body.fill("Thanks ")
    body.press_sequentially("@Ana", delay=30)
    options = page.get_by_role("option")
    expect(options).to_have_text(["Ana Ferreira", "Aiko Tanaka · connection"])
    expect(options.first).to_have_attribute("aria-selected", "true")
    shot(page, "mentions-01-ana-first")
    body.press("Enter")
    body.press_sequentially("for the retro format.")
    expect(body).to_have_value("Thanks @Ana Ferreira for the retro format.")
    shot(page, "mentions-02-as-written")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("Your post is published.")).to_be_visible()
    link = page.get_by_role("link", name="@Ana Ferreira")
    expect(link).to_have_attribute("href", re.compile(rf"/members/{ana.pk}/$"))
    post = Post.objects.get()
    assert post.body == f"Thanks @[Ana Ferreira]({ana.pk}) for the retro format."

    # Editing shows the text as written too, and saving keeps the mention.
    page.goto(f"/feed/posts/{post.pk}/edit/")
    edit = page.get_by_label("Your post")
    expect(edit).to_have_value("Thanks @Ana Ferreira for the retro format.")
    edit.press("End")
    edit.press_sequentially(" Again!")
    page.get_by_role("button", name=re.compile("Save")).click()
    expect(page.get_by_role("link", name="@Ana Ferreira").first).to_be_visible()
    post.refresh_from_db()
    assert post.body == f"Thanks @[Ana Ferreira]({ana.pk}) for the retro format. Again!"

    # A comment, sent by HTMX, carries the member picked as well.
    page.goto(f"/feed/posts/{post.pk}/")
    comment = page.get_by_label("Add a comment")
    comment.press_sequentially("@Aiko", delay=30)
    expect(page.get_by_role("option").first).to_have_text("Aiko Tanaka · connection")
    comment.press("Enter")
    expect(comment).to_have_value("@Aiko Tanaka ")
    page.get_by_role("button", name="Comment", exact=True).click()
    expect(page.get_by_role("heading", name="Comments (1)")).to_be_visible()
    assert Comment.objects.get().body.strip() == f"@[Aiko Tanaka]({aiko.pk})"
