"""factory_boy factories for members. Members always get a profile and boundaries, as in the
product, because they are created through the manager that provisions them."""

from __future__ import annotations

from typing import Any, cast

import factory
from allauth.account.models import EmailAddress

from mutuals.accounts.models import User
from mutuals.accounts.services import profile_update

PASSWORD = "a-long-test-password-42"


class MemberFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"member{n}@example.com")
    name = factory.Faker("name")

    @classmethod
    def _create(cls, model_class: type[User], *args: Any, **kwargs: Any) -> User:
        user = User.objects.create_user(password=PASSWORD, **kwargs)
        EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
        return user

    @factory.post_generation
    def profile(obj: User, create: bool, extracted: dict[str, Any] | None, **kwargs: Any) -> None:  # noqa: N805
        """`MemberFactory(profile={"company": "Acme", "topics": ["Agile"]})`."""
        if create and (extracted or kwargs):
            profile_update(user=obj, **(extracted or {}), **kwargs)


def make_member(**kwargs: Any) -> User:
    """`MemberFactory(...)`, typed: factory_boy's class call is opaque to mypy."""
    return cast(User, MemberFactory(**kwargs))
