"""Background work on mentorships (django.tasks, run by `mutuals worker`). Each task takes
ids, calls one idempotent service, and may run late, twice, or after the state moved on."""

from __future__ import annotations

from django.tasks import task

from mutuals.mentorship.services import mentorships


@task()
def mentorship_complete(mentorship_id: int) -> bool:
    """Complete an active mentorship at its end date (enqueued for then at acceptance)."""
    return mentorships.mentorship_complete_if_due(mentorship_id=mentorship_id)


@task()
def mentorships_sweep() -> int:
    """Catch up what a stopped worker missed: complete every mentorship past its end date and
    fulfil check-ins from the ledger. `mutuals mentorship_sweep` runs the same pass."""
    return mentorships.mentorships_sweep()
