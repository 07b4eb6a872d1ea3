"""The invitation composer's page: what the member may pick as context, what is
preselected, why nothing can be sent, and the live feedback's highlighted note.

Connections stands below the apps that know some of the contexts (an event both attended:
events; their post: feed), so those apps register a context source when they start (its pick
list and how a chosen one is verified, `invitations.context_source_register`), as they
register the recipient's material for the engine (`invitations.recipient_material_register`).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from django.http import QueryDict

from mutuals.accounts.models import Intent, User
from mutuals.connections import invitations as rules
from mutuals.connections.models import ContextKind, Invitation
from mutuals.connections.selectors import are_connected, mutual_connections, shared_topics
from mutuals.connections.services import finding_as_dict
from mutuals.personalization import Report


@dataclass(frozen=True)
class ComposerOptions:
    """What the composer offers a sender writing to a recipient."""

    mutuals: list[tuple[int, str]]
    topics: list[tuple[str, str]]
    posts: list[tuple[int, str]]
    events: list[tuple[int, str]]
    open_intents: list[str]
    # The recipient's request to the viewer, still waiting: answer it rather than ask back.
    incoming: Invitation | None = None

    @classmethod
    def of(cls, viewer: User, recipient: User) -> ComposerOptions:
        registered = rules.context_choices(viewer, recipient)  # events and feed register theirs
        return cls(
            mutuals=mutual_connections(viewer.pk, recipient.pk),
            topics=shared_topics(viewer.pk, recipient.pk),
            posts=registered.get(ContextKind.CONTENT, []),
            events=registered.get(ContextKind.EVENT, []),
            open_intents=list(recipient.boundaries.open_intents),
            incoming=rules.incoming_invitation(viewer.pk, recipient.pk),
        )

    def form_kwargs(self) -> dict[str, Any]:
        """The choices `ComposeForm` offers (and accepts)."""
        return {
            "mutuals": self.mutuals,
            "topics": self.topics,
            "open_intents": self.open_intents,
            "posts": self.posts,
            "events": self.events,
        }

    def page_context(self) -> dict[str, Any]:
        return {
            **self.form_kwargs(),
            "incoming_request": self.incoming,
            "closed_intents": [
                label for value, label in Intent.choices if value not in self.open_intents
            ],
        }


def initial_for(options: ComposerOptions, recipient: User, query: QueryDict) -> dict[str, Any]:
    """The composer's first state: a mutual connection if there is one, else a shared topic;
    `?post=<id>` (from their post) or `?context=event&ref=<id>` (after an event) preselects
    that context when it is one the sender may name."""
    kind: str = (
        ContextKind.MUTUAL
        if options.mutuals
        else ContextKind.TOPIC
        if options.topics
        else ContextKind.OTHER
    )
    post = _chosen(query.get("post", ""), options.posts)
    event = _chosen(query.get("ref", "") if query.get("context") == "event" else "", options.events)
    kind = ContextKind.EVENT if event else ContextKind.CONTENT if post else kind
    return {
        "context_kind": kind,
        # Preselect only the shared topic their own profile is about, if any.
        "topic": profile_topic(recipient, options.topics),
        "post": post if kind == ContextKind.CONTENT else None,
        "event": event if kind == ContextKind.EVENT else None,
        "intent": options.open_intents[0] if options.open_intents else "",
    }


def _chosen(raw: str, choices: list[tuple[int, str]]) -> int | None:
    return int(raw) if raw.isdigit() and int(raw) in {pk for pk, _ in choices} else None


def profile_topic(recipient: User, topics: list[tuple[str, str]]) -> str:
    """The shared topic the recipient's own headline and about text are most about, or ""."""
    profile = recipient.profile
    return rules.shared_topic_for(topics, f"{profile.headline}\n{profile.bio}")


def cannot_invite_reason(viewer: User, recipient: User) -> str:
    """Why no request can be sent at all right now, said before the member types."""
    if are_connected(viewer.pk, recipient.pk):
        return f"You are already connected to {recipient.name}."
    if waiting := rules.open_invitation_between(viewer.pk, recipient.pk):
        if waiting.sender_id == recipient.pk:
            return (
                f"{recipient.get_short_name()} asked to connect with you: accept their request "
                "rather than sending one back."
            )
        return f"Your request to {recipient.name} is still waiting for an answer."
    if not recipient.boundaries.open_intents:
        return f"{recipient.get_short_name()} is not taking new requests right now."
    return ""


# --- The live feedback -------------------------------------------------------------------

SEVERITY_RANK = {"bad": 3, "warn": 2, "good": 1}


@dataclass(frozen=True)
class Segment:
    text: str
    severity: str | None
    note: str


def highlight(message: str, findings: list[dict[str, Any]]) -> list[Segment]:
    """Split the message at every finding's span; where spans overlap the most serious
    finding colours the text."""
    spans = [
        f for f in findings if f.get("start") is not None and f.get("end") and f["end"] > f["start"]
    ]
    cuts = sorted({0, len(message), *(f["start"] for f in spans), *(f["end"] for f in spans)})
    segments: list[Segment] = []
    for start, end in itertools.pairwise(cuts):
        covering = [f for f in spans if f["start"] <= start and f["end"] >= end]
        worst = max(covering, key=lambda f: SEVERITY_RANK[f["severity"]], default=None)
        segments.append(
            Segment(
                message[start:end],
                worst["severity"] if worst else None,
                worst["message"] if worst else "",
            )
        )
    return segments


def feedback_context(report: Report, message: str, recipient: User) -> dict[str, Any]:
    """The live feedback fragment (`connections/_feedback.html`) for a note to `recipient`:
    score, verdict, findings and the note with their spans marked."""
    findings = [finding_as_dict(f) for f in report.findings]
    return {
        "report": report,
        "findings": findings,
        "segments": highlight(message, findings),
        "minimum": recipient.boundaries.min_personalization,
        "recipient": recipient,
    }
