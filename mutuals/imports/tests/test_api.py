"""The imports API (docs/api.md "Imports"): 202 on upload, 422 invalid_export naming the file and
line, status and audit, delete; another member's import is 404."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from mutuals.accounts.tests.clients import api_client_for
from mutuals.accounts.tests.factories import make_member
from mutuals.imports.models import Contact, Import
from mutuals.imports.tests.helpers import EXPORT_2022, small_export

pytestmark = pytest.mark.django_db


def _upload(client, data, name="export.zip"):
    return client.post("/api/imports/linkedin", {"file": SimpleUploadedFile(name, data)})


@pytest.fixture
def imported(api_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(api_client, small_export())
    assert response.status_code == 202
    return response.json()["id"]


def test_upload_answers_202_and_the_import_runs_in_the_background(
    api_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = _upload(api_client, small_export())
    assert response.status_code == 202
    body = response.json()
    assert body == {"id": body["id"], "status": "pending"}
    assert len(callbacks) == 1  # the task is queued after the commit
    status = api_client.get(f"/api/imports/{body['id']}").json()
    assert status["status"] == "pending"
    assert status["progress"] == 0
    callbacks[0]()
    status = api_client.get(f"/api/imports/{body['id']}").json()
    assert status["status"] == "done"
    assert status["progress"] == 100
    assert status["error"] is None
    assert status["counts"]["connections"] == 8  # 7 named and 1 hidden (only a date)
    assert status["counts"]["connections_hidden"] == 1
    assert status["counts"]["messages"] == 12


def test_a_single_csv_upload_works(api_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(
            api_client, (EXPORT_2022 / "Connections.csv").read_bytes(), "Connections.csv"
        )
    assert response.status_code == 202
    assert api_client.get(f"/api/imports/{response.json()['id']}").json()["status"] == "done"


def test_not_an_export_is_422_invalid_export_naming_file_and_line(api_client):
    response = _upload(api_client, b"Month,Amount\nJan,1\n", "budget.csv")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_export"
    assert body["detail"]["file"] == "budget.csv"
    assert body["detail"]["line"] == 1
    assert "budget.csv" in body["message"]
    assert not Import.objects.exists()


def test_a_broken_row_fails_the_import_with_its_line(
    api_client, django_capture_on_commit_callbacks
):
    """The request only glances at the upload; the worker reads it and fails the import,
    naming the file and line."""
    data = small_export(
        **{"Invitations.csv": 'From,To,Sent At,Message,Direction\nA,B,x,"hi"there,OUTGOING\n'}
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(api_client, data)
    assert response.status_code == 202
    status = api_client.get(f"/api/imports/{response.json()['id']}").json()
    assert status["status"] == "failed"
    assert status["error"]["code"] == "invalid_export"
    assert (status["error"]["detail"]["file"], status["error"]["detail"]["line"]) == (
        "Invitations.csv",
        2,
    )
    assert not Contact.objects.exists()


def test_a_missing_file_field_is_422(api_client):
    response = api_client.post("/api/imports/linkedin", {})
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_fields"


def test_the_audit(api_client, imported):
    response = api_client.get(f"/api/imports/{imported}/audit")
    assert response.status_code == 200
    audit = response.json()
    assert audit["id"] == imported
    assert audit["owner"]["name"] == "Sam Owner"
    assert audit["never_messaged"]["count"] == 2
    assert audit["one_way"]["only_you"]["count"] == 2  # Bob, and Fay in the group
    assert audit["one_way"]["only_them"]["count"] == 1  # Cleo
    assert audit["invitations"] == {
        "sent": 4,
        "without_note": 1,
        "share_without_note": 0.25,
        "with_note": 3,
    }
    [cluster] = audit["templates"]["clusters"]
    assert cluster["size"] == 3
    assert sorted(cluster["recipients"]) == ["Bob Builder", "Eve Moneypenny", "Fay Wray"]
    assert [p["name"] for p in audit["reengage"]] == ["Ada Lovelace", "Cleo Patra"]
    assert all(p["reason"] for p in audit["reengage"])
    assert audit["totals"]["messages_excluded"] == {
        "drafts": 1,
        "linkedin_member": 1,
        "sponsored": 1,
    }
    assert sum(audit["strength"]["tiers"].values()) == 7
    assert audit["version"] == 3
    assert (audit["totals"]["connections"], audit["totals"]["connections_hidden"]) == (8, 1)
    who = audit["charts"]["who_writes"]
    assert sum(part["count"] for part in who["parts"]) == who["total"] == 7
    assert who["left_out"][0]["label"] == "hidden connections"
    assert audit["not_relationships"]["own_profiles"] == []
    assert audit["bring_them_in"] == []


def test_the_audit_lists_members_to_bring_in(api_client, imported):
    ada = make_member(name="Ada Lovelace", email="ada@example.com")
    audit = api_client.get(f"/api/imports/{imported}/audit").json()
    assert audit["bring_them_in"] == [
        {
            "member_id": ada.pk,
            "name": "Ada Lovelace",
            "headline": "",
            "context": "connected on LinkedIn since 2019",
            "matched_by": "email",
            "contact_name": "Ada Lovelace",
        }
    ]


def test_the_audit_of_an_unfinished_import_is_409(api_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        created = _upload(api_client, small_export()).json()
    response = api_client.get(f"/api/imports/{created['id']}/audit")
    assert response.status_code == 409
    assert response.json()["code"] == "import_not_finished"


def test_another_members_import_is_404_everywhere(imported):
    stranger = make_member(name="Eve Stranger")
    client = api_client_for(stranger)
    for response in (
        client.get(f"/api/imports/{imported}"),
        client.get(f"/api/imports/{imported}/audit"),
        client.delete(f"/api/imports/{imported}"),
    ):
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
    assert client.get("/api/imports").json()["items"] == []
    assert Import.objects.filter(pk=imported).exists()


def test_delete_removes_everything_the_import_brought(api_client, imported):
    assert Contact.objects.exists()
    response = api_client.delete(f"/api/imports/{imported}")
    assert response.status_code == 204
    assert not Contact.objects.exists()
    assert api_client.get(f"/api/imports/{imported}").status_code == 404


def test_list(api_client, imported):
    body = api_client.get("/api/imports").json()
    assert [item["id"] for item in body["items"]] == [imported]
    assert body["next"] is None


def test_signed_out_is_401():
    assert Client().post("/api/imports/linkedin", {}).status_code == 401
    assert Client().get("/api/imports/1").status_code == 401
