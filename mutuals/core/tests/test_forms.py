"""`refusal_to_form` and `refusal_to_message`: how a page shows a service's refusal."""

from __future__ import annotations

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.test import RequestFactory

from mutuals.core.errors import Conflict, NotAllowed, NotFound, Refused
from mutuals.core.forms import refusal_to_form, refusal_to_message


class _Form(forms.Form):
    title = forms.CharField(required=False)
    event = forms.IntegerField(required=False)
    intent = forms.CharField(required=False)


def _bound() -> _Form:
    form = _Form({"title": "x"})
    assert form.is_valid()
    return form


def test_field_problems_go_on_their_fields():
    form = _bound()
    refusal_to_form(form, Refused.for_fields({"title": ["Too short.", "Say more."]}))
    assert form.errors == {"title": ["Too short.", "Say more."]}


def test_a_field_the_form_does_not_have_goes_on_the_whole_form():
    form = _bound()
    refusal_to_form(form, Refused.for_fields({"deadline": ["In the past."]}))
    assert form.non_field_errors() == ["In the past."]


def test_service_field_names_are_translated_to_the_forms_names():
    form = _bound()
    refusal_to_form(
        form, Refused.for_fields({"event_id": ["Not yours."]}), field_names={"event_id": "event"}
    )
    assert form.errors == {"event": ["Not yours."]}


def test_a_refusal_without_fields_goes_on_the_field_its_code_names_else_the_form():
    form = _bound()
    closed = Refused("They are not open to that.", code="recipient_closed_to_intent")
    refusal_to_form(form, closed, field_for_code={"recipient_closed_to_intent": "intent"})
    assert form.errors == {"intent": ["They are not open to that."]}
    form = _bound()
    refusal_to_form(form, Conflict("Already connected.", code="already_connected"))
    assert form.non_field_errors() == ["Already connected."]


def test_message_false_keeps_only_the_field_problems():
    form = _bound()
    refusal_to_form(form, Conflict("Shown by the page."), message=False)
    assert form.is_valid()
    refusal_to_form(form, Refused.for_fields({"title": ["Too short."]}), message=False)
    assert form.errors == {"title": ["Too short."]}


def _request():
    request = RequestFactory().post("/")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
    return request


def test_refusal_to_message_shows_the_refusal_and_skips_the_rest_of_the_block():
    request = _request()
    with refusal_to_message(request):
        raise NotAllowed("Only the introducer can forward this.")
    assert [str(m) for m in get_messages(request)] == ["Only the introducer can forward this."]


def test_refusal_to_message_lets_not_found_go_on_to_the_404_page():
    request = _request()
    with pytest.raises(NotFound), refusal_to_message(request):
        raise NotFound("No such invitation.")
    assert list(get_messages(request)) == []
