"""Reading connections writes nothing (issue 20: no write inside a GET).

The connections list and a connection's page, in the API and on the site, used to create the
member's missing Tie rows when read (`ties_ensure`): a write on every first read, and a query
on every read. The rows are made where connections are made (`pact_open`), by the migration
for old ones and by the sweep for connections written in bulk (`ties.ties_ensure_all`)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection as db
from django.test.utils import CaptureQueriesContext

from mutuals.accounts.tests.clients import api_client_for, web_client_for
from mutuals.accounts.tests.factories import make_member
from mutuals.connections.services import connection_create
from mutuals.engagement.models import Tie
from mutuals.engagement.ties import ties_ensure_all

pytestmark = pytest.mark.django_db

WRITES = ("INSERT", "UPDATE", "DELETE")


def writes_in(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(WRITES)]


@pytest.fixture
def bare():
    """A connection with no Tie row (written without the pact, as a bulk load does)."""
    ana, ben = make_member(name="Ana Bare"), make_member(name="Ben Bare")
    connection = connection_create(member=ana, other=ben)
    assert not Tie.objects.filter(connection=connection).exists()
    return ana, ben, connection


def test_reading_connections_writes_nothing(bare):
    ana, _, connection = bare
    api, web = api_client_for(ana), web_client_for(ana)
    api.get("/api/me")  # the token's "last used" stamp, written once
    paths = [
        (api, "/api/connections"),
        (api, f"/api/connections/{connection.pk}"),
        (web, "/connections/"),
        (web, f"/connections/{connection.pk}/"),
    ]
    with CaptureQueriesContext(db) as queries:
        statuses = [client.get(path).status_code for client, path in paths]
    assert statuses == [200, 200, 200, 200]
    assert writes_in(queries) == []
    assert not Tie.objects.filter(connection=connection).exists()


def test_a_connection_without_its_tie_row_reads_as_a_tie_just_begun(bare):
    ana, ben, connection = bare
    body = api_client_for(ana).get(f"/api/connections/{connection.pk}").json()
    assert body["id"] == connection.pk
    assert body["member"]["id"] == ben.pk
    assert body["tier"] == "acquaintance"
    assert body["state"] in {"engaged", "warm", "fading", "stagnant", "resting"}
    page = web_client_for(ana).get(f"/connections/{connection.pk}/")
    assert page.status_code == 200
    assert "Ben Bare" in page.content.decode()


def test_the_sweep_writes_the_missing_tie_rows_and_pages_then_list_them(bare, capsys):
    ana, ben, connection = bare
    call_command("sweep")
    assert "wrote 2 missing tie rows" in capsys.readouterr().out
    assert set(Tie.objects.filter(connection=connection).values_list("member_id", "other_id")) == {
        (ana.pk, ben.pk),
        (ben.pk, ana.pk),
    }
    assert ties_ensure_all() == 0  # once
    items = api_client_for(ana).get("/api/connections").json()["items"]
    assert [item["id"] for item in items] == [connection.pk]
