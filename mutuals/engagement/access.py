"""Fetch-with-permission for collaborations and notifications: the only way views and
endpoints load one."""

from __future__ import annotations

from mutuals.accounts.models import User
from mutuals.connections.selectors import is_blocked_between
from mutuals.core.errors import NotFound
from mutuals.engagement.models import Collaboration, Notification


def access_collaboration_by_id(viewer: User, collaboration_id: int) -> Collaboration:
    """A collaboration the viewer has a place in (proposer or invitee, whatever they answered);
    not found when missing, when they have no place in it, or when the viewer and the proposer
    are blocked either way (so neither the proposal nor the block is revealed)."""
    collaboration = (
        Collaboration.objects.filter(pk=collaboration_id, collaborators__member=viewer)
        .select_related("proposer")
        .first()
    )
    if collaboration is None or (
        collaboration.proposer_id != viewer.pk
        and is_blocked_between(viewer.pk, collaboration.proposer_id)
    ):
        raise NotFound("No such collaboration.")
    return collaboration


def access_notification_by_id(viewer: User, notification_id: int) -> Notification:
    """One of the viewer's notifications; another member's is not found."""
    notification = Notification.objects.filter(pk=notification_id, member=viewer).first()
    if notification is None:
        raise NotFound("No such notification.")
    return notification
