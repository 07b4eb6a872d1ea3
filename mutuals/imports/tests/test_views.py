"""Import pages: upload, progress (HTMX polling and without JavaScript), the audit with its
charts and "bring them in", the downloadable report, deletion, privacy."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from mutuals.accounts.tests.clients import web_client_for
from mutuals.accounts.tests.factories import make_member
from mutuals.imports.models import Contact, Import
from mutuals.imports.services import import_create, import_run
from mutuals.imports.tests.helpers import as_upload, small_export

pytestmark = pytest.mark.django_db


@pytest.fixture
def done(member):
    created = import_create(
        owner=member, file_name="export.zip", upload=as_upload(small_export()), background=False
    )
    return import_run(import_id=created.pk)


def test_upload_page(web_client):
    response = web_client.get("/me/imports/")
    assert response.status_code == 200
    assert b'enctype="multipart/form-data"' in response.content
    assert b"LinkedIn audit" in response.content  # the nav link


def test_upload_runs_the_import_and_shows_the_audit(web_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = web_client.post(
            "/me/imports/", {"file": SimpleUploadedFile("export.zip", small_export())}
        )
    item = Import.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/me/imports/{item.pk}/"
    page = web_client.get(response["Location"])
    html = page.content.decode()
    assert "Network audit of Sam Owner" in html
    assert html.count("<svg") >= 4  # charts drawn on the server
    assert "Ada Lovelace" in html
    assert "You wrote 4 messages to each other" in html
    assert "Bring them in" in html


def test_a_refused_upload_shows_the_file_and_line(web_client):
    response = web_client.post(
        "/me/imports/", {"file": SimpleUploadedFile("budget.csv", b"Month,Amount\nJan,1\n")}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "budget.csv, line 1" in html
    assert "not a LinkedIn data export" in html
    assert not Import.objects.exists()


def test_progress_while_the_import_is_pending(web_client, member):
    created = import_create(
        owner=member, file_name="export.zip", upload=as_upload(small_export()), background=False
    )
    page = web_client.get(f"/me/imports/{created.pk}/").content.decode()
    assert f'hx-get="/me/imports/{created.pk}/status/"' in page
    assert 'http-equiv="refresh"' in page  # without JavaScript, the page reloads itself
    fragment = web_client.get(f"/me/imports/{created.pk}/status/", headers={"HX-Request": "true"})
    assert b"<progress" in fragment.content
    assert b"hx-trigger" in fragment.content
    import_run(import_id=created.pk)
    finished = web_client.get(f"/me/imports/{created.pk}/status/", headers={"HX-Request": "true"})
    assert finished["HX-Refresh"] == "true"  # the page reloads into the audit
    plain = web_client.get(f"/me/imports/{created.pk}/status/")
    assert b"See your audit" in plain.content


def test_the_report_download_is_one_self_contained_file(web_client, done):
    response = web_client.get(f"/me/imports/{done.pk}/report/")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    html = response.content.decode()
    assert "<style>" in html
    assert "<svg" in html
    assert not re.search(r'<(?:script|link|img)\b[^>]*(?:src|href)="(?:https?:)?//', html)


def test_delete(web_client, done):
    response = web_client.post(f"/me/imports/{done.pk}/delete/")
    assert response.status_code == 302
    assert not Import.objects.exists()
    assert not Contact.objects.exists()


def test_another_members_import_is_404(done):
    client = web_client_for(make_member(name="Eve Stranger"))
    for url in ("", "status/", "report/", "lists/never_messaged.csv"):
        assert client.get(f"/me/imports/{done.pk}/{url}").status_code == 404
    assert client.post(f"/me/imports/{done.pk}/delete/").status_code == 404
    assert Import.objects.filter(pk=done.pk).exists()


def test_signed_out_goes_to_sign_in():
    response = Client().get("/me/imports/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_audit_suggests_members_known_from_linkedin(web_client, done):
    ada = make_member(name="Ada Lovelace", email="ada@example.com")
    html = web_client.get(f"/me/imports/{done.pk}/").content.decode()
    assert "Connected on LinkedIn since 2019" in html
    assert f"/members/{ada.pk}/connect/" in html


def test_each_list_on_the_audit_page_downloads_as_csv(web_client, done):
    html = web_client.get(f"/me/imports/{done.pk}/").content.decode()
    assert f'href="/me/imports/{done.pk}/lists/never_messaged.csv"' in html
    assert 'data-audit-list="never_messaged"' in html
    assert "/static/imports/audit-lists.js" in html  # the filter and sort, a local file
    response = web_client.get(f"/me/imports/{done.pk}/lists/never_messaged.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f"audit-{done.pk}-never_messaged.csv" in response["Content-Disposition"]
    lines = response.content.decode().splitlines()
    assert lines[0] == "Name,Company,Position,Connected on,Profile URL"
    assert sorted(line.split(",")[0] for line in lines[1:]) == ["Dan Dare", "Eve Moneypenny"]


def test_an_unknown_list_or_an_unfinished_import_has_no_csv(web_client, done, member):
    assert web_client.get(f"/me/imports/{done.pk}/lists/passwords.csv").status_code == 404
    pending = import_create(
        owner=member, file_name="export.zip", upload=as_upload(small_export()), background=False
    )
    assert web_client.get(f"/me/imports/{pending.pk}/lists/reengage.csv").status_code == 404


def test_the_page_shows_acceptance_breakdowns_and_template_reach(web_client, done):
    html = web_client.get(f"/me/imports/{done.pk}/").content.decode()
    assert "Accepted with and without a note" in html
    assert "What your network is made of" in html
    assert "Sent from 2 Jan 2022 to 30 Dec 2024" in html
    assert "3 of 3 accepted" in html
