"""`connections.services.connection_open` opens engagement's pact: engagement registers it from
`EngagementConfig.ready()`, because connections stands below engagement and may not import it."""

import pytest

from mutuals.connections import services
from mutuals.connections.services import block_create, connection_open
from mutuals.core.errors import NotFound
from mutuals.engagement.models import Obligation, Tie
from mutuals.engagement.services import pact_open

pytestmark = pytest.mark.django_db


class TestConnectionOpen:
    """`connection_open`: connect and open what a new connection starts with; engagement
    registers its pact from `EngagementConfig.ready()` (connections may not import it)."""

    def test_engagement_registered_its_pact(self):
        assert services._openers == [pact_open]

    def test_connecting_opens_the_pact(self, member, other):
        connection = connection_open(member=member, other=other, intent="advice")
        assert connection.intent == "advice"
        kinds = sorted(
            Obligation.objects.filter(connection=connection).values_list("kind", "party_id")
        )
        assert kinds == sorted(
            [("first_message", member.pk), ("first_message", other.pk), ("first_exchange", None)]
        )
        assert Tie.objects.filter(connection=connection).count() == 2

    def test_every_registered_opener_runs_once_per_connection(self, member, other, monkeypatch):
        opened = []

        def opener(*, connection, at=None):
            opened.append((connection.pk, at))

        monkeypatch.setattr(services, "_openers", list(services._openers))
        services.connection_opener_register(opener)
        services.connection_opener_register(opener)  # registering twice is harmless
        connection = services.connection_open(member=member, other=other)
        assert opened == [(connection.pk, connection.created_at)]

    def test_a_refused_connection_opens_nothing(self, member, other):
        block_create(blocker=other, blocked=member)
        with pytest.raises(NotFound):
            connection_open(member=member, other=other)
        assert not Obligation.objects.exists()
