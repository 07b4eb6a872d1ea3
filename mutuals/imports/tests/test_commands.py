"""The command line: `mutuals audit` (offline, no database) and `mutuals import-linkedin`."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from mutuals.imports.models import Contact, Import
from mutuals.imports.tests.helpers import EXPORT_2018, EXPORT_2022, FIXTURES

ROOT = Path(__file__).resolve().parents[3]


def test_offline_audit_needs_no_database_and_writes_one_self_contained_file(tmp_path):
    """From a fresh checkout: a data dir with no database, nothing migrated. The command must
    not create or open a database, and the report must load nothing from anywhere."""
    data_dir = tmp_path / "var"
    report = tmp_path / "report.html"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "MUTUALS_DATA_DIR": str(data_dir),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'never-created.sqlite3'}",
    }
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "mutuals.cli", "audit", str(EXPORT_2022), "--out", str(report)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "never-created.sqlite3").exists()
    assert "20 connections" in result.stdout
    assert "100% done" in result.stderr  # progress (one line per stage when not a terminal)
    html = report.read_text()
    assert html.startswith("<!DOCTYPE html>")
    assert "Network audit of Tomas Kavya" in html
    assert html.count("<svg") >= 4
    # Nothing is fetched: no element loads a file (its one script is inline); the only web
    # addresses are links to people's profiles, followed only if the reader clicks one.
    assert not re.search(r"<(?:script|img|link|iframe|source)\b[^>]*\b(?:src|href)=", html)
    assert not re.search(r'\bsrc="(?:https?:)?//', html)
    assert all(
        link.startswith("<a ") for link in re.findall(r'<[^<>]*href="(?:https?:)?//[^>]*>', html)
    )
    assert html.count("<script>") == 1


def test_offline_audit_of_a_single_csv_and_json_output(tmp_path):
    out = io.StringIO()
    call_command(
        "audit",
        str(FIXTURES / "connections-corpus.csv"),
        out=str(tmp_path / "r.html"),
        json=str(tmp_path / "a.json"),
        quiet=True,
        stdout=out,
    )
    # 220 rows, as LinkedIn counts them: 192 named (names and URLs repeat, and collide, but
    # each row is a connection) and 28 with only a date. The audit once said 97.
    assert "220 connections" in out.getvalue()
    assert '"never_messaged"' in (tmp_path / "a.json").read_text()


def test_offline_audit_refuses_what_is_not_an_export(tmp_path):
    bad = tmp_path / "budget.csv"
    bad.write_text("Month,Amount\nJan,1\n")
    with pytest.raises(CommandError, match=r"budget.csv, line 1: .*not a LinkedIn data export"):
        call_command("audit", str(bad), out=str(tmp_path / "r.html"), quiet=True)
    assert not (tmp_path / "r.html").exists()


@pytest.mark.django_db
def test_import_linkedin_for_a_member(member):
    out = io.StringIO()
    call_command(  # the name docs/design.md §7 gives it
        "import-linkedin", str(EXPORT_2018), email="SAM@example.com", quiet=True, stdout=out
    )
    assert Import.objects.get().status == Import.Status.DONE
    assert Contact.objects.filter(owner=member, is_connection=True).count() == 15
    assert "contacts" in out.getvalue()


@pytest.mark.django_db
def test_import_linkedin_for_an_unknown_email():
    with pytest.raises(CommandError, match="No member"):
        call_command("import-linkedin", str(EXPORT_2018), email="nobody@example.com")


def test_the_progress_bar_redraws_in_place_on_a_terminal():
    from mutuals.imports.progress import ProgressBar

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    bar = ProgressBar(screen)
    bar.update(0, "reading Connections.csv")
    bar.update(42.5, "reading messages.csv")
    bar.update(100, "done")
    bar.close()
    drawn = screen.getvalue()
    assert drawn.count("\r") == 3
    assert " 42% " in drawn
    assert "100%" in drawn
    assert drawn.endswith("\n")


def test_offline_audit_says_when_it_cannot_write_the_report(tmp_path):
    with pytest.raises(CommandError, match="cannot write the report"):
        call_command(
            "audit", str(EXPORT_2018), out=str(tmp_path / "missing" / "r.html"), quiet=True
        )
