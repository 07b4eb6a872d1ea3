"""Member services: every rule and every refusal, and that a refusal changes nothing."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.db import IntegrityError, transaction
from django.utils import timezone

from mutuals.accounts.models import ALL_INTENTS, ApiToken, Boundaries, Profile, Topic, User
from mutuals.accounts.services import (
    MAX_ACTIVE_TOKENS,
    api_token_authenticate,
    api_token_create,
    api_token_revoke,
    boundaries_update,
    member_register,
    profile_update,
)
from mutuals.accounts.tests.factories import make_member
from mutuals.accounts.topics import topic_slug
from mutuals.core.errors import Conflict, NotFound, Refused

pytestmark = pytest.mark.django_db


class TestMemberRegister:
    def test_creates_member_with_profile_boundaries_and_verified_email(self):
        user = member_register(email=" Ada@Example.COM ", password="long enough pw 7", name="Ada")
        assert user.email == "ada@example.com"
        assert Profile.objects.filter(user=user).exists()
        boundaries = Boundaries.objects.get(user=user)
        assert boundaries.open_intents == ALL_INTENTS
        assert EmailAddress.objects.get(user=user).verified
        assert user.check_password("long enough pw 7")

    def test_refuses_taken_email_case_insensitively(self, member):
        with pytest.raises(Conflict) as caught:
            member_register(email="SAM@example.com", password="long enough pw 7", name="Sam")
        assert caught.value.code == "email_taken"
        assert User.objects.count() == 1

    def test_refuses_bad_email_weak_password_and_blank_name_together(self):
        with pytest.raises(Refused) as caught:
            member_register(email="not-an-email", password="123", name="   ")
        fields = caught.value.detail["fields"]
        assert set(fields) == {"email", "password", "name"}
        assert User.objects.count() == 0

    def test_database_refuses_duplicate_email_even_past_the_service(self, member):
        with pytest.raises(IntegrityError), transaction.atomic():
            User.objects.create(email="sam@example.com", name="Copy")


class TestProfileUpdate:
    def test_topics_are_normalized_and_reused_across_members(self, member, other):
        profile_update(user=member, topics=["Risk Management", "agile"])
        profile_update(user=other, topics=["  risk   management ", "Agile", "AGILE"])
        assert Topic.objects.count() == 2
        assert Topic.objects.get(slug="risk-management").name == "Risk Management"
        assert sorted(t.slug for t in other.profile.topics.all()) == ["agile", "risk-management"]

    def test_fields_not_given_stay_as_they_are(self, member):
        profile_update(user=member, company="Kestrel", title="PM", topics=["PMO"])
        profile_update(user=member, headline="Delivery lead")
        member.profile.refresh_from_db()
        assert member.profile.company == "Kestrel"
        assert member.profile.headline == "Delivery lead"
        assert [t.name for t in member.profile.topics.all()] == ["PMO"]

    def test_name_change_updates_the_account(self, member):
        profile_update(user=member, name="  Samuel   Okafor ")
        member.refresh_from_db()
        assert member.name == "Samuel Okafor"

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"name": "  "}, "name"),
            ({"headline": "x" * 161}, "headline"),
            ({"bio": "x" * 2001}, "bio"),
            ({"topics": [f"topic {n}" for n in range(13)]}, "topics"),
            ({"topics": ["!!!"]}, "topics"),
            ({"topics": ["x" * 41]}, "topics"),
            ({"offers": [f"offer {n}" for n in range(9)]}, "offers"),
            ({"looking_for": ["y" * 121]}, "looking_for"),
        ],
    )
    def test_refuses_invalid_field_and_saves_nothing(self, member, change, field):
        profile_update(user=member, company="Before", topics=["Before"])
        with pytest.raises(Refused) as caught:
            profile_update(user=member, company="After", **change)
        assert field in caught.value.detail["fields"]
        member.profile.refresh_from_db()
        assert member.profile.company == "Before"
        assert [t.name for t in member.profile.topics.all()] == ["Before"]

    def test_offers_are_trimmed_and_deduplicated(self, member):
        profile = profile_update(
            user=member, offers=[" Reviewing charters ", "reviewing charters", ""]
        )
        assert profile.offers == ["Reviewing charters"]

    def test_linkedin_address_is_normalized_or_refused(self, member):
        profile = profile_update(user=member, linkedin_url=" linkedin.com/in/Sam-Okafor/?trk=x ")
        assert profile.linkedin_url == "https://www.linkedin.com/in/sam-okafor"
        with pytest.raises(Refused) as caught:
            profile_update(user=member, linkedin_url="https://example.com/sam")
        assert "linkedin_url" in caught.value.detail["fields"]
        assert profile_update(user=member, linkedin_url="").linkedin_url == ""

    def test_topic_slug_is_spelling_insensitive(self):
        assert (
            topic_slug(" Risk  MANAGEMENT ") == topic_slug("risk management") == "risk-management"
        )


class TestBoundariesUpdate:
    def test_updates_given_fields_in_canonical_intent_order(self, member):
        boundaries = boundaries_update(
            user=member, weekly_capacity=3, open_intents=["peer", "advice", "peer"]
        )
        assert boundaries.weekly_capacity == 3
        assert boundaries.open_intents == ["advice", "peer"]
        assert boundaries.min_personalization == 40  # untouched default

    def test_empty_intents_close_the_member_to_every_request(self, member):
        assert boundaries_update(user=member, open_intents=[]).open_intents == []

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"weekly_capacity": 0}, "weekly_capacity"),
            ({"weekly_capacity": 51}, "weekly_capacity"),
            ({"open_intents": ["advice", "gossip"]}, "open_intents"),
            ({"min_personalization": 101}, "min_personalization"),
            ({"min_personalization": -1}, "min_personalization"),
            ({"quiet_until": timezone.now() - timedelta(hours=1)}, "quiet_until"),
            (
                {"quiet_until": timezone.now().replace(tzinfo=None) + timedelta(days=1)},
                "quiet_until",
            ),
        ],
    )
    def test_refuses_invalid_values_and_saves_nothing(self, member, change, field):
        with pytest.raises(Refused) as caught:
            boundaries_update(user=member, low_bandwidth=True, **change)
        assert field in caught.value.detail["fields"]
        member.boundaries.refresh_from_db()
        assert member.boundaries.low_bandwidth is False

    def test_quiet_period_set_and_cleared(self, member):
        until = timezone.now() + timedelta(days=3)
        assert boundaries_update(user=member, quiet_until=until).is_quiet()
        assert not boundaries_update(user=member, quiet_until=None).is_quiet()

    def test_database_constraint_backs_the_capacity_rule(self, member):
        with pytest.raises(IntegrityError), transaction.atomic():
            Boundaries.objects.filter(user=member).update(weekly_capacity=0)


class TestApiTokens:
    def test_only_the_hash_is_stored_and_the_token_authenticates(self, member):
        token, raw = api_token_create(user=member, label="script")
        stored = ApiToken.objects.get(pk=token.pk)
        assert raw not in {stored.token_hash, stored.prefix}
        assert stored.token_hash == hashlib.sha256(raw.encode()).hexdigest()
        assert api_token_authenticate(raw) == member
        assert ApiToken.objects.get(pk=token.pk).last_used_at is not None

    def test_revoked_unknown_and_inactive_tokens_do_not_authenticate(self, member):
        token, raw = api_token_create(user=member, label="script")
        assert api_token_authenticate(raw + "x") is None
        assert api_token_authenticate("Bearer " + raw) is None
        api_token_revoke(user=member, token_id=token.pk)
        assert api_token_authenticate(raw) is None
        _, second = api_token_create(user=member, label="again")
        User.objects.filter(pk=member.pk).update(is_active=False)
        assert api_token_authenticate(second) is None

    def test_cannot_revoke_another_members_token(self, member, other):
        token, raw = api_token_create(user=member, label="mine")
        with pytest.raises(NotFound):
            api_token_revoke(user=other, token_id=token.pk)
        assert api_token_authenticate(raw) == member

    def test_active_tokens_are_capped(self, member):
        for n in range(MAX_ACTIVE_TOKENS):
            api_token_create(user=member, label=f"t{n}")
        with pytest.raises(Conflict) as caught:
            api_token_create(user=member, label="one too many")
        assert caught.value.code == "too_many_tokens"


def test_every_created_user_is_provisioned_including_superusers():
    admin = User.objects.create_superuser("root@example.com", "long enough pw 7", name="Root")
    assert Profile.objects.filter(user=admin).exists()
    assert Boundaries.objects.filter(user=admin).exists()
    assert make_member().boundaries.weekly_capacity == 10


def test_topics_clean_is_the_one_rule_for_topics_typed_anywhere():
    """Profiles, events, posts and mentor offers all clean topics with this one function."""
    from mutuals.accounts.topics import topics_clean

    errors: dict[str, list[str]] = {}
    pairs = topics_clean(
        ["Risk Management", " risk  management ", "", "Agile", "!!!", "x" * 41], errors, limit=5
    )
    assert pairs == [("risk-management", "Risk Management"), ("agile", "Agile")]
    assert errors["topics"] == [
        "“!!!” needs a letter or a digit.",
        f"“{'x' * 30}…” is longer than 40 characters.",
    ]
    too_many: dict[str, list[str]] = {}
    assert len(topics_clean(["a", "b", "c"], too_many, limit=2)) == 3
    assert too_many == {"topics": ["Choose at most 2 topics."]}


def test_a_new_topic_typed_in_lower_case_gets_a_capital_and_sorts_among_its_neighbours() -> None:
    """Issue 19: "stakeholder management" kept its lower case and sorted after every
    capitalised topic. Other casings are the member's and kept."""
    from mutuals.accounts.models import Topic
    from mutuals.accounts.services import topics_resolve

    topics_resolve([("scrum", "Scrum"), ("supplier-contracts", "Supplier contracts")])
    made = topics_resolve(
        [
            ("stakeholder-management", "stakeholder management"),
            ("ios-delivery", "iOS delivery"),
            ("pmo", "PMO"),
            ("2026-planning", "2026 planning"),
        ]
    )
    assert [t.name for t in made] == [
        "Stakeholder management",
        "iOS delivery",
        "PMO",
        "2026 planning",
    ]
    names = list(
        Topic.objects.filter(
            slug__in=["scrum", "supplier-contracts", "stakeholder-management"]
        ).values_list("name", flat=True)
    )
    assert names == ["Scrum", "Stakeholder management", "Supplier contracts"]
    # An existing topic keeps its first spelling, whatever casing comes later.
    assert topics_resolve([("scrum", "SCRUM")])[0].name == "Scrum"
