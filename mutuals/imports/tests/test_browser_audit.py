"""The audit report in headless Chromium (issue 16): a member filters a whole list, sorts it,
downloads it as CSV, and reads it at 390 px without sideways scrolling; with 4,000
connections the page loads and filters quickly.

Real data: `linkedin-analyzer-fixtures/connections-corpus.csv` (220 connection rows, 192 never
messaged, 43 of them with `=SUM(A1:B2)` in a name, company or title). The 4,000-connection
export is generated: the vendored real exports are small. Screenshots at 1280 and 390 px go
to `test-results/browser/`.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from playwright.sync_api import Page, expect

from mutuals.accounts.tests.factories import PASSWORD, make_member
from mutuals.core.tests.browser import shot, sign_in
from mutuals.imports.models import Import
from mutuals.imports.services import import_create, import_run
from mutuals.imports.tests.helpers import EXPORT_2022, FIXTURES, as_upload, zip_folder

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CORPUS = FIXTURES / "connections-corpus.csv"


def _imported(owner, data: bytes, name: str = "Connections.csv") -> Import:
    created = import_create(
        owner=owner, file_name=name, upload=as_upload(data, name), background=False
    )
    done = import_run(import_id=created.pk)
    assert done is not None
    assert done.status == Import.Status.DONE, done.error
    return done


def _no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate(
        """() => Array.from(document.querySelectorAll('body *'))
            .filter((e) => e.getBoundingClientRect().right > innerWidth + 1)
            .slice(0, 5).map((e) => `${e.tagName}.${e.className} ${e.textContent.slice(0, 40)}`)"""
    )
    viewport = page.viewport_size
    assert viewport is not None
    assert width <= viewport["width"], (width, wide)


def test_filter_sort_and_download_a_whole_list(browser_page: Page) -> None:
    page = browser_page
    member = make_member(name="Sam Okafor")
    done = _imported(member, CORPUS.read_bytes())
    sign_in(page, member.email, PASSWORD)
    page.goto(f"/me/imports/{done.pk}/")
    box = page.locator('[data-audit-list="never_messaged"]')
    rows = box.locator("tbody tr")
    expect(rows).to_have_count(192)  # the whole list, not the first 50
    shot(page, "audit-1280")

    box.get_by_role("searchbox").fill("=sum")
    expect(box.locator("tbody tr:visible")).to_have_count(43)
    expect(box.locator("[data-audit-count]")).to_have_text("43 of 192 rows")

    box.get_by_role("button", name="Connected on").click()
    expect(box.locator("th").nth(3)).to_have_attribute("aria-sort", "ascending")
    days = box.locator("tbody tr:visible td:nth-child(4)").all_inner_texts()
    assert days == sorted(days, key=lambda day: (day in ("", "—"), day))
    box.get_by_role("button", name="Connected on").click()
    expect(box.locator("th").nth(3)).to_have_attribute("aria-sort", "descending")

    with page.expect_download() as download:
        box.get_by_role("link", name="Download CSV").click()
    with open(download.value.path(), encoding="utf-8") as file:
        rows_in_file = list(csv.reader(file))
    assert rows_in_file[0][0] == "Name"
    assert len(rows_in_file) == 1 + 192  # the whole list, whatever the filter shows

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/me/imports/{done.pk}/")
    expect(rows).to_have_count(192)
    _no_sideways_scroll(page)
    shot(page, "audit-390")


def _connections(count: int) -> bytes:
    out = io.StringIO()
    out.write("First Name,Last Name,URL,Email Address,Company,Position,Connected On\n")
    titles = ["Software Engineer", "Product Manager", "Founder", "Recruiter", "Student"]
    for i in range(count):
        out.write(
            f"Person{i},Number{i},https://www.linkedin.com/in/p{i},,Company {i % 300},"
            f"{titles[i % len(titles)]},{1 + i % 28} Mar {2010 + i % 15}\n"
        )
    return out.getvalue().encode()


def test_four_thousand_connections_load_and_filter_quickly(browser_page: Page) -> None:
    page = browser_page
    member = make_member(name="Sam Okafor")
    done = _imported(member, _connections(4000))
    sign_in(page, member.email, PASSWORD)
    page.goto(f"/me/imports/{done.pk}/")
    box = page.locator('[data-audit-list="never_messaged"]')
    expect(box.locator("tbody tr")).to_have_count(4000)
    loaded_ms = page.evaluate(
        "performance.getEntriesByType('navigation')[0].loadEventEnd"
        " - performance.getEntriesByType('navigation')[0].startTime"
    )
    filter_ms = page.evaluate(
        """() => {
            const input = document.querySelector('[data-audit-list="never_messaged"] input');
            const started = performance.now();
            input.value = 'number3999';
            input.dispatchEvent(new Event('input'));
            return performance.now() - started;
        }"""
    )
    expect(box.locator("[data-audit-count]")).to_have_text(re.compile(r"^1 of 4,000 rows$"))
    print(f"4,000 connections: page load {loaded_ms:.0f} ms, a filter {filter_ms:.1f} ms")
    # Generous bounds for 2 busy cores; docs/benchmarks.md has the quiet figures.
    assert loaded_ms < 15_000
    assert filter_ms < 1_000


def test_bring_your_own_profile_in(browser_page: Page) -> None:
    """The pseudonymised 2022 export's owner ticks the headline and one skill and saves; the
    page reads at 390 px without sideways scrolling."""
    page = browser_page
    member = make_member(name="Tomas Kavya", profile={"headline": "Student"})
    done = _imported(member, zip_folder(EXPORT_2022), "export.zip")
    sign_in(page, member.email, PASSWORD)
    page.goto(f"/me/imports/{done.pk}/")
    page.get_by_role("link", name="See what it would change on your profile").click()
    expect(page.get_by_role("heading", name="Bring your profile in")).to_be_visible()
    shot(page, "audit-profile-1280")
    page.get_by_role("checkbox", name=re.compile("^Use Graduate Research Assistant")).check()
    page.get_by_role("checkbox", name="Pandas").check()
    page.get_by_role("button", name="Save what I ticked").click()
    expect(page.get_by_text("Brought into your profile: Headline, topics.")).to_be_visible()
    member.profile.refresh_from_db()
    assert member.profile.headline == "Graduate Research Assistant at Syracuse University"
    assert member.profile.title == ""  # not ticked, not applied
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    _no_sideways_scroll(page)
    shot(page, "audit-profile-390")
