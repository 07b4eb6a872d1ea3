"""`{% profile_history member %}`: a member's experience and education on their page, in
their own order (the member page's view, in `mutuals.site`, needs no change)."""

from __future__ import annotations

from typing import Any

from django import template

from mutuals.accounts.history import history_entries
from mutuals.accounts.models import User

register = template.Library()


@register.inclusion_tag("accounts/_profile_history.html", takes_context=True)
def profile_history(context: template.Context, member: User) -> dict[str, Any]:
    return {
        "member": member,
        "is_me": context["request"].user.pk == member.pk,
        "experience": history_entries(member, "experience"),
        "education": history_entries(member, "education"),
    }
