"""A member's history on their profile (issue 19): experience and education entries.

Every write on `Experience` and `Education` rows, for the profile pages, the API and the
LinkedIn import alike. Dates are months, written "2021-03", or years ("2014") when that is all
the member (or their export) knows; both dates of an entry have the same precision. An entry
with no end is current ("present"). Each refusal names its field (`invalid_fields`), and
nothing is written when one is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from mutuals.accounts.models import (
    MAX_EDUCATION_ENTRIES,
    MAX_EXPERIENCE_ENTRIES,
    Education,
    Experience,
    HistoryEntry,
    User,
)
from mutuals.core import graph_changes
from mutuals.core.errors import NotFound, Refused

Kind = Literal["experience", "education"]
EARLIEST_YEAR = 1900
# An end may lie ahead (a contract's last month, a degree's expected year), within reason.
YEARS_AHEAD_FOR_END = 10
_UNSET: Any = object()
_MONTH = re.compile(r"^(\d{4})(?:-(\d{1,2}))?$")


@dataclass(frozen=True, slots=True)
class _Spec:
    model: type[HistoryEntry]
    limit: int
    noun: str
    texts: dict[str, tuple[int, bool]]  # field → (most characters, required)
    start_required: bool


SPECS: dict[str, _Spec] = {
    "experience": _Spec(
        Experience,
        MAX_EXPERIENCE_ENTRIES,
        "positions",
        {
            "organisation": (120, True),
            "role": (120, True),
            "location": (120, False),
            "description": (1000, False),
        },
        start_required=True,
    ),
    "education": _Spec(
        Education,
        MAX_EDUCATION_ENTRIES,
        "schools",
        {
            "school": (160, True),
            "degree": (160, False),
            "field_of_study": (120, False),
            "description": (1000, False),
        },
        start_required=False,
    ),
}

_REQUIRED_MESSAGES = {
    "organisation": "Name the organisation.",
    "role": "Name the role.",
    "school": "Name the school.",
}


def _month(text: str, field: str, errors: dict[str, list[str]]) -> tuple[date | None, bool]:
    """(first day of the month, year only) from "2021-03" or "2021"; (None, False) if empty."""
    text = text.strip()
    if not text:
        return None, False
    match = _MONTH.match(text)
    if match is None:
        errors.setdefault(field, []).append("Write the month as 2021-03, or the year as 2021.")
        return None, False
    year, month = int(match.group(1)), match.group(2)
    if month is not None and not 1 <= int(month) <= 12:
        errors.setdefault(field, []).append("A month is between 01 and 12.")
        return None, False
    if year < EARLIEST_YEAR:
        errors.setdefault(field, []).append(f"Give a year from {EARLIEST_YEAR} on.")
        return None, False
    return date(year, int(month or 1), 1), month is None


def _dates(
    start: str, end: str, *, start_required: bool, errors: dict[str, list[str]]
) -> dict[str, Any]:
    started_on, start_year_only = _month(start, "start", errors)
    ended_on, end_year_only = _month(end, "end", errors)
    if started_on is None and start_required and "start" not in errors:
        errors.setdefault("start", []).append("Say when it started.")
    today = timezone.localdate()
    this_month = date(today.year, today.month, 1)
    if started_on is not None and started_on > this_month.replace(year=this_month.year + 1):
        errors.setdefault("start", []).append("A start more than a year from now is not history.")
    if ended_on is not None and ended_on.year > today.year + YEARS_AHEAD_FOR_END:
        errors.setdefault("end", []).append(
            f"An end more than {YEARS_AHEAD_FOR_END} years from now is too far ahead."
        )
    if started_on is not None and ended_on is not None:
        if start_year_only != end_year_only:
            errors.setdefault("end", []).append(
                "Give both dates as months (2021-03), or both as years (2021)."
            )
        elif ended_on < started_on:
            errors.setdefault("end", []).append("The end cannot come before the start.")
    year_only = start_year_only if started_on is not None else end_year_only
    return {"started_on": started_on, "ended_on": ended_on, "year_only": year_only}


def _texts(spec: _Spec, given: dict[str, Any], errors: dict[str, list[str]]) -> dict[str, str]:
    cleaned = {}
    for field, value in given.items():
        limit, required = spec.texts[field]
        text = str(value).strip() if field == "description" else " ".join(str(value).split())
        if required and not text:
            errors.setdefault(field, []).append(_REQUIRED_MESSAGES.get(field, "Fill this in."))
        elif len(text) > limit:
            errors.setdefault(field, []).append(f"Keep it to {limit} characters (now {len(text)}).")
        cleaned[field] = text
    return cleaned


def history_check(
    *, kind: Kind, start: str = "", end: str = "", **texts: str
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """A new entry's values as they would be stored, and what is wrong with them (field →
    problems; empty when it may be added): the rules of `history_add`, for callers that offer
    entries before the member adds them (the LinkedIn import)."""
    spec = SPECS[kind]
    unknown = set(texts) - set(spec.texts)
    if unknown:
        raise TypeError(f"{kind} has no field {sorted(unknown)}")
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = _texts(spec, {f: texts.get(f, "") for f in spec.texts}, errors)
    values |= _dates(start, end, start_required=spec.start_required, errors=errors)
    return values, errors


def _entries(user: User, kind: Kind) -> models.QuerySet[Any]:
    manager: models.Manager[Any] = SPECS[kind].model.objects  # type: ignore[attr-defined]
    return manager.filter(user=user)


def history_entries(user: User, kind: Kind) -> list[Any]:
    """The member's entries of one kind, in their order (the page and the API)."""
    return list(_entries(user, kind).order_by("position", "id"))


