"""HTML forms. They only parse and show input; the rules live in `services`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from mutuals.accounts.conduct import conduct_acceptance_record, conduct_current
from mutuals.accounts.models import (
    Boundaries,
    ContactDetail,
    Intent,
    Profile,
    ProfileVisibility,
    User,
)
from mutuals.accounts.photos import Crop
from mutuals.accounts.timezones import available_time_zones, time_zone_choices
from mutuals.accounts.topics import split_topics


class SignupDetailsForm(forms.Form):
    """The extra field allauth's sign-up asks for: the name other members will see."""

    # allauth builds its sign-up form on this class and honours this order.
    field_order = ["name", "email", "password1", "password2"]

    name = forms.CharField(
        max_length=120,
        label="Your name",
        help_text="As colleagues know you; shown on your profile.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    accept_conduct = forms.BooleanField(
        required=True,
        error_messages={"required": "Joining means agreeing to the code of conduct."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Once organizers publish a code of conduct, joining asks to accept it.
        self.conduct = conduct_current()
        if self.conduct is None:
            del self.fields["accept_conduct"]
        else:
            self.fields["accept_conduct"].label = format_html(
                'I accept the community’s <a href="{}" target="_blank">code of conduct</a>',
                reverse("conduct"),
            )

    # The browser's IANA zone (mutuals.js fills it from Intl.DateTimeFormat), so a newcomer's
    # deadlines and dates are in their own zone from the start rather than UTC (issue 19).
    time_zone = forms.CharField(
        required=False,
        max_length=64,
        widget=forms.HiddenInput(attrs={"data-browser-time-zone": ""}),
    )

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError("Tell other members your name.")
        return name

    def clean_time_zone(self) -> str:
        """A canonical IANA name (`available_time_zones`, the list the boundaries accept), or
        nothing: a hidden hint from the browser never stops a sign-up, and an unknown or
        legacy name leaves the default (UTC), which the member can change in their
        boundaries."""
        zone = self.cleaned_data.get("time_zone", "").strip()
        return zone if zone in available_time_zones() else ""

    def signup(self, request: HttpRequest, user: User) -> None:
        """allauth calls this after creating the user (the adapter already stored the name):
        record the acceptance of the code of conduct the form showed."""
        if self.conduct is not None and self.cleaned_data.get("accept_conduct"):
            conduct_acceptance_record(user=user, conduct=self.conduct)


class MemberForm(forms.Form):
    """Labels without Django's trailing colon; the layout sets them apart."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def _lines(text: str) -> list[str]:
    return [line for line in (part.strip() for part in text.splitlines()) if line]


class ProfileForm(MemberForm):
    name = forms.CharField(max_length=120)
    headline = forms.CharField(
        max_length=160, required=False, help_text="One line: what you do and for whom."
    )
    company = forms.CharField(max_length=120, required=False)
    title = forms.CharField(max_length=120, required=False, label="Role / title")
    location = forms.CharField(max_length=120, required=False, help_text="City or region.")
    topics = forms.CharField(
        required=False,
        max_length=800,
        help_text="Comma-separated, up to 12 — e.g. risk management, agile, PMO.",
    )
    bio = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), max_length=2000, required=False)
    linkedin_url = forms.CharField(
        required=False,
        max_length=300,
        label="LinkedIn profile",
        help_text="Optional. Lets members who import their LinkedIn data find you here.",
        widget=forms.URLInput(attrs={"placeholder": "https://www.linkedin.com/in/your-name"}),
    )
    offers = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        label="What I can offer",
        help_text="One per line, up to 8 — e.g. “Reviewing project charters”.",
    )
    looking_for = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        label="What I am looking for",
        help_text="One per line, up to 8.",
    )

    @staticmethod
    def initial_for(user: User) -> dict[str, Any]:
        """The form as the member's profile stands."""
        profile = user.profile
        return {
            "name": user.name,
            "headline": profile.headline,
            "company": profile.company,
            "title": profile.title,
            "location": profile.location,
            "topics": ", ".join(topic.name for topic in profile.topics.all()),
            "bio": profile.bio,
            "offers": "\n".join(profile.offers),
            "looking_for": "\n".join(profile.looking_for),
            "linkedin_url": profile.linkedin_url,
        }

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "headline": data["headline"],
            "company": data["company"],
            "title": data["title"],
            "location": data["location"],
            "bio": data["bio"],
            "topics": split_topics(data["topics"]),
            "offers": _lines(data["offers"]),
            "looking_for": _lines(data["looking_for"]),
            "linkedin_url": data["linkedin_url"],
        }


class BoundariesForm(MemberForm):
    weekly_capacity = forms.IntegerField(
        min_value=Boundaries.MIN_CAPACITY,
        max_value=Boundaries.MAX_CAPACITY,
        label="New requests per week",
        help_text="Requests beyond this wait in a queue and reach you next week; "
        "senders are told when.",
    )
    open_intents = forms.MultipleChoiceField(
        choices=Intent.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="I am open to requests for",
        help_text="A request for anything else is stopped, kindly, before it is sent.",
    )
    quiet_until = forms.DateTimeField(
        required=False,
        label="Quiet until",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text="No nudges or new-request notifications until then; they wait, "
        "none are lost. Leave empty for none.",
    )
    min_personalization = forms.IntegerField(
        min_value=0,
        max_value=100,
        label="Minimum personalization score",
        help_text="Requests scoring lower (0–100) are sent back to the sender with "
        "suggestions instead of reaching you.",
    )
    open_to_introductions = forms.BooleanField(
        required=False,
        label="I make introductions",
        help_text="Members may ask you to introduce them to people you know; you decide each time.",
    )
    low_bandwidth = forms.BooleanField(
        required=False,
        label="Low bandwidth",
        help_text="Doubles every follow-up deadline in your engagement pacts, for busy seasons.",
    )
    time_zone = forms.ChoiceField(
        choices=time_zone_choices,
        required=False,
        label="Time zone",
        help_text="Pact deadlines fall at the end of the day here, and nudges follow your clock.",
    )

    @staticmethod
    def initial_for(boundaries: Boundaries) -> dict[str, Any]:
        """The form as the member's boundaries stand (a quiet period already over is blank)."""
        quiet = boundaries.quiet_until
        return {
            "weekly_capacity": boundaries.weekly_capacity,
            "open_intents": boundaries.open_intents,
            "quiet_until": timezone.localtime(quiet).strftime("%Y-%m-%dT%H:%M")
            if quiet and quiet > timezone.now()
            else None,
            "min_personalization": boundaries.min_personalization,
            "open_to_introductions": boundaries.open_to_introductions,
            "low_bandwidth": boundaries.low_bandwidth,
            "time_zone": boundaries.time_zone,
        }

    def service_kwargs(self, boundaries: Boundaries) -> dict[str, Any]:
        """`services.boundaries_update`'s arguments but the user; no zone chosen keeps theirs."""
        data = self.cleaned_data
        return {
            "weekly_capacity": data["weekly_capacity"],
            "open_intents": data["open_intents"],
            "quiet_until": data["quiet_until"],
            "min_personalization": data["min_personalization"],
            "open_to_introductions": data["open_to_introductions"],
            "low_bandwidth": data["low_bandwidth"],
            "time_zone": data["time_zone"] or boundaries.time_zone,
        }


class PrivacyForm(MemberForm):
    visibility = forms.ChoiceField(
        choices=ProfileVisibility.choices,
        widget=forms.RadioSelect,
        label="Who sees my profile",
        help_text="Connections only: you are left out of the directory, searches and "
        "suggestions for everyone else, and your page is not found by them. A member whose "
        "request to you (or yours to them) waits for an answer still sees it.",
    )
    phone = forms.CharField(
        max_length=40,
        required=False,
        label="Phone",
        help_text="Never shown on your profile; given only to connections, if you allow it below.",
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    shared_contacts = forms.MultipleChoiceField(
        choices=ContactDetail.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="My connections may take",
        help_text="What their “Download my data” puts on your contact card (vCard). "
        "Your name, role, company, location and profile link are always on it.",
    )

    @staticmethod
    def initial_for(profile: Profile) -> dict[str, Any]:
        return {
            "visibility": profile.visibility,
            "phone": profile.phone,
            "shared_contacts": profile.shared_contacts,
        }


class ConductForm(MemberForm):
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 18}),
        max_length=20000,
        label="Code of conduct",
        help_text="Plain text; blank lines separate paragraphs. Saving publishes a new version, "
        "which members joining from now on accept.",
    )


