"""Removing a connection (docs/api.md "Connections, messages, engagement", docs/design.md §4
"When a connection ends"): through the API and the connection's page, what closes and what
stays, who is told, the 21-day wait after, and everything that follows (both members' lists,
ties, insights, the graph's next answer)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.formats import date_format

from mutuals.accounts.tests.clients import api_client_for, web_client_for
from mutuals.connections.models import Connection, ConnectionRemoval
from mutuals.connections.services import connection_create, invitation_accept
from mutuals.connections.tests.factories import make_pair, send
from mutuals.core.errors import Conflict
from mutuals.engagement import removals, services
from mutuals.engagement.models import Notification, Obligation, Tie
from mutuals.engagement.ties import ties_ensure, ties_recompute

pytestmark = pytest.mark.django_db


@pytest.fixture
def connected():
    sender, recipient, mutual = make_pair()
    invitation = send(sender, recipient, mutual)
    connection = invitation_accept(member=recipient, invitation_id=invitation.pk)
    return sender, recipient, mutual, connection


def _ids(client: Client) -> set[int]:
    return {item["id"] for item in client.get("/api/connections").json()["items"]}


def test_delete_removes_the_connection_for_both_and_closes_the_pact(connected):
    sam, thandi, _, connection = connected
    # Sam has said hello: that item is met and stays met; the rest are open.
    services.interaction_record(
        actor=sam, counterpart=thandi, kind="message", at=timezone.now(), source_key="rm:1"
    )
    met = set(
        Obligation.objects.filter(connection=connection, fulfilled_at__isnull=False).values_list(
            "pk", flat=True
        )
    )
    assert met
    open_ones = set(
        Obligation.objects.filter(
            connection=connection, fulfilled_at__isnull=True, cancelled_at__isnull=True
        ).values_list("pk", flat=True)
    )
    assert open_ones
    sam_api, thandi_api = api_client_for(sam), api_client_for(thandi)
    assert connection.pk in _ids(sam_api)
    assert connection.pk in _ids(thandi_api)

    response = sam_api.delete(f"/api/connections/{connection.pk}")

    assert response.status_code == 204
    assert response.content == b""
    assert not Connection.objects.filter(pk=connection.pk).exists()
    assert connection.pk not in _ids(sam_api)
    assert connection.pk not in _ids(thandi_api)
    assert sam_api.get(f"/api/connections/{connection.pk}").status_code == 404
    # The pact's items are kept with the pair: the open ones closed as `removed`, the met
    # one untouched.
    items = {o.pk: o for o in Obligation.objects.filter(pk__in=met | open_ones)}
    assert len(items) == len(met | open_ones)
    for pk in open_ones:
        assert items[pk].closed_reason == "removed"
        assert items[pk].cancelled_at is not None
    for pk in met:
        assert items[pk].closed_reason == ""
        assert items[pk].fulfilled_at is not None
    assert {(o.member_low_id, o.member_high_id) for o in items.values()} == {
        tuple(sorted((sam.pk, thandi.pk)))
    }
    # Both members' ties on it went with it; the audit row says who removed it, and when.
    assert not Tie.objects.filter(connection_id=connection.pk).exists()
    removal = ConnectionRemoval.objects.get()
    assert removal.removed_by == sam
    assert (removal.pair_low, removal.pair_high) == tuple(sorted((sam.pk, thandi.pk)))


def test_the_other_member_is_not_told(connected, django_capture_on_commit_callbacks):
    sam, thandi, _, connection = connected
    before = set(Notification.objects.filter(member=thandi).values_list("pk", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        assert api_client_for(sam).delete(f"/api/connections/{connection.pk}").status_code == 204
    assert set(Notification.objects.filter(member=thandi).values_list("pk", flat=True)) == before


def test_either_member_may_remove_it_and_refusals_are_not_found(connected):
    sam, thandi, mutual, connection = connected
    stranger = make_pair(sender_name="X Y", recipient_name="Z W")[0]
    assert api_client_for(stranger).delete(f"/api/connections/{connection.pk}").status_code == 404
    # A connection of Thandi's that Sam is not part of is not Sam's to remove.
    with_mutual = Connection.objects.get(
        member_low_id=min(thandi.pk, mutual.pk), member_high_id=max(thandi.pk, mutual.pk)
    )
    response = api_client_for(sam).delete(f"/api/connections/{with_mutual.pk}")
    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    response = Client().delete(f"/api/connections/{connection.pk}")
    assert (response.status_code, response.json()["code"]) == (401, "not_authenticated")
    assert Connection.objects.filter(pk=connection.pk).exists()
    # The recipient of the original request may remove it as well as the sender; again is gone.
    thandi_api = api_client_for(thandi)
    assert thandi_api.delete(f"/api/connections/{connection.pk}").status_code == 204
    response = thandi_api.delete(f"/api/connections/{connection.pk}")
    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    response = api_client_for(sam).delete(f"/api/connections/{connection.pk}")
    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    assert ConnectionRemoval.objects.count() == 1


def test_a_new_request_either_way_waits_21_days_after_a_removal(connected):
    sam, thandi, mutual, connection = connected
    removals.connection_remove(member=sam, connection_id=connection.pk)
    # Kwame stays connected to both, so the context is still verifiable.
    for sender, recipient in ((sam, thandi), (thandi, sam)):
        with pytest.raises(Conflict) as refused:
            send(sender, recipient, mutual)
        assert refused.value.code == "reinvite_too_soon"
        assert "either of you can ask again" in refused.value.message
        retry_at = refused.value.detail["retry_at"]
        assert retry_at.startswith(str((timezone.now() + timedelta(days=21)).date()))
    response = api_client_for(thandi).post(
        "/api/invitations",
        {
            "recipient_id": sam.pk,
            "context": {"kind": "mutual", "ref": str(mutual.pk)},
            "intent": "advice",
            "message": "Hi Sam, Kwame suggested I write about supplier contracts at Kestrel.",
        },
        content_type="application/json",
    )
    assert (response.status_code, response.json()["code"]) == (409, "reinvite_too_soon")
    # 21 days on, either may ask again, and a new acceptance opens a new pact.
    ConnectionRemoval.objects.update(at=timezone.now() - timedelta(days=21, minutes=1))
    invitation = send(thandi, sam, mutual)
    again = invitation_accept(member=sam, invitation_id=invitation.pk)
    assert again.pk != connection.pk
    assert Obligation.objects.filter(connection=again, cancelled_at__isnull=True).exists()


def test_tiers_are_ranked_again_and_insights_follow(connected, django_capture_on_commit_callbacks):
    sam, thandi, mutual, connection = connected
    for member in (sam, thandi):
        ties_ensure(member_id=member.pk)
        ties_recompute(member_id=member.pk)
    health = api_client_for(sam).get("/api/insights/health").json()
    assert health["connections"] == 2
    stamped = Tie.objects.get(member=sam, other=mutual).computed_at
    with django_capture_on_commit_callbacks(execute=True):
        removals.connection_remove(member=thandi, connection_id=connection.pk)
    # Both members' remaining ties were recomputed after the commit (their ranks changed).
    recomputed = Tie.objects.get(member=sam, other=mutual).computed_at
    assert stamped is not None
    assert recomputed is not None
    assert recomputed > stamped
    assert Tie.objects.filter(member=thandi, other=mutual).exists()
    assert api_client_for(sam).get("/api/insights/health").json()["connections"] == 1
    html = web_client_for(sam).get("/insights/").content.decode()
    assert "Thank Thandi Mokoena" not in html


# --- The connection's page ------------------------------------------------------------------


def test_the_page_offers_remove_with_a_confirmation_that_says_what_happens(connected):
    sam, _, _, connection = connected
    page = web_client_for(sam).get(f"/connections/{connection.pk}/").content.decode()
    assert '<details class="remove-connection"' in page
    assert "<summary>Remove connection</summary>" in page
    assert "Remove Thandi Mokoena from your connections?" in page
    assert "open items close as removed" in page
    assert "Thandi is not notified" in page
    reinvite = date_format(timezone.localtime() + timedelta(days=21), "j F Y")
    assert f"Either of you can send a new request from {reinvite}, 21 days from now" in page
    assert f'action="/connections/{connection.pk}/remove/"' in page
    assert f'hx-post="/connections/{connection.pk}/remove/"' in page
    assert "Yes, remove Thandi" in page


def test_posting_removes_and_returns_to_the_list(connected):
    sam, thandi, _, connection = connected
    client = web_client_for(sam)
    response = client.post(f"/connections/{connection.pk}/remove/", follow=True)
    assert response.redirect_chain == [("/connections/", 302)]
    html = response.content.decode()
    assert "Removed Thandi Mokoena from your connections. They are not told" in html
    assert not Connection.objects.filter(pk=connection.pk).exists()
    assert f'href="/connections/{connection.pk}/"' not in html
    assert f'href="/connections/{connection.pk}/"' not in (
        web_client_for(thandi).get("/connections/").content.decode()
    )
    # Gone: the page says so (links to it were made before: test_nudges_after_removal.py);
    # the action is not found now.
    assert client.get(f"/connections/{connection.pk}/").status_code == 410
    assert client.post(f"/connections/{connection.pk}/remove/").status_code == 404


def test_htmx_is_sent_to_the_list(connected):
    sam, _, _, connection = connected
    response = web_client_for(sam).post(
        f"/connections/{connection.pk}/remove/", headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/connections/"
    assert not Connection.objects.filter(pk=connection.pk).exists()


def test_the_page_action_needs_post_csrf_and_the_connection(connected):
    sam, _, _, connection = connected
    client = web_client_for(sam)
    assert client.get(f"/connections/{connection.pk}/remove/").status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(sam)
    assert strict.post(f"/connections/{connection.pk}/remove/").status_code == 403
    stranger = make_pair(sender_name="A B", recipient_name="C D")[0]
    assert web_client_for(stranger).post(f"/connections/{connection.pk}/remove/").status_code == 404
    assert Connection.objects.filter(pk=connection.pk).exists()


def test_a_connection_without_an_invitation_can_be_removed(connected):
    """Connections made by a mentorship or an introduction (or before the pact) have no
    request behind them; they are removed the same way."""
    sam, _, _, _ = connected
    other = make_pair(sender_name="P Q", recipient_name="R S")[0]
    plain = connection_create(member=sam, other=other)
    assert api_client_for(other).delete(f"/api/connections/{plain.pk}").status_code == 204
    assert not Connection.objects.filter(pk=plain.pk).exists()
