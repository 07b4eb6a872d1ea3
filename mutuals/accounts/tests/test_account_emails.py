"""Account e-mails carry the community's name (issue 17: the verification e-mail greeted
"Hello from 127.0.0.1:8301!", the host it was reached at)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from mutuals.accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_the_verification_e_mail_greets_from_the_community(settings):
    settings.SITE_NAME = "Rail Risk Chapter"
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    Client(headers={"Host": "127.0.0.1:8301"}).post(
        "/accounts/signup/",
        {
            "name": "Nia Obi",
            "email": "nia@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
        SERVER_NAME="127.0.0.1",
        SERVER_PORT="8301",
    )
    [message] = mail.outbox
    assert "Hello from Rail Risk Chapter!" in message.body
    assert "Thank you for using Rail Risk Chapter!" in message.body
    assert "127.0.0.1:8301" not in message.body.split("\n")[0]
