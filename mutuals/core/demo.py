"""Seeding the demo community (`mutuals demo`) from the named cast in `demo_cast`.

Idempotent: members are matched by e-mail and connections by pair, so running it again adds
only what is missing and never duplicates; members who already exist keep any edits made
while trying the demo.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from mutuals.accounts.models import User
from mutuals.accounts.services import profile_update
from mutuals.connections.models import Connection
from mutuals.core import demo_cast


@dataclass(frozen=True)
class DemoSummary:
    members_created: int
    members_total: int
    connections_created: int
    connections_total: int


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
            created_at=now - timedelta(days=_stable_days_ago(*keys)),
        )
        for (low, high), keys in wanted.items()
        if (low, high) not in present
    ]
    Connection.objects.bulk_create(missing)
    return DemoSummary(
        members_created=created,
        members_total=len(members),
        connections_created=len(missing),
        connections_total=len(wanted),
    )
