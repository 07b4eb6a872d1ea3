"""No GET of the API writes (issue 20): reading is a read, on any server, on a replica too.

Every GET operation of the API's document without a path parameter, and the HTTP benchmark's
mix (a path to a member two steps away, a connection's page), asked twice as the demo's Sam:
the second time, no INSERT, UPDATE or DELETE reaches the database. (The first may stamp the
token's "last used" time, at most once a minute: `accounts.services.api_token_authenticate`.)
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mutuals.accounts.models import User
from mutuals.accounts.tests.clients import api_client_for
from mutuals.connections.models import Connection
from mutuals.site import demo_cast
from mutuals.site.demo import demo_seed

pytestmark = pytest.mark.django_db

WRITES = ("INSERT", "UPDATE", "DELETE")


def get_paths(client) -> list[str]:
    """The API's GET operations with no path parameter, from its OpenAPI document."""
    document = client.get("/api/openapi.json").json()
    return sorted(
        path
        for path, operations in document["paths"].items()
        if "get" in operations and "{" not in path
    )


def test_no_get_of_the_api_writes():
    demo_seed()
    sam = User.objects.get(email=f"sam@{demo_cast.DEMO_EMAIL_DOMAIN}")
    theirs = Connection.objects.filter(member_low=sam) | Connection.objects.filter(member_high=sam)
    first = theirs.order_by("pk").first()
    assert first is not None
    stranger = (
        User.objects.exclude(pk=sam.pk)
        .exclude(pk__in=[c.other_id(sam.pk) for c in theirs])
        .order_by("pk")
        .first()
    )
    assert stranger is not None
    client = api_client_for(sam)
    paths = [
        *get_paths(client),
        f"/api/connections/{first.pk}",
        f"/api/introductions/paths?to={stranger.pk}",
    ]
    assert len(paths) > 20
    statuses = {path: client.get(path).status_code for path in paths}
    assert not [path for path, status in statuses.items() if status >= 500]
    with CaptureQueriesContext(connection) as queries:
        for path in paths:
            client.get(path)
    writes = [q["sql"][:120] for q in queries if q["sql"].lstrip().upper().startswith(WRITES)]
    assert writes == []
