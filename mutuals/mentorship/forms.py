"""HTML forms for mentorship. They only parse and show input; the rules live in `services`."""

from __future__ import annotations

from typing import Any

from django import forms

from mutuals.accounts.forms import MemberForm
from mutuals.accounts.topics import split_topics, topic_slug
from mutuals.mentorship.matching import Need
from mutuals.mentorship.models import (
    MAX_CAPACITY,
    MAX_WEEKS,
    MIN_WEEKS,
    Cadence,
    DeclineReason,
    Format,
)
from mutuals.mentorship.services import mentorships, offers


def lines(text: str) -> list[str]:
    return [line for line in (part.strip() for part in text.splitlines()) if line]


class OfferForm(MemberForm):
    title = forms.CharField(
        max_length=120,
        label="What you can help with",
        help_text="One line, e.g. “Pricing schedule risk into supplier contracts”.",
    )
    description = forms.CharField(
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        label="What a mentee can expect",
        help_text="How you work, what you have done, what you will not do.",
    )
    topics = forms.CharField(
        max_length=400, help_text="Comma-separated, up to 8 — e.g. risk management, negotiation."
    )
    formats = forms.MultipleChoiceField(
        choices=Format.choices, widget=forms.CheckboxSelectMultiple, label="Formats"
    )
    capacity = forms.IntegerField(
        min_value=1,
        max_value=MAX_CAPACITY,
        initial=2,
        label="Mentees at once",
        help_text=f"1 to {MAX_CAPACITY}. Requests beyond it are refused until a place frees up.",
    )
    min_weeks = forms.IntegerField(
        min_value=MIN_WEEKS, max_value=MAX_WEEKS, initial=8, label="Shortest (weeks)"
    )
    max_weeks = forms.IntegerField(
        min_value=MIN_WEEKS, max_value=MAX_WEEKS, initial=12, label="Longest (weeks)"
    )
    availability = forms.CharField(
        max_length=200, help_text="When you are usually free, e.g. “Tuesday evenings, UK time”."
    )
    available_from = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        label="Available from (optional)",
    )

    def as_input(self) -> offers.OfferInput:
        data = self.cleaned_data
        return offers.OfferInput(
            title=data["title"],
            description=data["description"],
            topics=split_topics(data["topics"]),
            formats=list(data["formats"]),
            capacity=data["capacity"],
            min_weeks=data["min_weeks"],
            max_weeks=data["max_weeks"],
            availability=data["availability"],
            available_from=data.get("available_from"),
        )


class NeedForm(MemberForm):
    topics = forms.CharField(
        required=False, max_length=400, help_text="Comma-separated, e.g. risk management, agile."
    )
    goals = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Your goals",
        help_text="What you want to be able to do at the end — one a line.",
    )
    format = forms.ChoiceField(
        required=False, choices=[("", "Any format"), *Format.choices], label="Preferred format"
    )
    weeks = forms.IntegerField(
        required=False, min_value=MIN_WEEKS, max_value=MAX_WEEKS, label="For how many weeks"
    )

    def need(self) -> Need:
        """What the mentee is looking for, as the matcher reads it."""
        data = self.cleaned_data
        return Need(
            topics=frozenset(topic_slug(t) for t in split_topics(data["topics"] or "")),
            goals=tuple(lines(data["goals"] or "")),
            format=data["format"] or "",
            weeks=data["weeks"],
        )


class RequestForm(MemberForm):
    goals = forms.CharField(
        max_length=2200,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Your goals",
        help_text="What you want to be able to do at the end — one a line. They become your "
        "shared checklist.",
    )
    topics = forms.CharField(required=False, max_length=400, help_text="Comma-separated.")
    format = forms.ChoiceField(choices=Format.choices, label="Format")
    weeks = forms.IntegerField(min_value=MIN_WEEKS, max_value=MAX_WEEKS, label="Weeks")
    cadence = forms.ChoiceField(
        choices=Cadence.choices, initial=Cadence.BIWEEKLY, label="Check-ins"
    )
    note = forms.CharField(
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6}),
        label="Your personal note",
        help_text="Why them, what you bring, what you ask. It is checked like a connection "
        "request.",
    )

    def __init__(self, *args: Any, offer_formats: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if offer_formats is not None:
            field = self.fields["format"]
            assert isinstance(field, forms.ChoiceField)  # noqa: S101 (declared above)
            field.choices = [c for c in Format.choices if c[0] in offer_formats]

    def draft(self, offer_id: int) -> mentorships.RequestDraft:
        data = self.cleaned_data
        return mentorships.RequestDraft(
            offer_id=offer_id,
            goals=lines(data["goals"]),
            topics=split_topics(data.get("topics") or ""),
            format=data["format"],
            weeks=data["weeks"],
            cadence=data["cadence"],
            note=data["note"],
        )


class AcceptForm(MemberForm):
    cadence = forms.ChoiceField(choices=Cadence.choices, label="Check-ins")


class DeclineForm(MemberForm):
    reason = forms.ChoiceField(
        choices=DeclineReason.choices, widget=forms.RadioSelect, label="Why not"
    )


class EndForm(MemberForm):
    reason = forms.ChoiceField(
        choices=[(r.value, r.label) for r in mentorships.CHOSEN_END_REASONS],
        widget=forms.RadioSelect,
        label="Why end now",
    )
    note = forms.CharField(required=False, max_length=500, label="A word for them (optional)")


class CheckinForm(MemberForm):
    at = forms.DateTimeField(
        label="When", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    note = forms.CharField(
        required=False, max_length=500, label="What you covered (optional)", widget=forms.TextInput
    )


class GoalForm(MemberForm):
    text = forms.CharField(max_length=200, label="Add a goal")


class ReflectionForm(MemberForm):
    text = forms.CharField(
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        label="Your closing reflection",
        help_text="What changed, what you will keep doing, what you would tell the next person.",
    )
    share = forms.BooleanField(required=False, label="Show it on my mentor's profile")


class ProgrammeForm(MemberForm):
    name = forms.CharField(max_length=120)
    description = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    weeks = forms.IntegerField(min_value=MIN_WEEKS, max_value=MAX_WEEKS, initial=12)
    cadence = forms.ChoiceField(
        choices=Cadence.choices, initial=Cadence.BIWEEKLY, label="Check-ins"
    )


class ParticipantForm(MemberForm):
    email = forms.EmailField(label="Member's e-mail")
    role = forms.ChoiceField(choices=[("mentor", "Mentor"), ("mentee", "Mentee")])
    capacity = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_CAPACITY,
        initial=1,
        label="Mentees (mentors only)",
    )


UNRANKED = 10_000


def ranking_from(data: dict[str, str]) -> list[int]:
    """A participant's ranking from the programme page's `rank_<member id>` boxes (1 = first
    choice), best first; a blank or non-positive box leaves that member unranked."""
    positions = {
        int(key.removeprefix("rank_")): _position(value)
        for key, value in data.items()
        if key.startswith("rank_") and key.removeprefix("rank_").isdigit()
    }
    return [
        pk
        for pk, position in sorted(positions.items(), key=lambda kv: (kv[1], kv[0]))
        if position < UNRANKED
    ]


def _position(value: str) -> int:
    value = value.strip()
    return int(value) if value.isdigit() and int(value) > 0 else UNRANKED
