"""The offline report's "Download CSV" makes the file in the browser from the table (issue 16:
the report carried every list twice, once more percent-encoded in its link: 36.6 MB for
30,000 connections). The file must be byte for byte the server's CSV of the same list
(`lists.as_csv`): values, quoting, the formula guard and the profile URL column, on real
data with hostile cells (`=SUM(A1:B2)`, `+1 leads here`, quotes, commas)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser

from mutuals.core.tests.browser import new_context
from mutuals.imports.audit import audit_export, public
from mutuals.imports.linkedin import parse_export, parse_upload
from mutuals.imports.lists import LISTS, as_csv
from mutuals.imports.report import render_report
from mutuals.imports.tests.helpers import FIXTURES, small_export

pytestmark = pytest.mark.browser


def _audits() -> dict[str, dict[str, Any]]:
    corpus = public(audit_export(parse_export(FIXTURES / "connections-corpus.csv")))
    small = public(audit_export(parse_upload("export.zip", small_export())))
    return {"corpus": corpus, "small": small}


def test_each_lists_csv_is_made_in_the_browser_as_the_server_makes_it(
    chromium: Browser, tmp_path: Path
) -> None:
    context = new_context(chromium, "http://127.0.0.1")
    try:
        page = context.new_page()
        for label, audit in _audits().items():
            html = render_report(audit)
            # Each list shown as a table is in the file once (template cards keep theirs).
            assert html.count("data:text/csv") == (1 if audit["templates"]["clusters"] else 0)
            report = tmp_path / f"{label}.html"
            report.write_text(html, encoding="utf-8")
            page.goto(report.as_uri())
            for name in LISTS:
                box = page.locator(f'[data-audit-list="{name}"]')
                if not LISTS[name].table:
                    continue
                if not box.count():  # an empty list is said in words, with no table
                    assert not LISTS[name].rows(audit), (label, name)
                    continue
                if name == "never_messaged":  # a filter and a sort change nothing in the file
                    box.get_by_role("searchbox").fill("=sum")
                    box.locator("th button").first.click()
                with page.expect_download() as download:
                    box.get_by_role("link", name="Download CSV").click()
                assert download.value.suggested_filename == f"{name}.csv"
                made = Path(download.value.path()).read_bytes()
                assert made == as_csv(audit, name).encode("utf-8"), (label, name)
    finally:
        context.close()
