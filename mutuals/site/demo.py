"""Seeding the demo community (`mutuals demo`) from the named cast in `demo_cast`.

Idempotent: members are matched by e-mail and connections by pair, so running it again adds
only what is missing and never duplicates; members who already exist keep any edits made
while trying the demo.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from mutuals.accounts.models import User
from mutuals.accounts.services import boundaries_update, profile_update
from mutuals.connections.invitations import open_invitation_between
from mutuals.connections.models import Connection, Invitation
from mutuals.connections.selectors import are_connected, mutual_connections
from mutuals.connections.services import Draft, invitation_send
from mutuals.engagement.demo import (
    demo_collaborations_seed,
    demo_tie_connected_at,
    demo_ties_seed,
)
from mutuals.engagement.models import INTERACTION_WEIGHTS, Interaction
from mutuals.engagement.ties import ties_recompute
from mutuals.events.demo import demo_events_seed
from mutuals.events.models import Event
from mutuals.feed.demo import demo_feed_seed
from mutuals.mentorship.demo import mentorship_seed
from mutuals.messaging.demo import demo_conversations_seed
from mutuals.moderation.demo import moderation_demo_seed
from mutuals.site import demo_cast
from mutuals.site.demo_faces import demo_faces_seed


@dataclass(frozen=True)
class DemoSummary:
    members_created: int
    members_total: int
    connections_created: int
    connections_total: int
    interactions_created: int = 0
    requests_created: int = 0


def _stable_days_ago(a: str, b: str, *, span: int = 720) -> int:
    """A deterministic 'connected N days ago' for a pair, so reruns agree with each other."""
    digest = hashlib.sha256(f"{min(a, b)}|{max(a, b)}".encode()).digest()
    return 7 + int.from_bytes(digest[:4], "big") % span


@transaction.atomic
def demo_seed() -> DemoSummary:
    """Create the demo chapter's members, profiles and connections that do not exist yet."""
    demo_cast.validate_cast()
    # One hash for the shared demo password: hashing 64 times would take most of a minute.
    password_hash = make_password(demo_cast.DEMO_PASSWORD)
    now = timezone.now()
    existing = {
        u.email: u for u in User.objects.filter(email__in=[m.email for m in demo_cast.CAST])
    }
    members: dict[str, User] = {}
    created = 0
    for cast_member in demo_cast.CAST:
        user = existing.get(cast_member.email)
        if user is None:
            user = User.objects.create_user(email=cast_member.email, name=cast_member.name)
            user.password = password_hash
            user.date_joined = now - timedelta(days=_stable_days_ago(cast_member.key, "joined"))
            user.save(update_fields=["password", "date_joined"])
            EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
            profile_update(
                user=user,
                headline=cast_member.headline,
                bio=cast_member.bio,
                company=cast_member.company,
                title=cast_member.title,
                location=cast_member.location,
                topics=list(cast_member.topics),
                offers=list(cast_member.offers),
                looking_for=list(cast_member.looking_for),
            )
            # The chapter meets in and around Toronto: deadlines and times read as local.
            boundaries_update(user=user, time_zone=demo_cast.CHAPTER_TIME_ZONE)
            created += 1
        members[cast_member.key] = user

    wanted: dict[tuple[int, int], tuple[str, str]] = {}
    for a, b in demo_cast.CONNECTIONS:
        low, high = sorted((members[a].pk, members[b].pk))
        wanted[(low, high)] = (a, b)
    present = set(
        Connection.objects.filter(member_low_id__in=[pair[0] for pair in wanted]).values_list(
            "member_low_id", "member_high_id"
        )
    )
    missing = [
        Connection(
            member_low_id=low,
            member_high_id=high,
            created_at=demo_tie_connected_at(*keys, now, login_key=demo_cast.DEMO_LOGIN_KEY)
            or now - timedelta(days=_stable_days_ago(*keys)),
        )
        for (low, high), keys in wanted.items()
        if (low, high) not in present
    ]
    Connection.objects.bulk_create(missing)
    interactions = _seed_history(members, now) + demo_ties_seed(
        members, now, login_key=demo_cast.DEMO_LOGIN_KEY
    )
    requests = _seed_requests_to_the_login_member(members)
    demo_events_seed(members, now)
    demo_feed_seed(members, now, cast_connections=demo_cast.CONNECTIONS)
    mentorship_seed(members)
    demo_collaborations_seed(members, event_id_titled=_event_id_titled)
    demo_conversations_seed(members, now)
    moderation_demo_seed(members)
    demo_faces_seed(members)
    for user in members.values():
        ties_recompute(member_id=user.pk, now=now)
    return DemoSummary(
        members_created=created,
        members_total=len(members),
        connections_created=len(missing),
        connections_total=len(wanted),
        interactions_created=interactions,
        requests_created=requests,
    )


