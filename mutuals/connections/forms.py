"""HTML forms for invitations. They parse input; the rules live in `services`."""

from __future__ import annotations

from typing import Any

from django import forms

from mutuals.accounts.forms import MemberForm
from mutuals.accounts.models import Intent, User
from mutuals.connections import invitations as rules
from mutuals.connections.composer import profile_topic
from mutuals.connections.models import ContextKind, DeclineReason, ReportKind
from mutuals.connections.services import MAX_MESSAGE_LENGTH, Draft


class ComposeForm(MemberForm):
    context_kind = forms.ChoiceField(
        choices=ContextKind.choices, widget=forms.RadioSelect, label="How do you know of them?"
    )
    mutual = forms.TypedChoiceField(coerce=int, required=False, label="Mutual connection")
    topic = forms.ChoiceField(required=False, label="Shared topic")
    post = forms.TypedChoiceField(coerce=int, required=False, label="Their post")
    event = forms.TypedChoiceField(coerce=int, required=False, label="An event you both attended")
    context_text = forms.CharField(
        required=False,
        max_length=200,
        label="In a few words",
        help_text="E.g. “Your talk at the spring PMO forum”.",
    )
    intent = forms.ChoiceField(choices=Intent.choices, label="What are you asking for?")
    message = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": MAX_MESSAGE_LENGTH}),
        max_length=MAX_MESSAGE_LENGTH,
        label="Your note",
        help_text=f"Up to {MAX_MESSAGE_LENGTH} characters. Say how you know of them, why them, "
        "and what you ask.",
    )

    def __init__(
        self,
        *args: Any,
        mutuals: list[tuple[int, str]],
        topics: list[tuple[str, str]],
        open_intents: list[str],
        posts: list[tuple[int, str]] | None = None,
        events: list[tuple[int, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["post"].choices = [("", "Choose…"), *(posts or [])]  # type: ignore[attr-defined]
        self.fields["event"].choices = [("", "Choose…"), *(events or [])]  # type: ignore[attr-defined]
        self.fields["mutual"].choices = [("", "Choose…"), *mutuals]  # type: ignore[attr-defined]
        self.fields["topic"].choices = [("", "Choose…"), *topics]  # type: ignore[attr-defined]
        self.open_intents = open_intents
        self.topics = topics

    def draft(self, recipient: User) -> Draft:
        """The request as the sender composed it: what the send gives the service and the
        live check rates, so the score shown is the score of the note that goes. A part
        that did not parse is left empty (the check then says what is missing); a
        shared-topic context with no topic chosen gets the shared topic the note is most
        about, else the one their profile is about, else none (and the check says to
        choose): never a topic it cannot justify, never the alphabetically first."""
        data = self.cleaned_data
        kind = data.get("context_kind", "")
        ref = ""
        if kind == ContextKind.MUTUAL and data.get("mutual"):
            ref = str(data["mutual"])
        elif kind == ContextKind.TOPIC:
            ref = data.get("topic") or ""
        elif kind == ContextKind.CONTENT and data.get("post"):
            ref = str(data["post"])
        elif kind == ContextKind.EVENT and data.get("event"):
            ref = str(data["event"])
        message = data.get("message", "")
        if kind == ContextKind.TOPIC and not ref:
            ref = rules.shared_topic_for(self.topics, message) or profile_topic(
                recipient, self.topics
            )
        return Draft(
            recipient_id=recipient.pk,
            context_kind=kind,
            context_ref=ref,
            context_text=data.get("context_text", "") if kind == ContextKind.OTHER else "",
            intent=data.get("intent", ""),
            message=message,
        )


class DeclineForm(forms.Form):
    reason = forms.ChoiceField(choices=DeclineReason.choices, label="Reason")


class ReportForm(forms.Form):
    kind = forms.ChoiceField(choices=ReportKind.choices, label="Report as")
