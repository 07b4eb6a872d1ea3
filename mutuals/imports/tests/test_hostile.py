"""Imports that cannot hurt the server (issue 16): an oversized upload is refused before it is
read, a zip bomb and a million-row CSV stop within bounded memory, a stopped worker's import
is recovered with nothing half-imported, and a Windows-1252 copy is imported as written."""

from __future__ import annotations

import io
import subprocess
import sys
import textwrap
import zipfile
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from mutuals.imports import bulk
from mutuals.imports.linkedin import InvalidExport, parse_upload
from mutuals.imports.linkedin.source import MAX_COMPRESSION_RATIO
from mutuals.imports.models import Contact, ContactInteraction, Import, ImportPayload
from mutuals.imports.services import (
    MAX_ATTEMPTS,
    STALE_AFTER,
    import_create,
    import_run,
    imports_recover_stalled,
)
from mutuals.imports.tests.helpers import CONNECTIONS, as_upload, small_export

pytestmark = pytest.mark.django_db

# Peak memory allowed to any import or audit, above the interpreter's own (issue 16).
PEAK_BUDGET_MB = 300


def _bomb(megabytes: int) -> bytes:
    """A ZIP whose Connections.csv is a valid header and then `megabytes` MB of one row
    repeated: about 1,000 times smaller compressed (a 4 MB upload that expands to 4 GB)."""
    buffer = io.BytesIO()
    row = b"Ada,Lovelace,https://www.linkedin.com/in/ada,,Acme,Engineer,1 Jan 2024\n"
    header = b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
    block = row * (1024 * 1024 // len(row))
    with (
        zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        archive.open("Connections.csv", "w", force_zip64=True) as member,
    ):
        member.write(header)
        for _ in range(megabytes):
            member.write(block)
    return buffer.getvalue()


def test_a_zip_bomb_stops_within_its_first_megabytes():
    data = _bomb(1200)  # 1.2 GB of CSV in a few MB
    assert len(data) < 8 * 1024 * 1024
    with pytest.raises(InvalidExport, match="zip bomb") as caught:
        parse_upload("export.zip", data)
    assert caught.value.file == "export.zip/Connections.csv"
    assert MAX_COMPRESSION_RATIO < 1000  # what makes it stop early


def _peak_in_child(script: str) -> tuple[int, str]:
    """Run `script` in a fresh interpreter (no Django) and return its peak resident memory
    in MB and its output: what the parser and audit cost, measured as the OS sees it.

    The peak is the child's own (`core.process_memory`): `ru_maxrss` would also count the
    test process it was forked from, hundreds of MB late in a run."""
    wrapped = textwrap.dedent(script) + textwrap.dedent(
        """
        from mutuals.core.process_memory import peak_bytes
        print("PEAK", peak_bytes() // 2**20)
        """
    )
    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", wrapped], capture_output=True, text=True, check=True, timeout=600
    )
    peak = int(done.stdout.rsplit("PEAK", 1)[1])
    return peak, done.stdout


@pytest.mark.skipif(sys.platform != "linux", reason="reads peak memory from Linux's /proc")
def test_a_zip_bomb_and_a_million_row_csv_stay_within_300_mb(tmp_path):
    """The offline audit of each (read, then audit): refused with a clear error, and the
    child process never grew past the budget (it grew by 516 MB and 1.13 GB before)."""
    (tmp_path / "bomb.zip").write_bytes(_bomb(1200))
    rows = tmp_path / "messages.csv"
    with rows.open("w") as stream:
        stream.write("CONVERSATION ID,FROM,SENDER PROFILE URL,TO,DATE,CONTENT\n")
        for index in range(1_000_000):
            stream.write(
                f"c{index},Sender {index},https://www.linkedin.com/in/s{index},Owner,"
                f"2024-01-01 10:00:00 UTC,junk {index}\n"
            )
    for path in (tmp_path / "bomb.zip", rows):
        peak, out = _peak_in_child(
            f"""
            from pathlib import Path
            from mutuals.imports.audit import audit_export
            from mutuals.imports.linkedin import InvalidExport, parse_export
            try:
                audit_export(parse_export(Path({str(path)!r})))
            except InvalidExport as exc:
                print("REFUSED", exc)
            """
        )
        assert "REFUSED" in out
        assert peak <= PEAK_BUDGET_MB, (path.name, peak)
    assert "past 300,000 rows" in out


def test_an_upload_over_the_limit_is_refused_by_its_content_length(api_client):
    """Refused before a byte of the body is read: the body here is never even sent."""
    with override_settings(MUTUALS_MAX_UPLOAD_BYTES=1024 * 1024):
        response = api_client.generic(
            "POST",
            "/api/imports/linkedin",
            data=b"--x--\r\n",  # the rest is never sent: it is never asked for
            content_type="multipart/form-data; boundary=x",
            CONTENT_LENGTH=str(300 * 1024 * 1024),
        )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "export_too_large"
    assert body["detail"]["max_bytes"] == 1024 * 1024
    assert not Import.objects.exists()