class PhotoForm(MemberForm):
    """A new profile photo; the square is centred unless the member gives one."""

    photo = forms.FileField(
        label="Choose a photo",
        help_text="JPEG, PNG or WebP, up to 10 MB. It is cut to a square and its metadata "
        "(camera, place) is removed.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    crop_x = forms.IntegerField(min_value=0, required=False, label="From the left (pixels)")
    crop_y = forms.IntegerField(min_value=0, required=False, label="From the top (pixels)")
    crop_size = forms.IntegerField(min_value=1, required=False, label="Side (pixels)")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        given = [data.get(name) is not None for name in ("crop_x", "crop_y", "crop_size")]
        if any(given) and not all(given):
            raise forms.ValidationError(
                "Give the square's left, top and side, or none of them for the centre."
            )
        return data

    def crop(self) -> Crop | None:
        data = self.cleaned_data
        if data.get("crop_size") is None:
            return None
        return Crop(x=data["crop_x"], y=data["crop_y"], size=data["crop_size"])


_MONTH_ATTRS = {"placeholder": "2021-03", "inputmode": "numeric", "autocomplete": "off"}


class HistoryForm(MemberForm):
    """An experience or education entry; `start` and `end` as the services read them."""

    start = forms.CharField(
        max_length=7, required=False, widget=forms.TextInput(attrs=_MONTH_ATTRS)
    )
    end = forms.CharField(
        max_length=7,
        required=False,
        help_text="Month as 2021-03 (or the year alone). Leave the end empty while it goes on.",
        widget=forms.TextInput(attrs=_MONTH_ATTRS),
    )
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), max_length=1000, required=False
    )
    texts: tuple[str, ...] = ()

    @classmethod
    def initial_for(cls, entry: Any) -> dict[str, Any]:
        return {
            **{name: getattr(entry, name) for name in cls.texts},
            "start": entry.start,
            "end": entry.end,
        }

    def service_kwargs(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in (*self.texts, "start", "end")}


class ExperienceForm(HistoryForm):
    field_order = ["role", "organisation", "location", "start", "end", "description"]
    role = forms.CharField(max_length=120, label="Role", help_text="e.g. Programme manager")
    organisation = forms.CharField(max_length=120, label="Organisation")
    # Not "Location": the profile's own field is called so on the same page.
    location = forms.CharField(max_length=120, required=False, label="Where (city, or remote)")
    texts = ("organisation", "role", "location", "description")


class EducationForm(HistoryForm):
    field_order = ["school", "degree", "field_of_study", "start", "end", "description"]
    school = forms.CharField(max_length=160, label="School")
    degree = forms.CharField(max_length=160, required=False, help_text="e.g. MSc")
    field_of_study = forms.CharField(max_length=120, required=False, label="Field of study")
    texts = ("school", "degree", "field_of_study", "description")


HISTORY_FORMS: dict[str, type[HistoryForm]] = {
    "experience": ExperienceForm,
    "education": EducationForm,
}