def _entry(user: User, kind: Kind, entry_id: int) -> Any:
    entry = _entries(user, kind).select_for_update().filter(pk=entry_id).first()
    if entry is None:
        raise NotFound(f"You have no such {kind} entry.")
    return entry


@transaction.atomic
def history_add(*, user: User, kind: Kind, start: str = "", end: str = "", **texts: str) -> Any:
    """Add an experience entry (organisation, role, start required; location, description,
    end optional) or an education entry (school required; degree, field_of_study,
    description, start and end optional) at the top of the member's list. Refuses an entry
    beyond 30 positions or 15 schools (`too_many_entries`), a missing or over-long text, a
    date that is not a month or year from 1900, a start more than a year ahead, an end more
    than 10 years ahead or before the start, and dates of different precision."""
    spec = SPECS[kind]
    User.objects.select_for_update().filter(pk=user.pk).first()  # one add at a time per member
    count = _entries(user, kind).count()
    if count >= spec.limit:
        raise Refused(
            f"A profile lists at most {spec.limit} {spec.noun}; remove one first.",
            code="too_many_entries",
            detail={"max": spec.limit},
        )
    values, errors = history_check(kind=kind, start=start, end=end, **texts)
    if errors:
        raise Refused.for_fields(errors)
    _entries(user, kind).update(position=F("position") + 1)
    entry = spec.model.objects.create(user=user, position=0, **values)  # type: ignore[attr-defined]
    _announce(user)
    return entry


@transaction.atomic
def history_update(
    *, user: User, kind: Kind, entry_id: int, start: str = _UNSET, end: str = _UNSET, **texts: str
) -> Any:
    """Change any fields of one of the member's own entries, by the rules of `history_add`
    applied to the entry as it would be; another member's entry is not found."""
    spec = SPECS[kind]
    entry = _entry(user, kind, entry_id)
    unknown = set(texts) - set(spec.texts)
    if unknown:
        raise TypeError(f"{kind} has no field {sorted(unknown)}")
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = _texts(spec, texts, errors)
    values |= _dates(
        entry.start if start is _UNSET else start,
        entry.end if end is _UNSET else end,
        start_required=spec.start_required,
        errors=errors,
    )
    if errors:
        raise Refused.for_fields(errors)
    for field, value in values.items():
        setattr(entry, field, value)
    entry.save()
    _announce(user)
    return entry


@transaction.atomic
def history_remove(*, user: User, kind: Kind, entry_id: int) -> None:
    """Remove one of the member's own entries; another member's is not found."""
    _entry(user, kind, entry_id).delete()
    _announce(user)


def _announce(user: User) -> None:
    """Tell who holds a member's facts (search's member document) that their history
    changed, in the same transaction."""
    graph_changes.member_changed(member_id=user.pk, fields={"history"})


@transaction.atomic
def history_reorder(*, user: User, kind: Kind, ids: list[int]) -> list[Any]:
    """Put the member's entries of one kind in the order of `ids`, which must name each of
    them exactly once (`invalid_fields` on `ids` otherwise)."""
    entries = {e.pk: e for e in _entries(user, kind).select_for_update()}
    if len(ids) != len(set(ids)) or set(ids) != set(entries):
        raise Refused.for_fields(
            {"ids": [f"List each of your {len(entries)} {kind} entries once, in the new order."]}
        )
    for position, pk in enumerate(ids):
        entries[pk].position = position
    SPECS[kind].model.objects.bulk_update(list(entries.values()), ["position"])  # type: ignore[attr-defined]
    return [entries[pk] for pk in ids]


@transaction.atomic
def history_move(*, user: User, kind: Kind, entry_id: int, step: int) -> None:
    """Move one entry a place up (`step` -1) or down (+1) the member's list; at either end it
    stays where it is."""
    order = [entry.pk for entry in history_entries(user, kind)]
    if entry_id not in order:
        raise NotFound(f"You have no such {kind} entry.")
    here = order.index(entry_id)
    there = max(0, min(len(order) - 1, here + (1 if step > 0 else -1)))
    order[here], order[there] = order[there], order[here]
    history_reorder(user=user, kind=kind, ids=order)
