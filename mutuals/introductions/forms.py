"""Forms of the introduction pages; the rules live in `services`."""

from __future__ import annotations

from typing import Any

from django import forms

from mutuals.accounts.forms import MemberForm
from mutuals.accounts.models import Intent, User
from mutuals.introductions.services import IntroductionDraft


class IntroductionForm(MemberForm):
    """The request to an introducer, built like the connection composer (`ComposeForm`):
    the context is the introducer, a topic the requester and the target share (chosen, not
    typed) or something else in a few words; the intents the target is not open to are
    shown and refused by the service."""

    context_kind = forms.ChoiceField(
        label="How you know of them",
        choices=[
            ("mutual", "Through the introducer"),
            ("topic", "A topic we share"),
            ("other", "Something else"),
        ],
        initial="mutual",
        widget=forms.RadioSelect,
    )
    topic = forms.ChoiceField(label="Shared topic", required=False)
    context_text = forms.CharField(label="In a few words", required=False, max_length=200)
    intent = forms.ChoiceField(
        label="What are you asking for?",
        choices=Intent.choices,
        help_text="Referrals need a tie that has had time to grow.",
    )
    message = forms.CharField(
        label="Your note to the introducer",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=1000,
        help_text="Why this person, and what you hope to ask them. It is scored beside the "
        "form as you write, for the personal touch the target asks for.",
    )

    def __init__(self, *args: Any, topics: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = [("", "Choose…"), *topics]  # type: ignore[attr-defined]

    def draft(self, *, target: User, introducer: User) -> IntroductionDraft:
        """The request as composed; a part that did not parse is left empty (the live check
        then says what is missing, the send refuses it)."""
        data = self.cleaned_data
        kind = data.get("context_kind", "")
        return IntroductionDraft(
            target_id=target.pk,
            introducer_id=introducer.pk,
            intent=data.get("intent", ""),
            message=data.get("message", ""),
            context_kind=kind,
            context_ref=data.get("topic", "") if kind == "topic" else "",
            context_text=data.get("context_text", "") if kind == "other" else "",
        )


class NoteForm(MemberForm):
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)
