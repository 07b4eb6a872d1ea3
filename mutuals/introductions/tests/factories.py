"""A small network for introduction tests: Sam wants to meet Thandi (Acme Rail) through
Kwame, a connection of both for a year; Lena is a newer connection of Sam's who also knows
Thandi; Omar is a stranger."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from mutuals.accounts.models import User
from mutuals.accounts.tests.factories import make_member
from mutuals.connections.services import connection_create

GOOD_NOTE = (
    "Hi Kwame, Thandi's work on supplier contracts at Acme Rail is exactly what my team at "
    "Kestrel is wrestling with. Could you introduce us? I'd value 20 minutes of her advice on "
    "how she priced schedule risk into those contracts."
)


@dataclass
class Cast:
    sam: User
    kwame: User
    lena: User
    thandi: User
    omar: User


def make_cast(sam: User | None = None) -> Cast:
    now = timezone.now()
    sam = sam or make_member(name="Sam Okafor")
    from mutuals.accounts.services import profile_update

    profile_update(user=sam, company="Kestrel", topics=["Agile", "Risk management"])
    kwame = make_member(name="Kwame Asante", profile={"company": "Metrolinx", "topics": ["Agile"]})
    lena = make_member(name="Lena Fischer", profile={"company": "Kestrel"})
    thandi = make_member(
        name="Thandi Mokoena",
        profile={"company": "Acme Rail", "topics": ["Risk management", "Supplier contracts"]},
    )
    omar = make_member(name="Omar Haddad", profile={"company": "Acme Rail"})
    connection_create(member=sam, other=kwame, at=now - timedelta(days=400))
    connection_create(member=kwame, other=thandi, at=now - timedelta(days=300))
    connection_create(member=sam, other=lena, at=now - timedelta(days=2))
    connection_create(member=lena, other=thandi, at=now - timedelta(days=2))
    return Cast(sam=sam, kwame=kwame, lena=lena, thandi=thandi, omar=omar)
