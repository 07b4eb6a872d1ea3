"""Import services: accept or refuse an export, run the import (idempotent, one transaction),
merge a newer export, delete what an import brought, and "bring them in"."""

from __future__ import annotations

import pytest

from mutuals.accounts.services import profile_update
from mutuals.accounts.tests.factories import make_member
from mutuals.connections.models import Block, Connection
from mutuals.core.errors import NotFound, Refused
from mutuals.imports.models import Contact, ContactInteraction, Import, ImportPayload
from mutuals.imports.selectors import bring_them_in
from mutuals.imports.services import import_create, import_delete, import_run
from mutuals.imports.tasks import import_linkedin
from mutuals.imports.tests.helpers import (
    CONNECTIONS,
    EXPORT_2018,
    EXPORT_2022,
    FIXTURES,
    as_upload,
    small_export,
    zip_folder,
)

pytestmark = pytest.mark.django_db

LATIN_1 = CONNECTIONS.replace("Lovelace", "Lövelace").encode("latin-1")


def _import(member, data=None, name="export.zip"):
    created = import_create(
        owner=member,
        file_name=name,
        upload=as_upload(data or small_export(), name),
        background=False,
    )
    return import_run(import_id=created.pk)


def test_an_export_is_imported_into_the_private_contact_book(member):
    done = _import(member)
    assert done.status == Import.Status.DONE
    assert done.progress == 100
    assert done.error is None
    assert not ImportPayload.objects.exists()  # the upload is not kept
    contacts = Contact.objects.filter(owner=member)
    assert contacts.filter(is_connection=True).count() == 7
    ada = contacts.get(name="Ada Lovelace")
    assert (ada.messages_sent, ada.messages_received) == (2, 2)
    assert ada.profile_url == "https://www.linkedin.com/in/ada"
    assert ada.connected_on is not None
    assert ada.connected_on.year == 2019
    assert ada.interactions.filter(kind="message_received").count() == 2
    assert done.counts["connections"] == 8  # 7 named and 1 hidden (only a date)
    assert done.counts["contacts"] == contacts.count()
    assert done.audit["never_messaged"]["count"] == 2


def test_real_exports_import(member):
    """The two real, pseudonymised exports in tests/data, as the ZIP LinkedIn sends."""
    first = _import(member, zip_folder(EXPORT_2018), "Complete_LinkedInDataExport_2018.zip")
    second = _import(member, zip_folder(EXPORT_2022), "Complete_LinkedInDataExport_2022.zip")
    assert first.status == second.status == Import.Status.DONE
    assert Contact.objects.filter(owner=member, is_connection=True).count() == 15 + 20
    assert first.audit["totals"]["messages_excluded"] == {"sponsored": 3}
    assert second.audit["owner"]["name"] == "Tomas Kavya"
    # Endorsements (the UTF-16 + TAB file and its UTF-8 copy, read once) are interactions.
    endorsed = ContactInteraction.objects.filter(owner=member, kind="endorsement_received")
    assert endorsed.count() == 22
    assert endorsed.filter(contact__name="Liam Wanjiru", excerpt="MySQL").exists()


def test_every_named_connection_is_its_own_contact(member):
    """The hostile corpus: 192 named connections whose names and URLs repeat and collide,
    some over 300 characters; each is one contact (the 28 hidden ones are counted, never
    contacts)."""
    path = FIXTURES / "connections-corpus.csv"
    done = _import(member, path.read_bytes(), "Connections.csv")
    assert done.status == Import.Status.DONE
    assert done.counts["connections"] == 220
    assert done.counts["connections_hidden"] == 28
    assert Contact.objects.filter(owner=member, is_connection=True).count() == 192


def test_not_an_export_is_refused_and_nothing_is_stored(member):
    with pytest.raises(Refused) as caught:
        import_create(
            owner=member,
            file_name="budget.csv",
            upload=as_upload(b"Month,Amount\nJan,1\n", "budget.csv"),
        )
    assert caught.value.code == "invalid_export"
    assert caught.value.detail == {
        "file": "budget.csv",
        "line": 1,
        "reason": caught.value.detail["reason"],
    }
    assert not Import.objects.exists()
    assert not ImportPayload.objects.exists()


