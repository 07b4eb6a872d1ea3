"""Forms of the introduction pages; the rules live in `services`."""

from __future__ import annotations

from django import forms

from mutuals.accounts.models import Intent, User
from mutuals.introductions.services import IntroductionDraft

CONTEXT_CHOICES = [
    ("mutual", "Through the introducer, our mutual connection"),
    ("topic", "A topic we share"),
    ("other", "Something else"),
]


class IntroductionForm(forms.Form):
    intent = forms.ChoiceField(
        choices=Intent.choices, help_text="Referrals need a tie that has had time to grow."
    )
    context_kind = forms.ChoiceField(
        label="How you know of them", choices=CONTEXT_CHOICES, initial="mutual"
    )
    context_ref = forms.CharField(
        label="Topic", required=False, max_length=120, help_text="For a shared topic: which one."
    )
    context_text = forms.CharField(
        label="In your words", required=False, max_length=200, help_text="For “something else”."
    )
    message = forms.CharField(
        label="Your note to the introducer",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=1000,
        help_text="Why this person, and what you hope to ask them. It is checked for the "
        "personal touch the target asks for.",
    )

    def draft(self, *, target: User, introducer: User) -> IntroductionDraft:
        data = self.cleaned_data
        return IntroductionDraft(
            target_id=target.pk,
            introducer_id=introducer.pk,
            intent=data["intent"],
            message=data["message"],
            context_kind=data["context_kind"],
            context_ref=data["context_ref"],
            context_text=data["context_text"],
        )


class NoteForm(forms.Form):
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)
