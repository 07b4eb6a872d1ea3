"""Fetch-with-permission for conversations: the only way views and endpoints load one."""

from __future__ import annotations

from mutuals.accounts.models import User
from mutuals.connections.selectors import is_blocked_between
from mutuals.core.compiled import CompiledQuery
from mutuals.core.errors import NotFound
from mutuals.engagement.collaborations import SharedOrigin
from mutuals.messaging.models import Conversation, Participant


def access_conversation_by_id(viewer: User, conversation_id: int) -> Conversation:
    """A conversation the viewer takes part in; not found when missing, when they are not a
    participant, or when it is one-to-one with someone on either side of a block (so
    neither a conversation nor a block is ever revealed)."""
    conversation = _conversation_of_participant.first(
        conversation_id=conversation_id, member_id=viewer.pk
    )
    if conversation is None:
        raise NotFound("No such conversation.")
    if not conversation.is_group and is_blocked_between(
        viewer.pk, conversation.other_member_id(viewer.pk)
    ):
        raise NotFound("No such conversation.")
    return conversation


# Every message sent and every conversation opened reads it: compiled once per process.
_conversation_of_participant: CompiledQuery[Conversation] = CompiledQuery(
    lambda conversation_id, member_id: Conversation.objects.filter(
        pk=conversation_id,
        pk__in=Participant.objects.filter(member=member_id).values("conversation_id"),
    ).order_by("pk")[:1],
    conversation_id=-730_831,
    member_id=-730_832,
)


def collaboration_origin_conversation(proposer: User, conversation_id: int) -> SharedOrigin:
    """A conversation as the origin of a collaboration (registered with engagement in
    `MessagingConfig.ready`): one the proposer takes part in, shared by its participants."""
    conversation = access_conversation_by_id(proposer, conversation_id)
    return SharedOrigin(
        source=conversation,
        member_ids=frozenset(
            Participant.objects.filter(conversation=conversation).values_list(
                "member_id", flat=True
            )
        ),
        outside_one="is not in that conversation",
        outside_many="are not in that conversation",
    )