@pytest.mark.parametrize(
    ("data", "file", "line"),
    [
        (small_export(**{"Connections.csv": CONNECTIONS + 'Zed,"Ze"d,,,,,1 Jan 2024\n'}),
         "Connections.csv", CONNECTIONS.count("\n") + 1),
        (small_export(**{"Connections.csv": CONNECTIONS.encode() + b"\x00\x01binary"}),
         "Connections.csv", CONNECTIONS.count("\n") + 1),
    ],
    ids=["broken-row", "binary-data"],
)  # fmt: skip
def test_a_bad_file_inside_the_export_fails_the_import_and_imports_nothing(
    member, data, file, line
):
    """The web request only glances at an upload; the worker finds the broken row and the
    import fails naming the file and line, with nothing stored and the upload deleted."""
    result = _import(member, data)
    assert result.status == Import.Status.FAILED
    assert (result.error["detail"]["file"], result.error["detail"]["line"]) == (file, line)
    assert file in result.error["message"]
    assert f"line {line}" in result.error["message"]
    assert not Contact.objects.exists()
    assert not ImportPayload.objects.exists()


def test_a_failure_while_running_marks_the_import_failed_and_stores_nothing(
    member, django_capture_on_commit_callbacks
):
    created = import_create(
        owner=member, file_name="export.zip", upload=as_upload(small_export()), background=False
    )
    payload = ImportPayload.objects.get(import_run=created)
    stored = str(payload.file.name)
    with payload.file.storage.open(stored, "wb") as stream:
        stream.write(b"PK\x03\x04 cut short")
    with django_capture_on_commit_callbacks(execute=True):
        result = import_run(import_id=created.pk)
    assert result is not None
    assert result.error is not None
    assert result.status == Import.Status.FAILED
    assert result.error["code"] == "invalid_export"
    assert result.error["detail"]["file"] == "export.zip"
    assert not Contact.objects.exists()
    assert not ImportPayload.objects.exists()
    assert not payload.file.storage.exists(stored)  # the upload is not kept


def test_running_twice_changes_nothing_the_second_time(member):
    done = _import(member)
    before = (Contact.objects.count(), ContactInteraction.objects.count())
    again = import_run(import_id=done.pk)
    assert again is not None
    assert again.status == Import.Status.DONE
    assert (Contact.objects.count(), ContactInteraction.objects.count()) == before