def test_an_upload_over_the_limit_is_stopped_as_its_bytes_arrive(api_client):
    """A file bigger than the limit inside a body that passes the Content-Length check (the
    envelope allowance): stopped once the limit's worth has arrived."""
    with override_settings(MUTUALS_MAX_UPLOAD_BYTES=64 * 1024):
        response = api_client.post(
            "/api/imports/linkedin",
            {"file": SimpleUploadedFile("export.zip", b"PK\x03\x04" + b"x" * 100_000)},
        )
    assert response.status_code == 422
    assert response.json()["code"] == "export_too_large"
    assert not Import.objects.exists()


def test_the_upload_page_shows_the_size_refusal_on_the_form(web_client):
    with override_settings(MUTUALS_MAX_UPLOAD_BYTES=1024 * 1024):
        response = web_client.generic(
            "POST",
            "/me/imports/",
            data=b"--x--\r\n",  # the rest is never sent: it is never asked for
            content_type="multipart/form-data; boundary=x",
            CONTENT_LENGTH=str(300 * 1024 * 1024),
        )
    assert response.status_code == 422
    assert "larger than 1 MB" in response.content.decode()
    assert not Import.objects.exists()


class WorkerKilled(BaseException):
    """What a killed worker looks like from inside: not an Exception, so nothing catches it
    and marks the import failed; the database rolls back the open transaction."""


def _kill_after_first_write(monkeypatch):
    real = bulk.insert_ignoring_conflicts
    calls = []

    def insert(*args, **kwargs):
        real(*args, **kwargs)
        calls.append(1)
        raise WorkerKilled

    monkeypatch.setattr(bulk, "insert_ignoring_conflicts", insert)
    return real


def _stop_mid_import(member, monkeypatch):
    created = import_create(
        owner=member, file_name="export.zip", upload=as_upload(small_export()), background=False
    )
    real = _kill_after_first_write(monkeypatch)
    with pytest.raises(WorkerKilled):
        import_run(import_id=created.pk)
    monkeypatch.setattr(bulk, "insert_ignoring_conflicts", real)
    created.refresh_from_db()
    assert created.status == Import.Status.RUNNING  # as a killed worker leaves it
    assert not Contact.objects.exists()  # the write phase is one transaction: nothing half-done
    assert not ContactInteraction.objects.exists()
    return created


def test_an_import_whose_worker_was_killed_completes_on_the_next_sweep(
    member, monkeypatch, django_capture_on_commit_callbacks, capsys
):
    created = _stop_mid_import(member, monkeypatch)
    assert imports_recover_stalled() == (0, 0)  # its heartbeat is fresh: maybe still running
    Import.objects.filter(pk=created.pk).update(
        heartbeat_at=timezone.now() - STALE_AFTER - timedelta(seconds=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        call_command("sweep")
    assert "queued 1 stopped imports again and failed 0" in capsys.readouterr().out
    created.refresh_from_db()
    assert created.status == Import.Status.DONE
    assert created.attempts == 2
    assert Contact.objects.filter(owner=member, is_connection=True).count() == 7
    assert not ImportPayload.objects.exists()


def test_an_import_stopped_too_often_is_failed_with_a_message_at_worker_start(
    member, monkeypatch, django_capture_on_commit_callbacks
):
    from mutuals.core import worker_start

    created = _stop_mid_import(member, monkeypatch)
    Import.objects.filter(pk=created.pk).update(
        attempts=MAX_ATTEMPTS, heartbeat_at=timezone.now() - STALE_AFTER - timedelta(minutes=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        worker_start.run_all()  # what `mutuals worker` does before its first task
    created.refresh_from_db()
    assert created.status == Import.Status.FAILED
    assert created.error is not None
    assert created.error["code"] == "import_stopped"
    assert "nothing was imported" in created.error["message"]
    assert not Contact.objects.exists()
    assert not ImportPayload.objects.exists()
    assert imports_recover_stalled() == (0, 0)  # recovered once


def test_a_windows_1252_copy_is_imported_as_written(member):
    """Connections.csv re-saved by Excel on Western Windows (it was refused as "not UTF-8")."""
    resaved = CONNECTIONS.replace("Lovelace", "Lövelace").replace("MI6", "Société Générale")
    created = import_create(
        owner=member,
        file_name="export.zip",
        upload=as_upload(small_export(**{"Connections.csv": resaved.encode("cp1252")})),
        background=False,
    )
    done = import_run(import_id=created.pk)
    assert done is not None
    assert done.status == Import.Status.DONE
    assert Contact.objects.get(owner=member, name="Ada Lövelace").company == "Analytical"
    assert Contact.objects.filter(owner=member, company="Société Générale").count() == 1


def test_an_upload_streamed_to_a_temporary_file_is_moved_not_read(
    api_client, django_capture_on_commit_callbacks
):
    """Past FILE_UPLOAD_MAX_MEMORY_SIZE an upload is a temporary file on disk; the import
    takes it over from there (moved into the imports storage) and imports it."""
    with (
        override_settings(FILE_UPLOAD_MAX_MEMORY_SIZE=0),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = api_client.post(
            "/api/imports/linkedin",
            {"file": SimpleUploadedFile("export.zip", small_export())},
        )
    assert response.status_code == 202, response.content
    status = api_client.get(f"/api/imports/{response.json()['id']}").json()
    assert status["status"] == "done"
    assert status["counts"]["connections"] == 8
