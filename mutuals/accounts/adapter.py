"""allauth integration: every member signed up on the web gets a profile and boundaries."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.db import transaction
from django.http import HttpRequest

from mutuals.accounts.models import User
from mutuals.accounts.services import member_provision


class MemberAccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]
    def save_user(self, request: HttpRequest, user: User, form: Any, commit: bool = True) -> User:
        with transaction.atomic():
            user.name = " ".join(form.cleaned_data.get("name", "").split())
            saved: User = super().save_user(request, user, form, commit=commit)
            if commit:
                member_provision(user=saved)
        return saved
