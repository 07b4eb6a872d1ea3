"""allauth integration: every member signed up on the web gets a profile and boundaries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.sites.shortcuts import get_current_site
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import formats, timezone

from mutuals.accounts.deletion import account_deletion_cancel, deletion_pending
from mutuals.accounts.models import User
from mutuals.accounts.services import boundaries_update, member_provision


@dataclass(frozen=True)
class Community:
    """What allauth's e-mails call `current_site`: the community's name (`MUTUALS_SITE_NAME`),
    not the host it was reached at ("Hello from 127.0.0.1:8301!"), and that host's domain."""

    name: str
    domain: str


class MemberAccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]
    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        site = get_current_site(allauth_context.request)
        community = Community(name=settings.SITE_NAME, domain=site.domain)
        super().send_mail(template_prefix, email, {**context, "current_site": community})

    def save_user(self, request: HttpRequest, user: User, form: Any, commit: bool = True) -> User:
        with transaction.atomic():
            user.name = " ".join(form.cleaned_data.get("name", "").split())
            saved: User = super().save_user(request, user, form, commit=commit)
            if commit:
                member_provision(user=saved)
                if zone := form.cleaned_data.get("time_zone"):
                    boundaries_update(user=saved, time_zone=zone)
        return saved

    def pre_login(self, request: HttpRequest, user: AbstractBaseUser, **kwargs: Any) -> Any:
        """Signing in with the password during the grace period of "Delete my account"
        cancels the deletion (the account is inactive meanwhile, which allauth would refuse),
        and the member is told so."""
        if isinstance(user, User) and not user.is_active:
            deletion = deletion_pending(user)
            if deletion is not None and account_deletion_cancel(user=user):
                erase_on = formats.date_format(timezone.localtime(deletion.erase_after))
                messages.success(
                    request,
                    "Welcome back. Your account will not be deleted: signing in cancelled "
                    f"the deletion planned for {erase_on}.",
                )
        result: HttpResponse | None = super().pre_login(request, user, **kwargs)
        return result
