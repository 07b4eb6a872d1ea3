"""`{% profile_collaborations member %}`: a member's confirmed collaborations on their profile,
so the profile page shows them with one line and no change to its view."""

from __future__ import annotations

from typing import Any

from django import template

from mutuals.accounts.models import User
from mutuals.engagement.selectors import collaborations_on_profile

register = template.Library()


@register.inclusion_tag("engagement/_profile_collaborations.html", takes_context=True)
def profile_collaborations(context: template.Context, member: User) -> dict[str, Any]:
    viewer = context["request"].user
    return {
        "member": member,
        "is_me": viewer.pk == member.pk,
        "collaborations": collaborations_on_profile(viewer, member),
    }
