"""The demo chapter's conversations, written through the messaging services at the moments
they happened, so Sam's Messages page is not empty and today's actions include a reply.

- Kwame and Sam, one-to-one, about the clause checklist Kwame invited Sam to: Kwame wrote
  last, yesterday, and Sam has not read it yet ("Reply to Kwame", an unread badge).
- "Supplier contracts round-table": Sam, Priya and Arjun comparing tender clauses; Sam wrote
  last, so nothing is owed.
- Mateo and Sam, one-to-one, three weeks ago: read and answered.

Only ties that are engaged anyway carry these messages, so the states the demo shows
elsewhere (`engagement.demo.DEMO_TIES`) stay as written. Idempotent: a conversation that
already exists (the pair's, or a group with the same title by the same creator) is skipped.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction

from mutuals.accounts.models import User
from mutuals.messaging.models import Conversation
from mutuals.messaging.services import _create, _post

# The public services write at the present moment; the demo's history needs its own dates, so
# the seeder calls their two steps (`_create`, and `_post`: rate limit, ledger, read marks,
# digests) with `now` instead.

# (title or "" for one-to-one, creator, other participants, [(days ago, hours, sender, text)])
DEMO_CONVERSATIONS: tuple[
    tuple[str, str, tuple[str, ...], tuple[tuple[int, int, str, str], ...]], ...
] = (
    (
        "",
        "kwame",
        ("sam",),
        (
            (
                3,
                9,
                "kwame",
                "Sam, thanks for staying on after the risk workshop. I've started the "
                "clause checklist as a collaboration; would you look at the draft before "
                "Friday?",
            ),
            (
                3,
                11,
                "sam",
                "Happy to. Send it over and I'll compare it with the clauses we used "
                "on the Kestrel warehouse tenders.",
            ),
            (
                1,
                16,
                "kwame",
                "The draft is in the collaboration now. The liquidated-damages "
                "clause is the one I'm least sure about: too soft for signalling work?",
            ),
        ),
    ),
    (
        "Supplier contracts round-table",
        "sam",
        ("priya", "arjun"),
        (
            (
                6,
                10,
                "sam",
                "Starting a thread for the three of us: which schedule-risk clauses "
                "have actually held up when a supplier slipped?",
            ),
            (
                6,
                13,
                "priya",
                "Milestone-linked retention, every time. Flat penalties just get "
                "priced into the bid.",
            ),
            (
                5,
                9,
                "arjun",
                "Agree with Priya. We also ask for a weekly look-ahead in the "
                "contract itself; it surfaces slips a month earlier.",
            ),
            (5, 12, "sam", "Both going into Kwame's checklist. Thank you."),
        ),
    ),
    (
        "",
        "mateo",
        ("sam",),
        (
            (
                22,
                15,
                "mateo",
                "Congratulations on the programme lead role! If you want a second "
                "pair of eyes on the first steering pack, I'm around.",
            ),
            (21, 9, "sam", "Thank you, Mateo. I may take you up on that in the new year."),
        ),
    ),
)


@transaction.atomic
def demo_conversations_seed(members: dict[str, User], now: datetime) -> int:
    """Write the demo conversations that do not exist yet; returns how many were written."""
    written = 0
    for title, creator_key, other_keys, messages in DEMO_CONVERSATIONS:
        creator = members.get(creator_key)
        others = [members.get(key) for key in other_keys]
        if creator is None or any(other is None for other in others):
            continue
        people = [other for other in others if other is not None]
        if title:
            exists = Conversation.objects.filter(created_by=creator, title=title).exists()
            pair = None
        else:
            low, high = sorted((creator.pk, people[0].pk))
            exists = Conversation.objects.filter(pair_low=low, pair_high=high).exists()
            pair = (low, high)
        if exists:
            continue
        sent = [
            (
                now.replace(hour=hours, minute=0, second=0, microsecond=0) - timedelta(days=days),
                members[sender],
                text,
            )
            for days, hours, sender, text in messages
        ]
        conversation = _create(creator, people, sent[0][0], title=title, pair=pair)
        for at, sender, text in sent:
            _post(sender=sender, conversation=conversation, text=text, now=at)
        written += 1
    return written
