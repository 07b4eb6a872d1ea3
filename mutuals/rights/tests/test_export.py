"""Download my data (issue 18): the archive holds each kind of the member's data, in formats
real parsers read (json, csv, vobject for the vCard, icalendar for the calendar), and nothing
another member keeps to themselves."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import timedelta

import icalendar
import pytest
import vobject
from django.test import Client
from django.utils import timezone

from mutuals.accounts.models import User
from mutuals.accounts.services import api_token_create, boundaries_update, privacy_update
from mutuals.accounts.tests.clients import api_client_for, web_client_for
from mutuals.accounts.tests.factories import make_member
from mutuals.accounts.tests.test_api import assert_envelope
from mutuals.connections.models import Invitation, InvitationState
from mutuals.connections.services import block_create, connection_create
from mutuals.connections.tests.factories import invitation_row
from mutuals.core.errors import Conflict
from mutuals.engagement.models import Collaboration, Collaborator, Notification
from mutuals.engagement.notifications import notify
from mutuals.events.tests.factories import attend, make_event
from mutuals.feed.services import comment_create, post_create, reaction_set
from mutuals.imports.models import Contact
from mutuals.introductions.models import Introduction
from mutuals.mentorship.tests.factories import active, make_mentor
from mutuals.messaging.services import conversation_start
from mutuals.rights import services
from mutuals.rights.models import DataExport, ExportStatus

pytestmark = pytest.mark.django_db


@dataclass
class World:
    sam: User
    thandi: User
    ana: User


def _invitation(sender: User, recipient: User, message: str, state: str) -> Invitation:
    """A request as history; a queued one waits three days for delivery."""
    now = timezone.now()
    delivered = now + timedelta(days=3) if state == InvitationState.QUEUED else now
    return invitation_row(
        sender, recipient, at=now, message=message, state=state, deliver_at=delivered
    )


@pytest.fixture
def world() -> World:
    """Sam, whose data is exported, with one of everything; Thandi, his connection; Ana, a
    member he knows only through others, with her own private life on the platform."""
    sam = make_member(
        name="Sam Okafor",
        email="sam@example.com",
        profile={"headline": "Supplier risk at Kestrel", "company": "Kestrel", "topics": ["Agile"]},
    )
    thandi = make_member(
        name="Thandi Mokoena",
        email="thandi@example.com",
        profile={"company": "Acme Rail", "title": "Head of risk", "location": "Leeds, UK"},
    )
    ana = make_member(name="Ana Lima", email="ana@example.com")
    boundaries_update(user=sam, weekly_capacity=7)
    connection_create(member=sam, other=thandi)
    connection_create(member=thandi, other=ana)
    conversation_start(creator=sam, participant_ids=[thandi.pk], text="SAM-MESSAGE to Thandi")
    conversation_start(creator=thandi, participant_ids=[sam.pk], text="THANDI-REPLY to Sam")
    # Thandi and Ana between themselves: none of it is Sam's.
    conversation_start(creator=thandi, participant_ids=[ana.pk], text="SECRET-THANDI-TO-ANA")
    boundaries_update(user=thandi, weekly_capacity=3, time_zone="Pacific/Chatham")
    Contact.objects.create(owner=thandi, key="k1", name="SECRET-THANDI-CONTACT")
    notify(member=thandi, key="t:1", kind="test", title="SECRET-THANDI-NOTIFICATION")
    # Queued for Sam by someone else than Ana: one request waits per pair (issue 17).
    _invitation(
        make_member(name="Lena Berg"), sam, "SECRET-QUEUED-NOT-DELIVERED", InvitationState.QUEUED
    )
    post_create(
        author=ana, kind="insight", body="SECRET-ANA-CONNECTIONS-ONLY", visibility="connections"
    )

    # Sam's own.
    _invitation(sam, ana, "SAM-INVITE set aside by Ana", InvitationState.IGNORED)
    _invitation(make_member(name="Kofi Mensah"), sam, "KOFI-INVITE to Sam", InvitationState.PENDING)
    post_create(author=sam, kind="insight", body="SAM-POST on supplier risk")
    thandi_post = post_create(author=thandi, kind="question", body="Thandi asks about risk")
    comment_create(author=sam, post_id=thandi_post.pk, body="SAM-COMMENT on Thandi's question")
    reaction_set(member=sam, post_id=thandi_post.pk, kind="insightful")
    event = make_event(sam, title="SAM-EVENT risk workshop")
    attend(make_event(thandi, title="Thandi's meetup"), sam)
    mentor, offer = make_mentor(name="Grace Mentor")
    connection_create(member=sam, other=mentor)
    active(sam, offer)
    Introduction.objects.create(
        requester=sam,
        introducer=thandi,
        target=ana,
        context_kind="other",
        intent="advice",
        message="SAM-INTRO-REQUEST via Thandi",
        score=70,
        verdict="personal",
        first_hop_strength=0.5,
        created_at=timezone.now(),
    )
    collaboration = Collaboration.objects.create(
        title="SAM-COLLABORATION supplier playbook",
        proposer=sam,
        origin="event",
        event=event,
        created_at=timezone.now(),
    )
    Collaborator.objects.create(
        collaboration=collaboration,
        member=sam,
        state="confirmed",
        invited_at=timezone.now(),
        responded_at=timezone.now(),
    )
    Collaborator.objects.create(
        collaboration=collaboration, member=thandi, state="invited", invited_at=timezone.now()
    )
    Contact.objects.create(
        owner=sam, key="k2", name="SAM-CONTACT from LinkedIn", email="old@colleague.example"
    )
    notify(member=sam, key="s:1", kind="test", title="SAM-NOTIFICATION")
    block_create(blocker=sam, blocked=make_member(name="Blocked Person"))
    return World(sam=sam, thandi=thandi, ana=ana)


@pytest.fixture
def ask(django_capture_on_commit_callbacks):
    """Ask for an export as `client` does, running what the commit starts (the task)."""

    def ask(client: Client, path: str = "/api/me/export", **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(path, **kwargs)

    return ask


def _download(client: Client, ask) -> zipfile.ZipFile:
    started = ask(client)
    assert started.status_code == 202, started.content
    status = client.get("/api/me/export").json()
    assert status["state"] == "ready"
    response = client.get(status["download_url"])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    return zipfile.ZipFile(io.BytesIO(response.content))


def _text(archive: zipfile.ZipFile) -> str:
    return "\n".join(archive.read(name).decode() for name in archive.namelist())


class TestTheArchive:
    def test_has_each_file(self, world, ask):
        archive = _download(api_client_for(world.sam), ask)
        assert sorted(archive.namelist()) == [
            "README.txt",
            "connections.csv",
            "connections.vcf",
            "data.json",
            "events.ics",
        ]
        assert "Sam Okafor <sam@example.com>" in archive.read("README.txt").decode()

    def test_data_json_holds_each_kind_of_the_members_data(self, world, ask):
        data = json.loads(_download(api_client_for(world.sam), ask).read("data.json"))
        assert data["format"] == "mutuals-export"
        assert data["member"]["email"] == "sam@example.com"
        assert data["profile"]["headline"] == "Supplier risk at Kestrel"
        assert data["profile"]["topics"] == ["Agile"]
        assert data["boundaries"]["weekly_capacity"] == 7
        connected = {c["member"]["name"] for c in data["connections"]}
        assert connected == {"Thandi Mokoena", "Grace Mentor"}
        assert {p["party"]["name"] for p in data["pact"]} >= {"Sam Okafor", "Grace Mentor"}
        assert data["invitations"]["sent"][0]["message"] == "SAM-INVITE set aside by Ana"
        assert data["invitations"]["received"][0]["message"] == "KOFI-INVITE to Sam"
        texts = [m["text"] for c in data["conversations"] for m in c["messages"]]
        assert texts == ["SAM-MESSAGE to Thandi", "THANDI-REPLY to Sam"]
        assert [p["body"] for p in data["posts"]] == ["SAM-POST on supplier risk"]
        assert data["comments"][0]["body"] == "SAM-COMMENT on Thandi's question"
        assert data["reactions"][0]["kind"] == "insightful"
        assert data["events"]["organized"][0]["title"] == "SAM-EVENT risk workshop"
        attended = {a["event"]["title"] for a in data["events"]["attendance"]}
        assert "Thandi's meetup" in attended
        mentorship = data["mentorship"]["mentorships"][0]
        assert mentorship["mentor"]["name"] == "Grace Mentor"
        assert mentorship["state"] == "active"
        assert mentorship["goals"]
        assert data["introductions"][0]["message"] == "SAM-INTRO-REQUEST via Thandi"
        assert data["collaborations"][0]["title"] == "SAM-COLLABORATION supplier playbook"
        assert data["contact_book"]["contacts"][0]["name"] == "SAM-CONTACT from LinkedIn"
        assert "SAM-NOTIFICATION" in [n["title"] for n in data["notifications"]]
        assert data["blocks"][0]["member"]["name"] == "Blocked Person"

    def test_a_request_set_aside_still_reads_pending_to_its_sender(self, world, ask):
        data = json.loads(_download(api_client_for(world.sam), ask).read("data.json"))
        assert data["invitations"]["sent"][0]["state"] == "pending"
        assert "ignored" not in json.dumps(data["invitations"])

    def test_nothing_another_member_keeps_to_themselves(self, world, ask):
        _, raw_token = api_token_create(user=world.sam, label="script")
        client = Client(headers={"Authorization": f"Bearer {raw_token}"})
        text = _text(_download(client, ask))
        assert raw_token not in text
        assert raw_token[:10] in text  # its prefix, as the tokens page shows it
        for secret in (
            "SECRET-THANDI-TO-ANA",
            "SECRET-THANDI-CONTACT",
            "SECRET-THANDI-NOTIFICATION",
            "SECRET-QUEUED-NOT-DELIVERED",
            "SECRET-ANA-CONNECTIONS-ONLY",
            "thandi@example.com",
            "ana@example.com",
            "Pacific/Chatham",  # Thandi's boundaries
            "pbkdf2",
            "md5$",  # no password hash
        ):
            assert secret not in text, secret

    def test_connections_csv(self, world, ask):
        archive = _download(api_client_for(world.sam), ask)
        rows = list(csv.DictReader(io.StringIO(archive.read("connections.csv").decode())))
        thandi = next(r for r in rows if r["name"] == "Thandi Mokoena")
        assert thandi["company"] == "Acme Rail"
        assert thandi["title"] == "Head of risk"
        assert thandi["profile_url"] == f"http://testserver/members/{world.thandi.pk}/"
        assert len(rows) == 2

    def test_vcard_carries_the_contact_details_each_connection_allows(self, world, ask):
        """Thandi lets connections take her e-mail and phone, not her LinkedIn profile;
        Grace allows nothing."""
        world.thandi.profile.linkedin_url = "https://www.linkedin.com/in/thandi-m"
        world.thandi.profile.save()
        privacy_update(
            user=world.thandi, phone="+44 113 555 0199", shared_contacts=["email", "phone"]
        )
        text = _download(api_client_for(world.sam), ask).read("connections.vcf").decode()
        cards = {card.fn.value: card for card in vobject.readComponents(text)}
        thandi = cards["Thandi Mokoena"]
        assert thandi.email.value == "thandi@example.com"
        assert thandi.tel.value == "tel:+44-113-555-0199"
        assert "x-socialprofile" not in thandi.contents
        assert "linkedin" not in text
        grace = cards["Grace Mentor"]
        assert "email" not in grace.contents
        assert "tel" not in grace.contents
        privacy_update(user=world.thandi, shared_contacts=["linkedin_url"])
        text = _download(api_client_for(world.sam), ask).read("connections.vcf").decode()
        thandi = next(c for c in vobject.readComponents(text) if c.fn.value == "Thandi Mokoena")
        assert thandi.x_socialprofile.value == "https://www.linkedin.com/in/thandi-m"
        assert "email" not in thandi.contents

    def test_vcard_4_parses_and_carries_no_email(self, world, ask):
        archive = _download(api_client_for(world.sam), ask)
        text = archive.read("connections.vcf").decode()
        cards = {card.fn.value: card for card in vobject.readComponents(text)}
        assert set(cards) == {"Thandi Mokoena", "Grace Mentor"}
        thandi = cards["Thandi Mokoena"]
        assert thandi.version.value == "4.0"
        assert thandi.org.value == ["Acme Rail"]
        assert thandi.title.value == "Head of risk"
        assert thandi.url.value == f"http://testserver/members/{world.thandi.pk}/"
        assert "email" not in thandi.contents

    def test_vcard_escapes_and_folds(self, world, ask):
        world.thandi.profile.headline = "Risk, contracts; and a very long headline " * 3
        world.thandi.profile.save()
        text = _download(api_client_for(world.sam), ask).read("connections.vcf").decode()
        assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
        card = next(c for c in vobject.readComponents(text) if c.fn.value == "Thandi Mokoena")
        assert card.note.value == world.thandi.profile.headline

    def test_events_ics_parses(self, world, ask):
        archive = _download(api_client_for(world.sam), ask)
        calendar = icalendar.Calendar.from_ical(archive.read("events.ics"))
        titles = {str(e["SUMMARY"]) for e in calendar.walk("VEVENT")}
        assert titles == {"SAM-EVENT risk workshop", "Thandi's meetup"}


class TestRequestingAndDownloading:
    def test_prepared_in_the_background_and_notified(self, member, ask):
        client = api_client_for(member)
        body = ask(client).json()
        # The immediate task backend ran the preparation on commit.
        assert body["state"] == "preparing"
        assert body["download_url"] is None
        status = client.get("/api/me/export").json()
        assert status["state"] == "ready"
        assert status["size"] > 0
        assert status["expires_at"] is not None
        note = Notification.objects.get(member=member, kind="export_ready")
        assert note.url == "/me/data/"

    def test_asking_while_preparing_answers_the_same_export(self, member):
        first = services.export_request(member=member, base_url="http://x")
        DataExport.objects.filter(pk=first.pk).update(status=ExportStatus.PREPARING)
        again = services.export_request(member=member, base_url="http://x")
        assert again.pk == first.pk
        assert DataExport.objects.count() == 1

    def test_preparing_twice_builds_and_notifies_once(self, member):
        export = services.export_request(member=member, base_url="http://x")
        assert services.export_prepare(export_id=export.pk)
        assert not services.export_prepare(export_id=export.pk)
        assert Notification.objects.filter(member=member, kind="export_ready").count() == 1

    def test_a_build_that_fails_is_marked_failed_told_and_can_be_asked_again(
        self, member, monkeypatch, caplog
    ):
        def broken(*args, **kwargs):
            raise ValueError("disk full")

        monkeypatch.setattr(services, "build_zip", broken)
        export = services.export_request(member=member, base_url="http://x")
        assert not services.export_prepare(export_id=export.pk)
        export.refresh_from_db()
        assert export.status == ExportStatus.FAILED
        assert Notification.objects.filter(member=member, kind="export_failed").exists()
        assert "Data export" in caplog.text
        again = services.export_request(member=member, base_url="http://x")
        assert again.pk != export.pk
        assert again.status == ExportStatus.PREPARING

    def test_not_ready_yet_is_a_conflict(self, member):
        export = DataExport.objects.create(
            member=member, base_url="http://x", requested_at=timezone.now()
        )
        response = api_client_for(member).get(f"/api/me/export/{export.pk}/download")
        body = assert_envelope(response, 409, "export_not_ready")
        assert body["detail"]["state"] == "preparing"

    def test_the_link_expires_and_the_archive_is_dropped(self, member, ask):
        client = api_client_for(member)
        ask(client)
        export = DataExport.objects.get(member=member)
        assert export.expires_at is not None
        later = export.expires_at + timedelta(seconds=1)
        with pytest.raises(Conflict) as refused:
            services.export_for_download(member=member, export_id=export.pk, now=later)
        assert refused.value.code == "export_expired"
        assert services.exports_expire(now=later) == 1
        export.refresh_from_db()
        assert export.status == ExportStatus.EXPIRED
        assert export.content is None
        assert client.get("/api/me/export").json()["state"] == "expired"
        response = client.get(f"/api/me/export/{export.pk}/download")
        assert assert_envelope(response, 409, "export_expired")["detail"]["state"] == "expired"

    def test_another_members_export_is_not_found(self, member, other, ask):
        ask(api_client_for(member))
        export = DataExport.objects.get(member=member)
        response = api_client_for(other).get(f"/api/me/export/{export.pk}/download")
        assert_envelope(response, 404, "not_found")
        assert_envelope(api_client_for(other).get("/api/me/export"), 404, "not_found")
        assert_envelope(
            api_client_for(other).get(f"/api/me/export/{2**70}/download"), 404, "not_found"
        )

    def test_signed_out(self, member):
        assert_envelope(Client().post("/api/me/export"), 401, "not_authenticated")
        assert_envelope(Client().get("/api/me/export"), 401, "not_authenticated")
        assert_envelope(Client().get("/api/me/export/1/download"), 401, "not_authenticated")
        assert not DataExport.objects.exists()


class TestThePage:
    def test_ask_then_download(self, member, ask):
        client = web_client_for(member)
        page = client.get("/me/data/")
        assert b"Prepare my data" in page.content
        assert ask(client, "/me/data/export/")["Location"] == "/me/data/"
        response = client.get("/me/data/")
        assert b"We are preparing your data" in response.content
        assert b"Download ZIP" in response.content
        export = DataExport.objects.get(member=member)
        download = client.get(f"/me/data/export/{export.pk}/download/")
        assert download["Content-Type"] == "application/zip"
        assert "data.json" in zipfile.ZipFile(io.BytesIO(download.content)).namelist()

    def test_an_expired_link_says_so_on_the_page(self, member, ask):
        client = web_client_for(member)
        ask(client, "/me/data/export/")
        DataExport.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
        export = DataExport.objects.get()
        response = client.get(f"/me/data/export/{export.pk}/download/", follow=True)
        assert b"This download link has expired" in response.content
        assert b"has expired" in response.content

    def test_another_members_download_is_a_404_page(self, member, other, ask):
        ask(web_client_for(member), "/me/data/export/")
        export = DataExport.objects.get(member=member)
        response = web_client_for(other).get(f"/me/data/export/{export.pk}/download/")
        assert response.status_code == 404

    def test_signed_out_is_sent_to_sign_in(self, member):
        assert Client().get("/me/data/").status_code == 302
        assert Client().post("/me/data/export/").status_code == 302
        assert not DataExport.objects.exists()

    def test_get_does_not_ask(self, member):
        assert web_client_for(member).get("/me/data/export/").status_code == 405
        assert not DataExport.objects.exists()
