"""The moments of a request that its two members are told about: delivered to the recipient
(when it leaves the queue, not when it is queued), accepted and declined (told to the sender),
and reported (told to nobody: moderation hears it and files a spam report for its queue).

Connections stands below the app that keeps notifications (engagement), so it announces each
moment to whoever registered from their `AppConfig.ready` (docs/architecture.md "Layers"): a
registration, not a signal. Listeners run inside the transaction that moved the request, so
the moment and what a listener writes commit together or not at all; a retried task finds the
request already moved and announces nothing twice.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol

from mutuals.connections.models import Invitation


class InvitationMoment(StrEnum):
    DELIVERED = "delivered"  # told to the recipient
    ACCEPTED = "accepted"  # told to the sender
    DECLINED = "declined"  # told to the sender, with the reason the recipient chose
    REPORTED = "reported"  # never told to the sender; moderation files spam for its queue


class InvitationListener(Protocol):
    def __call__(self, *, invitation: Invitation, moment: InvitationMoment) -> object: ...


_listeners: list[InvitationListener] = []


def invitation_listener_register(listener: InvitationListener) -> None:
    """Hear every moment of every request (once per listener); engagement registers the
    notifications."""
    if listener not in _listeners:
        _listeners.append(listener)


def invitation_moment(invitation: Invitation, moment: InvitationMoment) -> None:
    """Announce a moment, inside the transaction that made it."""
    for listener in _listeners:
        listener(invitation=invitation, moment=moment)
