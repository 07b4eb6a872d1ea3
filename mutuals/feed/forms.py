"""HTML forms for the feed. They parse input; the rules live in `services`."""

from __future__ import annotations

from typing import Any

from django import forms

from mutuals.accounts.forms import MemberForm
from mutuals.accounts.topics import split_topics
from mutuals.feed.models import (
    AUTHORED_KINDS,
    MAX_BODY_LENGTH,
    MAX_COMMENT_LENGTH,
    OpportunityKind,
    Post,
    PostKind,
    Visibility,
)

KIND_HELP = {
    PostKind.INSIGHT: "Something you learned or noticed that others could use.",
    PostKind.QUESTION: "Ask the community; answers come as comments.",
    PostKind.OPPORTUNITY: "A job, a project or a call for collaboration.",
    PostKind.EVENT_RECAP: "What you took away from an event you attended.",
}


class PostForm(MemberForm):
    kind = forms.ChoiceField(
        choices=[(k.value, k.label) for k in AUTHORED_KINDS],
        widget=forms.RadioSelect,
        label="What are you sharing?",
    )
    body = forms.CharField(
        widget=forms.Textarea(
            attrs={"rows": 7, "maxlength": MAX_BODY_LENGTH, "data-mentions": "true"}
        ),
        max_length=MAX_BODY_LENGTH,
        label="Your post",
        help_text="Type @ and a name to mention someone.",
    )
    topics = forms.CharField(
        required=False,
        max_length=300,
        label="Topics",
        help_text="Up to 5, separated by commas, e.g. Risk management, Agile.",
    )
    visibility = forms.ChoiceField(
        choices=Visibility.choices, widget=forms.RadioSelect, label="Who can see it?"
    )
    opportunity_kind = forms.ChoiceField(
        choices=[("", "Choose…"), *OpportunityKind.choices], required=False, label="Opportunity"
    )
    company = forms.CharField(required=False, max_length=120, label="Company or organisation")
    referrals_welcome = forms.BooleanField(required=False, label="Referrals welcome")
    event = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label="Event")

    def __init__(self, *args: Any, events: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["event"].choices = [("", "Choose an event you attended…"), *events]  # type: ignore[attr-defined]

    @staticmethod
    def initial_for(kind: str, event: str, events: list[tuple[int, str]]) -> dict[str, Any]:
        """A new post of `kind` (an insight unless one the member may write), for everyone;
        `event` preselects the event it recaps when it is one they may recap."""
        initial: dict[str, Any] = {
            "kind": kind if kind in KIND_HELP else PostKind.INSIGHT,
            "visibility": Visibility.COMMUNITY,
        }
        if event.isdigit() and int(event) in {pk for pk, _ in events}:
            initial["event"] = int(event)
        return initial

    def service_kwargs(self) -> dict[str, Any]:
        """`services.post_create`'s arguments but the author."""
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "body": data["body"],
            "visibility": data["visibility"],
            "topics": split_topics(data.get("topics") or ""),
            "opportunity_kind": data.get("opportunity_kind") or "",
            "company": data.get("company") or "",
            "referrals_welcome": bool(data.get("referrals_welcome")),
            "event_id": data.get("event"),
        }


class PostEditForm(MemberForm):
    body = forms.CharField(
        widget=forms.Textarea(
            attrs={"rows": 7, "maxlength": MAX_BODY_LENGTH, "data-mentions": "true"}
        ),
        max_length=MAX_BODY_LENGTH,
        label="Your post",
    )
    topics = forms.CharField(required=False, max_length=300, label="Topics")
    visibility = forms.ChoiceField(
        choices=Visibility.choices, widget=forms.RadioSelect, label="Who can see it?"
    )

    @staticmethod
    def initial_for(post: Post) -> dict[str, Any]:
        return {
            "body": post.body,
            "visibility": post.visibility,
            "topics": ", ".join(t.name for t in post.topics.all()),
        }

    def service_kwargs(self) -> dict[str, Any]:
        """`services.post_update`'s arguments but the member and the post."""
        data = self.cleaned_data
        return {
            "body": data["body"],
            "visibility": data["visibility"],
            "topics": split_topics(data.get("topics") or ""),
        }


class CommentForm(MemberForm):
    body = forms.CharField(
        widget=forms.Textarea(
            attrs={"rows": 2, "maxlength": MAX_COMMENT_LENGTH, "data-mentions": "true"}
        ),
        max_length=MAX_COMMENT_LENGTH,
        label="Add a comment",
        error_messages={"required": "Write something: empty comments are not posted."},
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ReshareForm(MemberForm):
    commentary = forms.CharField(
        widget=forms.Textarea(
            attrs={"rows": 4, "maxlength": MAX_BODY_LENGTH, "data-mentions": "true"}
        ),
        max_length=MAX_BODY_LENGTH,
        label="Your commentary",
        help_text="Say why it is worth reading: what it adds, or whom it could help.",
    )
    visibility = forms.ChoiceField(
        choices=Visibility.choices,
        widget=forms.RadioSelect,
        label="Who can see your reshare?",
        initial=Visibility.COMMUNITY,
    )
