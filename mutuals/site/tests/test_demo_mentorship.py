"""The demo community's mentorship: offers, a request for the login member to answer, their
own active mentorship and a completed one with a testimonial — seeded through the real
services (so every note passes its mentor's minimum score) and only once."""

from __future__ import annotations

import pytest

from mutuals.accounts.models import User
from mutuals.connections.models import Connection
from mutuals.mentorship.models import MentorOffer, Mentorship
from mutuals.mentorship.selectors import mentor_testimonials
from mutuals.site import demo_cast
from mutuals.site.demo import demo_seed

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_mentorship_once() -> None:
    demo_seed()
    sam = User.objects.get(email__startswith="sam@")
    thandi = User.objects.get(email__startswith="thandi@")
    assert MentorOffer.objects.count() == 5
    states = dict(
        Mentorship.objects.values_list("mentee__email", "state").order_by("mentee__email")
    )
    assert sorted(states.values()) == ["active", "completed", "requested"]
    assert Mentorship.objects.get(mentor=sam).state == "requested"
    assert Mentorship.objects.get(mentee=sam).state == "active"
    assert mentor_testimonials(sam, thandi).count() == 1
    assert Connection.objects.count() == len(demo_cast.CONNECTIONS)
    demo_seed()
    assert Mentorship.objects.count() == 3
    assert MentorOffer.objects.count() == 5