def _event_id_titled(prefix: str) -> int | None:
    """The first demo event whose title starts with `prefix` (where a collaboration began)."""
    return (
        Event.objects.filter(title__startswith=prefix)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )


# Kinds of interaction a chapter's members have, most common first.
_HISTORY_KINDS = ["message", "reply", "message", "reply", "comment", "reaction", "meeting", "call"]


def _seed_history(members: dict[str, User], now: datetime) -> int:
    """A believable ledger for every demo connection whose history is not written out: some
    ties busy and recent, some quiet for months, a few never used — so strength, tiers and
    states vary. Deterministic per pair, and keyed, so a rerun adds nothing."""
    rows = []
    for a, b in demo_cast.CONNECTIONS:
        if demo_tie_connected_at(a, b, now, login_key=demo_cast.DEMO_LOGIN_KEY) is not None:
            continue  # its history is written out (engagement.demo.DEMO_TIES)
        digest = hashlib.sha256(f"history|{min(a, b)}|{max(a, b)}".encode()).digest()
        count = digest[0] % 14  # 0–13 interactions
        # How long since they were last in touch: half the ties recently, half up to 200 days.
        quiet_days = digest[1] % 25 if digest[1] % 2 else digest[1] % 200
        for n in range(count):
            kind = _HISTORY_KINDS[digest[2 + n % 20] % len(_HISTORY_KINDS)]
            actor, counterpart = (a, b) if (digest[3 + n % 20] % 2) else (b, a)
            at = now - timedelta(days=quiet_days + n * (3 + digest[4 + n % 20] % 20))
            rows.append(
                Interaction(
                    actor=members[actor],
                    counterpart=members[counterpart],
                    kind=kind,
                    weight=INTERACTION_WEIGHTS[kind],
                    at=at,
                    source_key=f"demo:{a}:{b}:{n}",
                )
            )
    before = Interaction.objects.filter(source_key__startswith="demo:").count()
    Interaction.objects.bulk_create(rows, ignore_conflicts=True)
    return Interaction.objects.filter(source_key__startswith="demo:").count() - before


def _seed_requests_to_the_login_member(members: dict[str, User]) -> int:
    """Personal requests waiting in the demo login member's inbox, sent through the real
    rules (so their scores and verified contexts are genuine)."""
    login = members[demo_cast.DEMO_LOGIN_KEY]
    created = 0
    for key, note in demo_cast.DEMO_REQUESTS:
        sender = members[key]
        if are_connected(sender.pk, login.pk) or open_invitation_between(sender.pk, login.pk):
            continue
        if Invitation.objects.filter(sender=sender, recipient=login).exists():
            continue
        mutual = mutual_connections(sender.pk, login.pk)
        if not mutual:
            continue
        invitation_send(
            sender=sender,
            draft=Draft(
                recipient_id=login.pk,
                context_kind="mutual",
                context_ref=str(mutual[0][0]),
                intent="knowledge_exchange",
                message=note.format(mutual=mutual[0][1].split()[0]),
            ),
        )
        created += 1
    return created
