"""How a state machine moves: one conditional UPDATE and one audit row, one code for a lost race.

Invitations, introductions, mentorships and collaborations each keep their states in a `state`
column and each move writes a row to their own event table (`InvitationEvent`,
`IntroductionEvent`, `MentorshipEvent`, `CollaborationEvent`). A move is

    UPDATE … SET state = 'to', … WHERE id = … AND state IN ('expected', …)

so of two people acting at once exactly one matches; only the winner writes the audit row.
Whoever finds the row in another state than the action needs, whether they lost the race or
came late, is answered the one code `state_changed` (409), with `detail.state` the state the
row is in now (`gone` when it was deleted), so a client knows what to show.

The helpers know no app: they take the instance, the states, and the audit model with its
fields.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from django.db import models

from mutuals.core.errors import Conflict


def state_label(instance: models.Model, state: str) -> str:
    """The display label of `state` of this model's `state` field, in lower case."""
    field = instance._meta.get_field("state")
    labels = {str(value): str(label) for value, label in field.flatchoices}  # type: ignore[union-attr]
    return labels.get(state, state).lower()


def state_changed(
    instance: models.Model, *, state: str | None = None, message: str | None = None
) -> Conflict:
    """The refusal for a row not (or no longer) in the state an action needs: `state_changed`
    (409) with `detail.state`, by default the instance's own."""
    current = state if state is not None else str(instance.state)  # type: ignore[attr-defined]
    label = "gone" if current == "gone" else state_label(instance, current)
    return Conflict(
        message or f"This {instance._meta.verbose_name} is {label} now.",
        code="state_changed",
        detail={"state": current},
    )


def transition_if(
    instance: models.Model,
    *,
    expected: str | Collection[str],
    to: str,
    audit_model: type[models.Model],
    audit: Mapping[str, Any],
    changes: Mapping[str, Any] | None = None,
) -> bool:
    """Move `instance` to `to` (with `changes`) if its row is still in an `expected` state,
    with one conditional UPDATE, and write the audit row (`audit_model(from_state, to_state,
    **audit)`) when it moved. Returns whether it moved; the instance is updated in memory."""
    states = (expected,) if isinstance(expected, str) else tuple(expected)
    current = str(instance.state)  # type: ignore[attr-defined]
    before = states[0] if len(states) == 1 else current
    changes = dict(changes or {})
    manager = type(instance)._default_manager
    if not manager.filter(pk=instance.pk, state__in=states).update(state=to, **changes):
        return False
    instance.state = to  # type: ignore[attr-defined]
    for name, value in changes.items():
        setattr(instance, name, value)
    audit_model._default_manager.create(from_state=before, to_state=to, **audit)
    return True


def transition(
    instance: models.Model,
    *,
    expected: str | Collection[str],
    to: str,
    audit_model: type[models.Model],
    audit: Mapping[str, Any],
    changes: Mapping[str, Any] | None = None,
) -> None:
    """`transition_if`, refusing a lost race: `state_changed` (409) naming the state the row
    is in now."""
    if not transition_if(
        instance, expected=expected, to=to, audit_model=audit_model, audit=audit, changes=changes
    ):
        now_in = (
            type(instance)
            ._default_manager.filter(pk=instance.pk)
            .values_list("state", flat=True)
            .first()
        )
        raise state_changed(instance, state=str(now_in) if now_in is not None else "gone")
