"""The graph answers from measured relationship strength, and an answer changes right after
whatever it depends on changes: tie strengths recomputed, a member closing themselves to
introductions, a company or topic edited. Each change is run with its commit callbacks, as a
request would."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from django.utils import timezone

from mutuals.accounts.services import boundaries_update, profile_update
from mutuals.engagement.services import interaction_record
from mutuals.engagement.ties import ties_recompute
from mutuals.graph.search import EVENT_WEIGHT
from mutuals.introductions import graph
from mutuals.introductions.graph import current_snapshot
from mutuals.introductions.models import GraphChange
from mutuals.introductions.services import tie_strength
from mutuals.introductions.strength import tie_edge_strength
from mutuals.introductions.tests.factories import make_cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(member):
    return make_cast(member)


def first_hops(api_client, target_id: int) -> list[int]:
    paths = api_client.get(f"/api/introductions/paths?to={target_id}").json()["paths"]
    return [p["members"][1] for p in paths]


def talk(a, b, *, days_ago: float, key: str) -> None:
    """A meeting and a reply between a and b: a real two-way exchange."""
    at = timezone.now() - timedelta(days=days_ago)
    interaction_record(actor=a, counterpart=b, kind="meeting", at=at, source_key=f"{key}-m")
    interaction_record(
        actor=b, counterpart=a, kind="reply", at=at + timedelta(hours=1), source_key=f"{key}-r"
    )


class TestEdgeStrength:
    def test_either_side_resting_is_zero(self):
        at = datetime(2026, 11, 1, tzinfo=UTC)
        assert tie_edge_strength([(0.9, at, None), (0.9, at, at)]) == 0.0

    def test_the_most_recently_computed_side_wins(self):
        old, new = datetime(2026, 10, 1, tzinfo=UTC), datetime(2026, 11, 1, tzinfo=UTC)
        assert tie_edge_strength([(0.8, old, None), (0.3, new, None)]) == pytest.approx(0.3)
        assert tie_edge_strength([(0.3, new, None), (0.8, old, None)]) == pytest.approx(0.3)

    def test_uncomputed_rows_leave_the_default(self):
        assert tie_edge_strength([(0.05, None, None), (0.05, None, None)]) is None
        assert tie_edge_strength([]) is None


class TestStrengths:
    def test_the_path_follows_measured_strength_right_after_ties_recompute(
        self, api_client, cast, django_capture_on_commit_callbacks
    ):
        # By the default (age of the tie) Kwame, a connection of a year, is the better
        # introducer than Lena, a connection of two days.
        assert first_hops(api_client, cast.thandi.pk) == [cast.kwame.pk, cast.lena.pk]
        built = graph._state
        assert built is not None
        # Sam and Lena, and Lena and Thandi, talk; Sam never talked to Kwame. Recording the
        # interactions recomputes both members' ties once committed.
        with django_capture_on_commit_callbacks(execute=True):
            talk(cast.sam, cast.lena, days_ago=1, key="sam-lena")
            talk(cast.lena, cast.thandi, days_ago=1, key="lena-thandi")
        assert GraphChange.objects.filter(member_id=cast.sam.pk).exists()
        # Sam's silent tie with Kwame is measured now (never in touch: too weak to carry an
        # introduction), and Lena's two are strong.
        silent = tie_strength(cast.sam.pk, cast.kwame.pk)
        close = tie_strength(cast.sam.pk, cast.lena.pk)
        assert silent is not None
        assert silent < 0.01
        assert close is not None
        assert close > 0.3
        assert first_hops(api_client, cast.thandi.pk) == [cast.lena.pk]
        # Patched, not rebuilt: the same build, with new strengths.
        assert graph._state is not None
        assert graph._state.read_at == built.read_at
        snapshot = current_snapshot()
        sam, lena = snapshot.node_of(cast.sam.pk), snapshot.node_of(cast.lena.pk)
        assert sam is not None
        assert lena is not None
        assert snapshot.strength(sam, lena) == pytest.approx(close, rel=1e-5)

    def test_a_patch_equals_a_full_rebuild(self, cast, django_capture_on_commit_callbacks):
        current_snapshot()
        built = graph._state
        assert built is not None
        with django_capture_on_commit_callbacks(execute=True):
            talk(cast.sam, cast.kwame, days_ago=3, key="sam-kwame")
            boundaries_update(user=cast.lena, open_to_introductions=False)
        patched = current_snapshot()  # as published by the builder and mapped back
        assert graph._state is not None
        assert graph._state.read_at == built.read_at  # patched, not rebuilt
        rebuilt = graph.build_from_database(version=patched.version)
        # Default strengths grow with a tie's age, read from the clock at each build: on a
        # loaded machine the rebuild runs seconds after the patch, which moves an untouched
        # default by ~1e-5. A patch that missed a change moves it by 0.01 or more.
        np.testing.assert_allclose(patched.strengths, rebuilt.strengths, rtol=0, atol=1e-4)
        assert (patched.open_to_introductions == rebuilt.open_to_introductions).all()

    def test_a_rolled_back_recompute_logs_nothing(self, cast, django_capture_on_commit_callbacks):
        from django.db import transaction

        def recompute_then_fail() -> None:
            with transaction.atomic():
                ties_recompute(member_id=cast.sam.pk)
                raise RuntimeError

        with (
            django_capture_on_commit_callbacks(execute=True) as callbacks,
            pytest.raises(RuntimeError),
        ):
            recompute_then_fail()
        assert callbacks == []
        assert not GraphChange.objects.exists()


class TestBadges:
    def test_degree_and_mutual_badges_follow_a_connection_and_a_block_at_once(self, cast):
        """Profile and list badges come from the cached circle, which is rebuilt with the
        snapshot: the next answer after a connection or a block already reflects it."""
        from mutuals.connections.services import block_create, connection_create
        from mutuals.introductions.selectors import proximity_for

        def badges() -> dict[int, tuple[int | None, int]]:
            found = proximity_for(cast.sam.pk, [cast.thandi.pk, cast.omar.pk, cast.kwame.pk])
            return {member: (p.degree, p.mutual_count) for member, p in found.items()}

        assert badges() == {
            cast.thandi.pk: (2, 2),  # through Kwame and Lena
            cast.omar.pk: (None, 0),
            cast.kwame.pk: (1, 0),
        }
        connection_create(member=cast.thandi, other=cast.omar)
        assert badges()[cast.omar.pk] == (3, 0)
        block_create(blocker=cast.kwame, blocked=cast.thandi)
        assert badges()[cast.thandi.pk] == (2, 1)  # Lena only
        assert proximity_for(cast.sam.pk, [cast.sam.pk])[cast.sam.pk].degree is None


class TestMembers:
    def test_closing_to_introductions_takes_the_member_off_paths_at_once(
        self, cast, django_capture_on_commit_callbacks
    ):
        from mutuals.graph import strongest_paths

        def hops() -> list[int]:
            paths = strongest_paths(current_snapshot(), cast.sam.pk, to=cast.thandi.pk)
            return [p.members[1] for p in paths]

        assert hops() == [cast.kwame.pk, cast.lena.pk]
        # The snapshot itself (not only the selectors' re-check) drops Kwame as introducer.
        with django_capture_on_commit_callbacks(execute=True):
            boundaries_update(user=cast.kwame, open_to_introductions=False)
        assert hops() == [cast.lena.pk]
        with django_capture_on_commit_callbacks(execute=True):
            boundaries_update(user=cast.kwame, open_to_introductions=True)
        assert hops() == [cast.kwame.pk, cast.lena.pk]

    def test_other_boundaries_change_nothing_for_the_graph(
        self, cast, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            boundaries_update(user=cast.kwame, weekly_capacity=5)
        assert not GraphChange.objects.exists()

    def test_a_new_company_is_searched_right_after_the_edit(
        self, api_client, cast, django_capture_on_commit_callbacks
    ):
        def to_company(name: str) -> list[list[int]]:
            body = api_client.get(f"/api/introductions/paths?company={name}").json()
            return [p["members"] for p in body["paths"]]

        assert to_company("Acme Rail")[0][-1] == cast.thandi.pk
        assert to_company("Harbour Bank") == []
        with django_capture_on_commit_callbacks(execute=True):
            profile_update(user=cast.thandi, company="Harbour Bank")
        assert to_company("Acme Rail") == []
        assert to_company("Harbour Bank")[0] == [cast.sam.pk, cast.kwame.pk, cast.thandi.pk]

    def test_suggestion_reasons_follow_a_topic_edit(
        self, api_client, cast, django_capture_on_commit_callbacks
    ):
        def reasons() -> list[str]:
            items = api_client.get("/api/recommendations/people").json()["items"]
            return [r for item in items for r in item["reasons"]]

        assert "You both follow Risk management" in reasons()
        with django_capture_on_commit_callbacks(execute=True):
            profile_update(user=cast.thandi, topics=["Supplier contracts", "Agile"])
        assert "You both follow Agile" in reasons()
        assert "You both follow Risk management" not in reasons()


class TestSharedEvents:
    """People you may know: Adamic–Adar plus shared topics plus events both attended."""

    def test_an_event_both_checked_in_at_raises_the_suggestion_with_its_reason(
        self, api_client, cast, django_capture_on_commit_callbacks
    ):
        from mutuals.accounts.tests.factories import make_member
        from mutuals.connections.services import connection_create
        from mutuals.events.services.checkin import attendance_mark
        from mutuals.events.tests.factories import attend, make_event

        priya = make_member(name="Priya Raman")
        connection_create(member=cast.kwame, other=priya)

        def suggestion(member_id: int) -> dict:
            items = api_client.get("/api/recommendations/people").json()["items"]
            return next(item for item in items if item["member"]["id"] == member_id)

        before = suggestion(priya.pk)
        assert before["reasons"] == ["1 mutual connection: Kwame Asante"]
        workshop = make_event(title="Schedule risk workshop", starts_in=timedelta(hours=-3))
        for member in (cast.sam, priya):
            attend(workshop, member)
        with django_capture_on_commit_callbacks(execute=True):
            for member in (cast.sam, priya):
                attendance_mark(
                    organizer=workshop.organizer, event_id=workshop.pk, member_id=member.pk
                )
        after = suggestion(priya.pk)
        assert after["reasons"] == [
            "1 mutual connection: Kwame Asante",
            "You both attended Schedule risk workshop",
        ]
        assert after["score"] == pytest.approx(before["score"] + EVENT_WEIGHT, rel=1e-6)

    def test_going_without_checking_in_or_hiding_the_attendance_is_no_reason(
        self, api_client, cast, django_capture_on_commit_callbacks
    ):
        from mutuals.events.services.checkin import attendance_set_hidden
        from mutuals.events.tests.factories import attend, make_event

        def thandi_reasons() -> list[str]:
            items = api_client.get("/api/recommendations/people").json()["items"]
            return next(i["reasons"] for i in items if i["member"]["id"] == cast.thandi.pk)

        upcoming = make_event(title="Rail suppliers meetup")
        attend(upcoming, cast.sam)
        attend(upcoming, cast.thandi)
        assert not any("attended" in reason for reason in thandi_reasons())
        past = make_event(title="Contracts clinic", starts_in=timedelta(hours=-3))
        attend(past, cast.sam, checked_in=True)
        attend(past, cast.thandi, checked_in=True)
        graph.forget_snapshot()  # the factory wrote the check-ins directly
        assert "You both attended Contracts clinic" in thandi_reasons()
        with django_capture_on_commit_callbacks(execute=True):
            attendance_set_hidden(member=cast.thandi, event_id=past.pk, hidden=True)
        assert not any("attended" in reason for reason in thandi_reasons())
