"""What "Download my data" contains: everything that is the member's, and nothing of other
members' that the member could not already see.

The rule, section by section (docs/api.md "Your data"): what the member wrote (profile,
boundaries, posts, comments, reactions, messages, notes, reflections, goals); what they hold
(their connections and the pact on them, requests sent and received, the messages of their
conversations, events they organized or answered, mentorships, introductions,
collaborations, their LinkedIn contact book, their notifications). Another member appears
only as `{id, name}` and only where the member already sees them; what another member keeps
to themselves stays out: a request set aside still reads "pending" to its sender, a request
not yet delivered is not in the recipient's list, notes written between two others in an
introduction are left out, and no secret (password, token, calendar address) is written.

Files in the ZIP: README.txt, data.json (the sections), connections.csv, connections.vcf
(vCard 4.0) and events.ics (iCalendar).
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, Protocol

from allauth.account.models import EmailAddress
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q
from django.utils import timezone

from mutuals.accounts.models import TOPIC_ORDER, AccountDeletion, ConductAcceptance, User
from mutuals.connections.models import (
    Block,
    Connection,
    ConnectionRemoval,
    Invitation,
    InvitationState,
)
from mutuals.connections.services import invitation_for_sender_state
from mutuals.engagement.models import (
    Collaboration,
    Interaction,
    Notification,
    NotificationPreference,
    Obligation,
    Tie,
)
from mutuals.events.ics import calendar_for
from mutuals.events.models import Attendance, Event
from mutuals.events.selectors import Scope, events_for
from mutuals.feed.models import Comment, Mention, Post, Reaction, TopicFollow
from mutuals.imports.models import Contact, ContactInteraction, Import
from mutuals.introductions.models import Introduction, SuggestionDismissal
from mutuals.mentorship.models import (
    Assignment,
    Goal,
    MentorOffer,
    Mentorship,
    Programme,
    Reflection,
)
from mutuals.mentorship.models import Participant as ProgrammePlace
from mutuals.messaging.models import Message, Participant
from mutuals.rights.vcard import vcards

FORMAT_VERSION = 1


class SectionProvider(Protocol):
    def __call__(self, member: User) -> Any: ...


# Sections an app beside rights adds (moderation: the reports the member made), registered
# from above by the site (`SiteConfig.ready`), since rights and moderation are independent.
_sections: dict[str, SectionProvider] = {}


def export_section_register(name: str, provider: SectionProvider) -> None:
    """Add a section to data.json (once per name; a second, different one is an error)."""
    if _sections.get(name, provider) is not provider:
        raise ImproperlyConfigured(f"The export section {name!r} is registered twice.")
    _sections[name] = provider


README = """\
Your data from {site}, prepared {generated} for {name} <{email}>.

data.json        everything that is yours, one section per kind (see "sections" inside):
                 your profile and boundaries, connections and their pact, requests sent and
                 received, messages of your conversations, posts, comments, reactions,
                 events, mentorships, introductions, collaborations, your LinkedIn contact
                 book, notifications. Other members appear as {{"id", "name"}}. Times are
                 ISO 8601 in UTC.
connections.csv  your connections, one row each (UTF-8, comma-separated, with a header).
connections.vcf  your connections as vCard 4.0 contacts, with what their profile shows every
                 member (name, title, company, location, a link to their profile), and the
                 e-mail address, phone number or LinkedIn profile each one allows their
                 connections to take (their privacy settings), nothing more.
events.ics       the events you organized or answered, as iCalendar (RFC 5545).