def test_the_task_is_idempotent(member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        created = import_create(
            owner=member, file_name="export.zip", upload=as_upload(small_export())
        )
    # Queued once, after the commit, and run inline (ImmediateBackend); its upload deleted
    # once the import committed.
    assert [getattr(c, "func", c).__name__ for c in callbacks] == ["<lambda>", "delete"]
    created.refresh_from_db()
    assert created.status == Import.Status.DONE
    counts = (Contact.objects.count(), ContactInteraction.objects.count())
    import_linkedin.enqueue(created.pk)  # a retry, a duplicate delivery
    import_linkedin.call(created.pk)
    assert (Contact.objects.count(), ContactInteraction.objects.count()) == counts


def test_a_newer_export_merges_without_duplicates(member):
    _import(member)
    counts = (Contact.objects.count(), ContactInteraction.objects.count())
    newer_connections = CONNECTIONS + (
        "Hal,Nine,https://www.linkedin.com/in/hal,,Discovery,Computer,1 Jun 2025\n"
    )
    newer = _import(member, small_export(**{"Connections.csv": newer_connections}))
    assert newer.status == Import.Status.DONE
    assert Contact.objects.count() == counts[0] + 1
    assert ContactInteraction.objects.count() == counts[1]
    assert Contact.objects.filter(owner=member, name="Ada Lovelace").count() == 1


def test_delete_removes_what_the_import_brought_and_keeps_what_another_brought(member):
    first = _import(member)
    newer = _import(
        member,
        small_export(
            **{
                "Connections.csv": CONNECTIONS
                + "Hal,Nine,https://www.linkedin.com/in/hal,,Discovery,Computer,1 Jun 2025\n"
            }
        ),
    )
    import_delete(viewer=member, import_id=newer.pk)
    assert not Contact.objects.filter(name="Hal Nine").exists()
    assert Contact.objects.filter(name="Ada Lovelace").exists()  # the first import has her
    assert ContactInteraction.objects.filter(contact__name="Ada Lovelace").count() == 4 + 0
    import_delete(viewer=member, import_id=first.pk)
    assert not Contact.objects.exists()
    assert not ContactInteraction.objects.exists()
    assert not Import.objects.exists()


def test_imports_are_private(member, other):
    mine = _import(member)
    with pytest.raises(NotFound):
        import_delete(viewer=other, import_id=mine.pk)
    assert Import.objects.filter(pk=mine.pk).exists()


def test_contact_books_are_separate(member, other):
    _import(member)
    _import(other)
    assert (
        Contact.objects.filter(owner=member).count() == Contact.objects.filter(owner=other).count()
    )
    assert not Contact.objects.filter(owner=other, interactions__owner=member).exists()


def test_bring_them_in_matches_members_by_profile_url_or_email(member, other):
    ada = make_member(name="Ada Lovelace", email="ADA@example.com")  # by e-mail, any case
    bob = make_member(name="Bob Builder", email="bob@elsewhere.test")
    profile_update(user=bob, headline="Foreman")
    bob.profile.linkedin_url = "http://linkedin.com/in/Bob/?trk=profile"  # by URL, any shape
    bob.profile.save()
    cleo = make_member(name="Cleo Patra")
    cleo.profile.linkedin_url = "https://www.linkedin.com/in/cleo"
    cleo.profile.save()
    dan = make_member(name="Dan Dare")
    dan.profile.linkedin_url = "https://www.linkedin.com/in/dan"
    dan.profile.save()
    Connection.objects.create(
        member_low=min(member, cleo, key=lambda u: u.pk),
        member_high=max(member, cleo, key=lambda u: u.pk),
        created_at=ada.date_joined,
    )  # already connected here: no suggestion
    Block.objects.create(blocker=dan, blocked=member)  # blocked: no suggestion
    _import(member)
    suggestions = {s.member.pk: s for s in bring_them_in(member)}
    assert set(suggestions) == {ada.pk, bob.pk}
    assert suggestions[ada.pk].context == "connected on LinkedIn since 2019"
    assert suggestions[ada.pk].matched_by == "email"
    assert suggestions[bob.pk].context == "connected on LinkedIn since 2024"
    assert suggestions[bob.pk].matched_by == "profile_url"
    assert bring_them_in(other) == []  # other has no contact book


def test_bring_them_in_leaves_out_a_member_removed_in_the_last_21_days(member):
    """Ada is in the LinkedIn export and was a connection here until either removed it:
    "bring them in" does not offer her again before either may ask (then it does)."""
    from datetime import timedelta

    from django.utils import timezone

    from mutuals.connections.models import ConnectionRemoval
    from mutuals.connections.services import connection_create
    from mutuals.engagement.removals import connection_remove

    ada = make_member(name="Ada Lovelace", email="ada@example.com")
    connection = connection_create(member=member, other=ada)
    connection_remove(member=ada, connection_id=connection.pk)
    _import(member)
    assert ada.pk not in {s.member.pk for s in bring_them_in(member)}
    ConnectionRemoval.objects.update(at=timezone.now() - timedelta(days=22))
    assert ada.pk in {s.member.pk for s in bring_them_in(member)}


def test_an_unexpected_error_fails_the_import_and_leaves_nothing(member, monkeypatch):
    from mutuals.imports import services

    created = import_create(
        owner=member, file_name="export.zip", upload=as_upload(small_export()), background=False
    )

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "_store", explode)
    with pytest.raises(RuntimeError):
        import_run(import_id=created.pk)
    created.refresh_from_db()
    assert created.status == Import.Status.FAILED
    assert created.error is not None
    assert created.error["code"] == "import_failed"
    assert not Contact.objects.exists()
    assert not ContactInteraction.objects.exists()


def test_interactions_written_in_slices_are_the_same_as_written_at_once(member, other, monkeypatch):
    """The contact book's interactions go in slices (memory); a slice of three gives the same
    rows, each once, each linked to its import, as one slice of everything."""
    from mutuals.imports import services
    from mutuals.imports.models import InteractionSource

    whole = _import(member, zip_folder(EXPORT_2022), "export.zip")
    monkeypatch.setattr(services, "INTERACTION_SLICE", 3)
    sliced = _import(other, zip_folder(EXPORT_2022), "export.zip")
    again = _import(other, zip_folder(EXPORT_2022), "again.zip")

    def book(owner):
        return sorted(
            ContactInteraction.objects.filter(owner=owner).values_list(
                "contact__key", "kind", "occurred_at", "excerpt", "fingerprint"
            )
        )

    assert book(member) == book(other)
    assert sliced.counts["interactions"] == whole.counts["interactions"] == len(book(other))
    for run in (sliced, again):  # the second import links every row it brought, none twice
        linked = InteractionSource.objects.filter(import_run=run)
        assert linked.count() == len(book(other)) == linked.distinct().count()
