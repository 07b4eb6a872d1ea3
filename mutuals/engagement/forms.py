"""HTML forms of the connections and collaborations pages. They parse input; the rules live
in `services` (interactions) and `collaborations`."""

from __future__ import annotations

from typing import Any

from django import forms

from mutuals.accounts.forms import MemberForm
from mutuals.engagement import collaborations, delivery
from mutuals.engagement.models import Delivery


class InteractionForm(MemberForm):
    kind = forms.ChoiceField(
        choices=[("meeting", "Meeting"), ("call", "Call"), ("other", "Other")], label="What"
    )
    at = forms.DateTimeField(
        label="When", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    note = forms.CharField(
        required=False, max_length=500, label="Note (only you see it)", widget=forms.TextInput
    )


class CollaborationForm(MemberForm):
    title = forms.CharField(
        max_length=collaborations.COLLABORATION_TITLE_MAX,
        label="Project title",
        help_text="What you are working on together, in a few words.",
        error_messages={"required": "Give the project a title of a few words."},
    )
    description = forms.CharField(
        required=False,
        max_length=collaborations.COLLABORATION_DESCRIPTION_MAX,
        label="Short description",
        widget=forms.Textarea(
            attrs={"rows": 3, "maxlength": collaborations.COLLABORATION_DESCRIPTION_MAX}
        ),
        help_text="What it is and who does what; shown on your profiles.",
    )
    member_ids = forms.TypedMultipleChoiceField(
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        label="With",
        error_messages={"required": "Choose at least one person to collaborate with."},
    )
    origin = forms.ChoiceField(
        label="Where it started",
        help_text="A conversation you are all in, or an event you all checked in at.",
        error_messages={"required": "Say where it started."},
    )

    def __init__(
        self,
        *args: Any,
        connections: list[tuple[int, str]],
        origins: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member_ids"].choices = connections  # type: ignore[attr-defined]
        self.fields["origin"].choices = [("", "Choose…"), *origins]  # type: ignore[attr-defined]

    def propose_kwargs(self) -> dict[str, Any]:
        """`collaborations.collaboration_propose`'s arguments, but the proposer."""
        data = self.cleaned_data
        kind, _, ref = data["origin"].partition(":")
        return {
            "title": data["title"],
            "description": data["description"],
            "member_ids": data["member_ids"],
            "conversation_id": int(ref) if kind == "conversation" else None,
            "event_id": int(ref) if kind == "event" else None,
        }


class DeliveryPreferencesForm(MemberForm):
    """How the member hears of each kind of notification (`delivery.KINDS`): one choice per
    kind, named by the kind."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for rule in delivery.KINDS:
            self.fields[rule.kind.value] = forms.ChoiceField(
                choices=Delivery.choices,
                label=rule.kind.label,
                help_text=f"Default: {rule.default.label.lower()}.",
            )

    @staticmethod
    def initial_for(member_id: int) -> dict[str, str]:
        return {
            kind.value: chosen.value for kind, chosen in delivery.deliveries_for(member_id).items()
        }