Nothing in this archive is a password, an API token or a private calendar address.
"""


def member_ref(user: User | None) -> dict[str, Any] | None:
    return None if user is None else {"id": user.pk, "name": user.name}


def _removals(member: User) -> list[dict[str, Any]]:
    """The connections the member removed (a removal by the other member is theirs)."""
    removals = list(ConnectionRemoval.objects.filter(removed_by=member).order_by("at", "id"))
    other = {r.pk: r.pair_high if r.pair_low == member.pk else r.pair_low for r in removals}
    others = User.objects.in_bulk(set(other.values()))
    return [
        {
            "member": member_ref(others.get(other[r.pk])),
            "connected_at": r.connected_at,
            "removed_at": r.at,
        }
        for r in removals
    ]


def _other(connection: Connection, member: User) -> User:
    low = connection.member_low_id == member.pk
    return connection.member_high if low else connection.member_low


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"{type(value).__name__} is not exported")


def _connections(member: User) -> list[Connection]:
    return list(
        Connection.objects.filter(Q(member_low=member) | Q(member_high=member))
        .select_related("member_low__profile", "member_high__profile")
        .order_by("created_at", "id")
    )


def _profile(member: User) -> dict[str, Any]:
    profile = member.profile
    return {
        "headline": profile.headline,
        "bio": profile.bio,
        "company": profile.company,
        "title": profile.title,
        "location": profile.location,
        "offers": profile.offers,
        "looking_for": profile.looking_for,
        "linkedin_url": profile.linkedin_url,
        "topics": [topic.name for topic in profile.topics.order_by(*TOPIC_ORDER)],
        "visibility": profile.visibility,
        "phone": profile.phone,
        "shared_contacts": profile.shared_contacts,
        "has_photo": bool(member.photo_key),
        "experience": [
            {
                "organisation": e.organisation,
                "role": e.role,
                "location": e.location,
                "description": e.description,
                "start": e.start,
                "end": e.end,
            }
            for e in member.experiences.order_by("position", "id")
        ],
        "education": [
            {
                "school": e.school,
                "degree": e.degree,
                "field_of_study": e.field_of_study,
                "description": e.description,
                "start": e.start,
                "end": e.end,
            }
            for e in member.education.order_by("position", "id")
        ],
    }


def _boundaries(member: User) -> dict[str, Any]:
    b = member.boundaries
    return {
        "weekly_capacity": b.weekly_capacity,
        "open_intents": b.open_intents,
        "quiet_until": b.quiet_until,
        "min_personalization": b.min_personalization,
        "open_to_introductions": b.open_to_introductions,
        "low_bandwidth": b.low_bandwidth,
        "time_zone": b.time_zone,
    }


def _connection_rows(member: User, connections: list[Connection]) -> list[dict[str, Any]]:
    ties = {t.connection_id: t for t in Tie.objects.filter(member=member)}
    rows = []
    for connection in connections:
        tie = ties.get(connection.pk)
        rows.append(
            {
                "id": connection.pk,
                "member": member_ref(_other(connection, member)),
                "since": connection.created_at,
                "intent": connection.intent,
                "strength": tie.strength if tie else None,
                "tier": tie.tier if tie else None,
                "state": tie.state if tie else None,
                "resting_since": tie.resting_since if tie else None,
            }
        )
    return rows


def _pact(member: User, connections: list[Connection]) -> list[dict[str, Any]]:
    # The items of connections that ended are kept, with the pair, closed with a reason.
    items = Obligation.objects.filter(
        Q(connection__in=connections) | Q(member_low=member) | Q(member_high=member)
    ).select_related("party")
    return [
        {
            "id": o.pk,
            "connection_id": o.connection_id,
            "party": member_ref(o.party),
            "kind": o.kind,
            "opened_at": o.opened_at,
            "due_at": o.due_at,
            "fulfilled_at": o.fulfilled_at,
            "cancelled_at": o.cancelled_at,
            "closed_reason": o.closed_reason or None,
        }
        for o in items.order_by("due_at", "id")
    ]


def _invitation(invitation: Invitation, *, sent: bool) -> dict[str, Any]:
    row = {
        "id": invitation.pk,
        "sender": member_ref(invitation.sender),
        "recipient": member_ref(invitation.recipient),
        "context": {
            "kind": invitation.context_kind,
            "ref": invitation.context_ref,
            "text": invitation.context_text,
            "label": invitation.context_label,
        },
        "intent": invitation.intent,
        "message": invitation.message,
        "verdict": invitation.verdict,
        "state": invitation_for_sender_state(invitation) if sent else invitation.state,
        "decline_reason": invitation.decline_reason,
        "created_at": invitation.created_at,
        "delivered_at": invitation.deliver_at,
        "responded_at": invitation.responded_at,
    }
    if sent:
        row["score"] = invitation.score
        row["findings"] = invitation.findings
        if invitation.state == InvitationState.IGNORED:
            # Set aside by the recipient: the sender is not told, here either.
            row["responded_at"] = None
    else:
        row["report_kind"] = invitation.report_kind
    return row


def _invitations(member: User) -> dict[str, list[dict[str, Any]]]:
    both = Invitation.objects.select_related("sender", "recipient").order_by("created_at", "id")
    sent = [_invitation(i, sent=True) for i in both.filter(sender=member)]
    received = [
        _invitation(i, sent=False)
        # A queued request has not reached the recipient yet.
        for i in both.filter(recipient=member).exclude(state=InvitationState.QUEUED)
    ]
    return {"sent": sent, "received": received}


def _conversations(member: User) -> list[dict[str, Any]]:
    seats = (
        Participant.objects.filter(member=member)
        .select_related("conversation")
        .order_by("conversation__created_at", "conversation_id")
    )
    conversation_ids = [seat.conversation_id for seat in seats]
    members: dict[int, list[dict[str, Any] | None]] = {}
    for seat in Participant.objects.filter(conversation_id__in=conversation_ids).select_related(
        "member"
    ):
        members.setdefault(seat.conversation_id, []).append(member_ref(seat.member))
    messages: dict[int, list[dict[str, Any]]] = {}
    for message in (
        Message.objects.filter(conversation_id__in=conversation_ids)
        .select_related("sender")
        .order_by("created_at", "id")
    ):
        messages.setdefault(message.conversation_id, []).append(
            {
                "id": message.pk,
                "sender": member_ref(message.sender),
                "text": message.text,
                "sent_at": message.created_at,
            }
        )
    return [
        {
            "id": seat.conversation_id,
            "title": seat.conversation.title,
            "is_group": seat.conversation.is_group,
            "members": members.get(seat.conversation_id, []),
            "joined_at": seat.joined_at,
            "last_read_at": seat.last_read_at,
            "messages": messages.get(seat.conversation_id, []),
        }
        for seat in seats
    ]


def _posts(member: User) -> list[dict[str, Any]]:
    return [
        {
            "id": p.pk,
            "kind": p.kind,
            "body": p.body,
            "visibility": p.visibility,
            "opportunity_kind": p.opportunity_kind,
            "company": p.company,
            "referrals_welcome": p.referrals_welcome,
            "reshare_of": p.reshare_of_id,
            "event_id": p.event_id,
            "topics": [t.name for t in p.topics.all()],
            "created_at": p.created_at,
            "edited_at": p.edited_at,
            "hidden_by_moderator_at": p.hidden_at,
        }
        for p in Post.objects.filter(author=member)
        .prefetch_related("topics")
        .order_by("created_at", "id")
    ]


def _feed_activity(member: User) -> dict[str, Any]:
    return {
        "comments": [
            {
                "id": c.pk,
                "post_id": c.post_id,
                "reply_to": c.parent_id,
                "body": c.body,
                "created_at": c.created_at,
            }
            for c in Comment.objects.filter(author=member).order_by("created_at", "id")
        ],
        "reactions": [
            {"post_id": r.post_id, "kind": r.kind, "at": r.updated_at}
            for r in Reaction.objects.filter(member=member).order_by("created_at", "id")
        ],
        "topics_followed": [
            {"topic": f.topic.name, "following": f.following}
            for f in TopicFollow.objects.filter(member=member).select_related("topic")
        ],
        "mentioned_in": [
            {"post_id": m.post_id, "comment_id": m.comment_id}
            for m in Mention.objects.filter(member=member).order_by("id")
        ],
    }


def _events(member: User) -> dict[str, Any]:
    return {
        "organized": [
            {
                "id": e.pk,
                "title": e.title,
                "description": e.description,
                "starts_at": e.starts_at,
                "ends_at": e.ends_at,
                "time_zone": e.time_zone,
                "place": e.place,
                "online_url": e.online_url,
                "capacity": e.capacity,
                "cancelled_at": e.cancelled_at,
            }
            for e in Event.objects.filter(organizer=member).order_by("starts_at", "id")
        ],
        "attendance": [
            {
                "event": {"id": a.event_id, "title": a.event.title},
                "status": a.status,
                "checked_in_at": a.checked_in_at,
                "hidden_from_attendee_list": a.hidden,
            }
            for a in Attendance.objects.filter(member=member)
            .select_related("event")
            .order_by("event__starts_at", "id")
        ],
    }


def _mentorship(member: User) -> dict[str, Any]:
    offer = MentorOffer.objects.filter(mentor=member).prefetch_related("topics").first()
    mentorships = (
        Mentorship.objects.filter(Q(mentor=member) | Q(mentee=member))
        .select_related("mentor", "mentee")
        .order_by("created_at", "id")
    )
    goals: dict[int, list[dict[str, Any]]] = {}
    for goal in Goal.objects.filter(mentorship__in=mentorships).order_by("position", "id"):
        goals.setdefault(goal.mentorship_id, []).append(
            {"text": goal.text, "done_at": goal.done_at}
        )
    return {
        "offer": None
        if offer is None
        else {
            "title": offer.title,
            "description": offer.description,
            "formats": offer.formats,
            "capacity": offer.capacity,
            "min_weeks": offer.min_weeks,
            "max_weeks": offer.max_weeks,
            "availability": offer.availability,
            "paused_at": offer.paused_at,
            "topics": [t.name for t in offer.topics.all()],
        },
        "mentorships": [
            {
                "id": m.pk,
                "mentor": member_ref(m.mentor),
                "mentee": member_ref(m.mentee),
                "state": m.state,
                "format": m.format,
                "weeks": m.weeks,
                "cadence": m.cadence,
                "request_note": m.note,
                "created_at": m.created_at,
                "started_at": m.started_at,
                "ends_at": m.ends_at,
                "ended_at": m.ended_at,
                "end_reason": m.reason,
                "goals": goals.get(m.pk, []),
            }
            for m in mentorships
        ],
        "reflections_written": [
            {"mentorship_id": r.mentorship_id, "text": r.text, "shared": r.share}
            for r in Reflection.objects.filter(author=member).order_by("created_at", "id")
        ],
    }


def _programmes(member: User) -> dict[str, Any]:
    """Mentoring programmes: those the member organized, their places (with their own
    ranking, as member ids) and the pairs they were assigned to."""
    return {
        "organized": [
            {
                "id": p.pk,
                "name": p.name,
                "description": p.description,
                "weeks": p.weeks,
                "cadence": p.cadence,
                "state": p.state,
                "created_at": p.created_at,
                "published_at": p.published_at,
            }
            for p in Programme.objects.filter(organizer=member).order_by("created_at", "id")
        ],
        "places": [
            {
                "programme": {"id": place.programme_id, "name": place.programme.name},
                "role": place.role,
                "capacity": place.capacity,
                "ranking": place.ranking,
                "ranked_at": place.ranked_at,
            }
            for place in ProgrammePlace.objects.filter(member=member)
            .select_related("programme")
            .order_by("programme_id")
        ],
        "assignments": [
            {
                "programme_id": a.programme_id,
                "mentor": member_ref(a.mentor),
                "mentee": member_ref(a.mentee),
            }
            for a in Assignment.objects.filter(Q(mentor=member) | Q(mentee=member))
            .select_related("mentor", "mentee")
            .order_by("programme_id", "id")
        ],
    }


def _account(member: User) -> dict[str, Any]:
    """What the member agreed to and asked of their account."""
    deletion = AccountDeletion.objects.filter(user=member).first()
    return {
        "conduct_accepted": [
            {"version": a.version, "accepted_at": a.accepted_at}
            for a in ConductAcceptance.objects.filter(user=member).order_by("version")
        ],
        "account_deletion": None
        if deletion is None
        else {
            "requested_at": deletion.requested_at,
            "erase_after": deletion.erase_after,
            "cancelled_at": deletion.cancelled_at,
        },
    }


def _introductions(member: User) -> list[dict[str, Any]]:
    rows = []
    for intro in (
        Introduction.objects.filter(Q(requester=member) | Q(introducer=member) | Q(target=member))
        .select_related("requester", "introducer", "target")
        .order_by("created_at", "id")
    ):
        row: dict[str, Any] = {
            "id": intro.pk,
            "requester": member_ref(intro.requester),
            "introducer": member_ref(intro.introducer),
            "target": member_ref(intro.target),
            "intent": intro.intent,
            "state": intro.state,
            "created_at": intro.created_at,
            "forwarded_at": intro.forwarded_at,
            "decided_at": intro.decided_at,
        }
        # Each note goes to whom it was written for: the request to the introducer (and on
        # to the target once forwarded), the forward note to the target.
        if intro.requester_id == member.pk or intro.introducer_id == member.pk:
            row["message"] = intro.message
        if intro.introducer_id == member.pk or (
            intro.target_id == member.pk and intro.forwarded_at is not None
        ):
            row["forward_note"] = intro.forward_note
        if intro.requester_id == member.pk:
            row["thank_you_note"] = intro.thank_you_note
        rows.append(row)
    return rows


def _collaborations(member: User) -> list[dict[str, Any]]:
    collaborations = (
        Collaboration.objects.filter(collaborators__member=member)
        .select_related("proposer")
        .prefetch_related("collaborators__member")
        .order_by("created_at", "id")
        .distinct()
    )
    return [
        {
            "id": c.pk,
            "title": c.title,
            "description": c.description,
            "state": c.state,
            "proposer": member_ref(c.proposer),
            "members": [
                {**(member_ref(seat.member) or {}), "state": seat.state}
                for seat in c.collaborators.all()
            ],
            "created_at": c.created_at,
            "started_at": c.started_at,
            "completed_at": c.completed_at,
        }
        for c in collaborations
    ]


def _contact_book(member: User) -> dict[str, Any]:
    return {
        "imports": [
            {
                "id": i.pk,
                "file_name": i.file_name,
                "status": i.status,
                "counts": i.counts,
                "created_at": i.created_at,
            }
            for i in Import.objects.filter(owner=member).order_by("created_at", "id")
        ],
        "contacts": [
            {
                "id": c.pk,
                "name": c.name,
                "profile_url": c.profile_url,
                "email": c.email,
                "company": c.company,
                "position": c.position,
                "connected_on": c.connected_on,
                "messages_sent": c.messages_sent,
                "messages_received": c.messages_received,
                "last_message_at": c.last_message_at,
            }
            for c in Contact.objects.filter(owner=member).order_by("name", "id")
        ],
        "interactions": [
            {
                "contact_id": x.contact_id,
                "kind": x.kind,
                "occurred_at": x.occurred_at,
                "excerpt": x.excerpt,
            }
            for x in ContactInteraction.objects.filter(owner=member).order_by("occurred_at", "id")
        ],
    }


def member_data(member: User) -> dict[str, Any]:
    """Every section of data.json for this member (loaded with profile and boundaries)."""
    connections = _connections(member)
    return {
        "format": "mutuals-export",
        "format_version": FORMAT_VERSION,
        "generated_at": timezone.now(),
        "member": {
            "id": member.pk,
            "name": member.name,
            "email": member.email,
            "joined_at": member.date_joined,
            "email_addresses": [
                {"email": e.email, "verified": e.verified, "primary": e.primary}
                for e in EmailAddress.objects.filter(user=member).order_by("id")
            ],
        },
        **_account(member),
        "profile": _profile(member),
        "notification_preferences": dict(
            NotificationPreference.objects.filter(member=member)
            .order_by("kind")
            .values_list("kind", "delivery")
        ),
        "boundaries": _boundaries(member),
        "connections": _connection_rows(member, connections),
        "pact": _pact(member, connections),
        "interactions_logged": [
            {"counterpart": member_ref(i.counterpart), "kind": i.kind, "at": i.at, "note": i.note}
            for i in Interaction.objects.filter(actor=member)
            .select_related("counterpart")
            .order_by("at", "id")
        ],
        "blocks": [
            {"member": member_ref(b.blocked), "blocked_at": b.created_at}
            for b in Block.objects.filter(blocker=member).select_related("blocked")
        ],
        "connections_removed": _removals(member),
        "invitations": _invitations(member),
        "conversations": _conversations(member),
        "posts": _posts(member),
        **_feed_activity(member),
        "events": _events(member),
        "mentorship": _mentorship(member),
        "introductions": _introductions(member),
        "suggestions_dismissed": [
            {"member": member_ref(d.dismissed), "reason": d.reason, "at": d.created_at}
            for d in SuggestionDismissal.objects.filter(member=member)
            .select_related("dismissed")
            .order_by("created_at", "id")
        ],
        "programmes": _programmes(member),
        "collaborations": _collaborations(member),
        "contact_book": _contact_book(member),
        "notifications": [
            {
                "kind": n.kind,
                "title": n.title,
                "body": n.body,
                "url": n.url,
                "created_at": n.created_at,
                "read_at": n.read_at,
            }
            for n in Notification.objects.filter(member=member).order_by("created_at", "id")
        ],
        "api_tokens": [
            {"label": t.label, "prefix": t.prefix, "created_at": t.created_at}
            for t in member.api_tokens.filter(revoked_at__isnull=True).order_by("created_at")
        ],
        **{name: provider(member) for name, provider in _sections.items()},
    }


CSV_HEADER = ["id", "name", "headline", "company", "title", "location", "since", "intent"]


def _connections_csv(member: User, connections: list[Connection], base_url: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([*CSV_HEADER, "profile_url"])
    for connection in connections:
        other = _other(connection, member)
        p = other.profile
        writer.writerow(
            [
                other.pk,
                other.name,
                p.headline,
                p.company,
                p.title,
                p.location,
                _json_default(connection.created_at),
                connection.intent,
                f"{base_url}/members/{other.pk}/",
            ]
        )
    return out.getvalue()


def build_zip(member: User, *, base_url: str, site_name: str) -> bytes:
    """The archive for `member` (README, data.json, connections.csv / .vcf, events.ics)."""
    data = member_data(member)
    connections = _connections(member)
    events = events_for(member, Scope.MINE).order_by("starts_at", "id")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "README.txt",
            README.format(
                site=site_name,
                generated=_json_default(data["generated_at"]),
                name=member.name,
                email=member.email,
            ),
        )
        archive.writestr(
            "data.json",
            json.dumps(data, default=_json_default, ensure_ascii=False, indent=2),
        )
        archive.writestr("connections.csv", _connections_csv(member, connections, base_url))
        archive.writestr(
            "connections.vcf",
            vcards(((_other(c, member), c.created_at) for c in connections), base_url),
        )
        archive.writestr(
            "events.ics",
            calendar_for(events, base_url=base_url, name=f"{member.name} · {site_name} events"),
        )
    return buffer.getvalue()
