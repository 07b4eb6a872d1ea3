"""Prepared statements on PostgreSQL (issue 20, config/settings/base.py): a statement every
request sends is parsed and planned once per connection, not once per request."""

from __future__ import annotations

import pytest
from django.db import connection

from config.settings.base import PREPARE_AFTER_RUNS
from mutuals.accounts.models import User
from mutuals.accounts.services import api_token_authenticate, api_token_create
from mutuals.accounts.tests.factories import make_member

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="PostgreSQL's prepared statements"
    ),
]


def _prepared() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def test_the_token_lookup_is_prepared_after_a_few_requests() -> None:
    """The statement behind every signed API request (the token, its member) is a prepared
    statement of the connection once it has run the threshold's number of times."""
    member = make_member()
    _, raw = api_token_create(user=member, label="prepared")
    connection.ensure_connection()

    for _ in range(PREPARE_AFTER_RUNS + 1):
        assert api_token_authenticate(raw) == member

    assert any('"accounts_apitoken"."token_hash"' in statement for statement in _prepared())


def test_values_are_bound_by_the_server_not_written_into_the_statement() -> None:
    """Server-side binding: the statement PostgreSQL keeps has `$1` where the value was, so
    one prepared statement serves every member."""
    for member in [make_member() for _ in range(6)]:
        assert User.objects.filter(pk=member.pk, email=member.email).exists()

    kept = [s for s in _prepared() if '"accounts_user"."email" = $' in s]
    assert len(kept) == 1
