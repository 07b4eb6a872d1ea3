"""The demo chapter's collaborations, made through the services like a member would.

Thandi, Kwame and Liam turned the signalling site visit into a lessons-learned pack (all
three confirmed: it shows on their profiles and in their ledgers); Kwame invites Sam to turn
the risk workshop into a clause checklist, so Sam has an invitation to answer. Idempotent:
a collaboration with the same title by the same proposer is never made twice.
"""

from __future__ import annotations

from mutuals.accounts.models import User
from mutuals.engagement import services
from mutuals.engagement.models import Collaboration

# (proposer, title, description, event title starts with, invitees, invitees who confirm)
DEMO_COLLABORATIONS = [
    (
        "thandi",
        "Eglinton signalling: a lessons-learned pack",
        "What the site visit showed about interlocking cut-overs, written up for the next "
        "line's project teams: a checklist, three case notes and a risk register template.",
        "Site visit",
        ("kwame", "liam"),
        ("kwame", "liam"),
    ),
    (
        "kwame",
        "Schedule-risk clause checklist for supplier contracts",
        "The workshop's best clauses as a one-page checklist buyers and planners can use "
        "before tender.",
        "Chapter risk workshop",
        ("sam",),
        (),
    ),
]


def demo_collaborations_seed(members: dict[str, User]) -> int:
    """Create the demo collaborations that are missing; returns how many were created."""
    from mutuals.events.models import Event

    created = 0
    for proposer_key, title, description, event_prefix, invitees, confirming in DEMO_COLLABORATIONS:
        proposer = members.get(proposer_key)
        people = [members.get(key) for key in invitees]
        event = Event.objects.filter(title__startswith=event_prefix).order_by("pk").first()
        if proposer is None or event is None or any(p is None for p in people):
            continue
        if Collaboration.objects.filter(proposer=proposer, title=title).exists():
            continue
        collaboration = services.collaboration_propose(
            proposer=proposer,
            title=title,
            description=description,
            member_ids=[p.pk for p in people if p is not None],
            event_id=event.pk,
        )
        for key in confirming:
            services.collaboration_confirm(member=members[key], collaboration_id=collaboration.pk)
        created += 1
    return created
