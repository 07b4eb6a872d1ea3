"""HTML forms for messaging. They parse input; the rules live in `services`."""

from __future__ import annotations

from typing import Any

from django import forms

from mutuals.accounts.forms import MemberForm
from mutuals.messaging.models import MAX_TEXT_LENGTH, MAX_TITLE_LENGTH


class MessageForm(MemberForm):
    text = forms.CharField(
        widget=forms.Textarea(
            attrs={"rows": 3, "maxlength": MAX_TEXT_LENGTH, "placeholder": "Write a message…"}
        ),
        max_length=MAX_TEXT_LENGTH,
        label="Your message",
        error_messages={"required": "Write something: empty messages are not sent."},
    )


class StartForm(MessageForm):
    participants = forms.TypedMultipleChoiceField(
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        label="To",
        error_messages={"required": "Choose at least one of your connections."},
    )
    title = forms.CharField(
        max_length=MAX_TITLE_LENGTH,
        required=False,
        label="Group name",
        help_text="Only for a group of three or more.",
    )
    field_order = ["participants", "title", "text"]

    def __init__(self, *args: Any, connections: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participants"].choices = connections  # type: ignore[attr-defined]

    def start_kwargs(self) -> dict[str, Any]:
        """`services.conversation_start`'s arguments but the creator."""
        data = self.cleaned_data
        return {
            "participant_ids": data["participants"],
            "text": data["text"],
            "title": data["title"],
        }
