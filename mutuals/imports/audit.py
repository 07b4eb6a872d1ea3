"""The network audit of a LinkedIn export, pure Python (no Django, no database).

`audit_export(export)` answers what the issue asks, as a JSON-ready dict that the API returns,
the audit page and the offline report render, and the import stores:

- connections per year; connected but never messaged; one-way relationships (only you write /
  only they write); invitations sent without a note;
- template reuse: clusters of near-identical invitation notes (`templates_reuse.py`), each
  with personalization scores from the engine (`mutuals.personalization`);
- strength and tiers from the message history (`strength.py`);
- a "re-engage" list, each person with the reason, and a "let rest" list.

Lists are whole (a member with 4,000 connections sees all of them; the page and the report
filter and sort them, and each downloads as CSV). `breakdowns` says which companies and roles
the network is made of and `acceptance` what invitations with and without a note got
(`breakdowns.py`). Dates are ISO 8601.

Totals that add up (issue 16): every connection row LinkedIn writes is counted, hidden ones
too; only relationships are ranked (not the owner's own other profiles, not LinkedIn's own
accounts, not people known only from an invitation or an endorsement); and `charts` states,
for each chart, its total, its parts (which add up to it) and what it leaves out and why.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np

from mutuals import personalization
from mutuals.imports import strength as strength_model
from mutuals.imports.breakdowns import acceptance, network_breakdowns, template_reach
from mutuals.imports.linkedin.gcpause import collector_paused
from mutuals.imports.linkedin.records import Export
from mutuals.imports.network import Network, Person, build_network
from mutuals.imports.own_profile import profile_proposal
from mutuals.imports.templates_reuse import Note, find_templates

# A two-way relationship silent this long is fading: worth a message before it is gone.
FADING_AFTER_DAYS = 180
# Connected this long ago and never a word either way: let it rest.
LET_REST_AFTER_DAYS = 730
# You wrote this many times without an answer: stop writing.
UNANSWERED_TO_REST = 2
MONTHS_IN_CHART = 36
TEMPLATE_SCORE_SAMPLE = 20
AUDIT_VERSION = 3

# Scores a cluster's notes in the order they were sent: [(note, name, company, title)] ->
# [(score 0-100, verdict)].
Scorer = Callable[[Sequence[tuple[str, str, str, str]]], list[tuple[int, str]]]


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _month(value: datetime | None) -> str:
    return value.strftime("%B %Y") if value else "an unknown date"


def _years(days: float) -> str:
    years = days / 365.25
    if years >= 2:
        return f"{int(years)} years"
    months = int(days / 30.4)
    return f"{months} months" if months != 1 else "1 month"


def personalization_scorer() -> Scorer:
    """The personalization engine's scorer (`mutuals.personalization`, pure like this module).

    Each note is judged as the engine judges a draft, with the notes sent before it as the
    sender's history, so the copies after the first few are mass outreach (docs/design.md §3)."""

    def score(notes: Sequence[tuple[str, str, str, str]]) -> list[tuple[int, str]]:
        history = personalization.SenderHistory()
        results = []
        for position, (note, name, company, title) in enumerate(notes):
            recipient = personalization.Recipient(
                name=name, company=company, title=title, key=f"{position}:{name}"
            )
            report = personalization.assess(note, recipient=recipient, history=history)
            history.add(report.signature, recipient.key)
            results.append((report.score, report.verdict))
        return results

    return score


def audit_export(
    export: Export,
    *,
    as_of: datetime | None = None,
    scorer: Scorer | None = None,
    network: Network | None = None,
) -> dict[str, Any]:
    with collector_paused():
        return audit_network(
            network or build_network(export, keep_interactions=False),
            export,
            as_of=as_of,
            scorer=scorer,
        )


def _person_out(person: Person, **extra: Any) -> dict[str, Any]:
    return {
        "key": person.key,
        "name": person.name,
        "company": person.company,
        "position": person.position,
        "url": person.url,
        "connected_on": _iso(person.connected_on),
        **extra,
    }


def _history(person: Person) -> dict[str, Any]:
    """The message history that justifies a re-engage entry."""
    return {
        "sent": person.sent,
        "received": person.received,
        "conversations": person.conversations,
        "first_at": _iso(person.first_message_at),
        "last_at": _iso(person.last_message_at),
        "last_from_you": _last(person.last_sent_at, person.last_sent_excerpt),
        "last_from_them": _last(person.last_received_at, person.last_received_excerpt),
    }


def _last(at: datetime | None, excerpt: str) -> dict[str, Any] | None:
    """The latest message one way: when, and how it began; None when there was none."""
    if at is None and not excerpt:
        return None
    return {"at": _iso(at), "excerpt": excerpt}


def _scores(
    network: Network, people: list[Person], *, ranked: set[str], now: datetime
) -> strength_model.Scores:
    """Strength for everyone in `people`, from the network's message ledger."""
    ledger = network.ledger
    position = {p.key: index for index, p in enumerate(people)}
    where = np.array([position.get(key, -1) for key in ledger.keys], dtype=np.int64)
    pair = where[np.frombuffer(ledger.person, dtype=np.int64)]
    kept = pair >= 0  # a person the network dropped after their messages were counted
    return strength_model.score_ledger(
        [p.key for p in people],
        [p.connected_on for p in people],
        pair=pair[kept],
        times=np.frombuffer(ledger.at, dtype=np.float64)[kept],
        mine=np.frombuffer(ledger.mine, dtype=np.int8)[kept].astype(np.bool_),
        ranked=ranked,
        now=now,
    )


def audit_network(
    network: Network,
    export: Export,
    *,
    as_of: datetime | None = None,
    scorer: Scorer | None = None,
) -> dict[str, Any]:
    now = as_of or network.reference_time or datetime.now(tz=UTC)
    people = list(network.people.values())
    connections = [p for p in people if p.is_connection]
    own_profiles = [p for p in people if p.own_profile]
    # Relationships: connections and anyone messages passed with, never the owner's own
    # other profiles (their messages are excluded as "own_profile").
    related = [p for p in people if not p.own_profile and (p.is_connection or p.messages)]
    known_only = [p for p in people if not p.own_profile and not p.is_connection and not p.messages]
    hidden = network.hidden

    per_year = Counter(p.connected_on.year for p in connections if p.connected_on)
    per_year.update(moment.year for moment in hidden if moment)
    undated = sum(1 for p in connections if p.connected_on is None)
    undated += sum(1 for moment in hidden if moment is None)

    never = [p for p in related if p.is_connection and p.messages == 0]
    never.sort(key=lambda p: (p.connected_on is None, p.connected_on or now, p.name))
    only_you = [p for p in related if p.sent and not p.received]
    only_them = [p for p in related if p.received and not p.sent]
    two_way = [p for p in related if p.sent and p.received]
    only_you.sort(key=lambda p: (-p.sent, p.name))
    only_them.sort(key=lambda p: (-p.received, p.name))

    # Strength and tiers: computed for everyone (the contact book keeps it), ranked among
    # relationships only.
    scores = _scores(network, people, ranked={p.key for p in related}, now=now)
    strengths, tiers = scores.strengths, scores.tiers
    tier_counts = Counter(tiers.values())
    messaged = sorted((p for p in related if p.messages), key=lambda p: (-strengths[p.key], p.name))

    # Invitations and templates.
    sent_invitations = network.invitations_sent
    without_note = sum(1 for _, note, _ in sent_invitations if not note.strip())
    notes = [
        Note(
            key=key,
            recipient=network.people[key].name,
            company=network.people[key].company,
            text=note,
        )
        for key, note, _ in sent_invitations
        if note.strip()
    ]
    clusters = find_templates(notes)
    sent_at_by_key = {key: at for key, _, at in sent_invitations}
    template_out = []
    for cluster in clusters:
        times = [t for t in (sent_at_by_key.get(n.key) for n in cluster.notes) if t]
        entry: dict[str, Any] = {
            "size": len(cluster.notes),
            "example": cluster.example.text,
            "recipients": [n.recipient for n in cluster.notes],
            "first_sent": _iso(min(times)) if times else None,
            "last_sent": _iso(max(times)) if times else None,
            **template_reach(network, [n.key for n in cluster.notes], sent_at_by_key),
            "score": None,
            "verdict": None,
        }
        if scorer is not None:
            in_order = sorted(
                cluster.notes,
                key=lambda n: (sent_at_by_key.get(n.key) is None, sent_at_by_key.get(n.key)),
            )
            scored = scorer(
                [
                    (
                        note.text,
                        network.people[note.key].name,
                        network.people[note.key].company,
                        network.people[note.key].position,
                    )
                    for note in in_order[:TEMPLATE_SCORE_SAMPLE]
                ]
            )
            entry["score"] = round(sum(score for score, _ in scored) / len(scored))
            entry["verdict"] = Counter(verdict for _, verdict in scored).most_common(1)[0][0]
        template_out.append(entry)

    # Re-engage: two-way relationships gone quiet, and people who wrote and got no answer.
    fading_before = now - timedelta(days=FADING_AFTER_DAYS)
    reengage: list[tuple[float, dict[str, Any]]] = []
    for person in two_way:
        if person.last_message_at and person.last_message_at < fading_before:
            silence = (now - person.last_message_at).days
            reason = (
                f"You wrote {person.messages} messages to each other, the last in "
                f"{_month(person.last_message_at)}; it has been {_years(silence)}."
            )
            weight = person.messages * (1 + person.replies)
            reengage.append(
                (weight, _person_out(person, reason=reason, kind="fading", **_history(person)))
            )
    for person in only_them:
        if person.last_received_at and person.is_connection:
            how_often = "once" if person.received == 1 else f"{person.received} times"
            reason = (
                f"They wrote to you {how_often} (last in {_month(person.last_received_at)}) "
                "and you never answered."
            )
            reengage.append(
                (
                    person.received,
                    _person_out(person, reason=reason, kind="unanswered", **_history(person)),
                )
            )
    reengage.sort(key=lambda item: (-item[0], item[1]["name"]))

    # Let rest: long-silent connections and one-way efforts.
    rest_before = now - timedelta(days=LET_REST_AFTER_DAYS)
    let_rest: list[dict[str, Any]] = []
    for person in never:
        if person.connected_on and person.connected_on < rest_before:
            let_rest.append(
                _person_out(
                    person,
                    reason=f"Connected in {person.connected_on.year}; not one message since.",
                )
            )
    for person in only_you:
        if person.sent >= UNANSWERED_TO_REST and (
            person.last_sent_at is None or person.last_sent_at < now - timedelta(days=365)
        ):
            let_rest.append(
                _person_out(
                    person,
                    reason=f"You wrote {person.sent} times and never had an answer.",
                )
            )

    # Messages per month, for the chart (the last MONTHS_IN_CHART months of the export).
    sent_months = {f"{y:04d}-{m:02d}": n for (y, m), n in network.sent_per_month.items()}
    received_months = {f"{y:04d}-{m:02d}": n for (y, m), n in network.received_per_month.items()}
    months = _month_range(now, MONTHS_IN_CHART)

    charts = _charts(
        network,
        export,
        connections=len(connections) + len(hidden),
        per_year=per_year,
        undated=undated,
        split=(len(two_way), len(only_you), len(only_them), len(never)),
        own_profiles=len(own_profiles),
        known_only=len(known_only),
        tier_counts=tier_counts,
        months=[(m, sent_months.get(m, 0), received_months.get(m, 0)) for m in months],
    )

    return {
        "version": AUDIT_VERSION,
        "source": export.source,
        "owner": {"name": network.owner_name, "headline": network.owner_headline},
        "as_of": _iso(now),
        "files": [{"name": n, "kind": k, "rows": c} for n, k, c in export.files],
        "ignored_files": export.ignored,
        "totals": {
            "connections": len(connections) + len(hidden),
            "connections_hidden": len(hidden),
            "connections_undated": undated,
            "people": len(people),
            "relationships": len(related),
            "messages_counted": network.messages_attributed,
            "messages_excluded": network.excluded,
            "messages_in_export": len(export.messages),
            "invitations_sent": len(sent_invitations),
            "invitations_received": network.invitations_received,
            "endorsements": len(export.endorsements),
            "recommendations": len(export.recommendations),
            "positions": len(export.positions),
            "skills": len(export.skills),
            "events": len(export.events),
        },
        "charts": charts,
        "identity": {
            "collisions": [
                {"by": c.by, "value": c.value, "count": len(c.names), "names": c.names[:10]}
                for c in network.collisions
            ],
            "people_in_collisions": sum(len(c.names) for c in network.collisions),
        },
        "not_relationships": {
            "own_profiles": [_person_out(p) for p in own_profiles],
            "linkedin_accounts": [
                {"name": name, "messages": count}
                for name, count in sorted(network.linkedin_accounts.items())
            ],
            "sponsored_senders": [
                {"name": name, "messages": count}
                for name, count in sorted(network.sponsored_senders.items())
            ],
            "known_only_from_invitations_or_endorsements": len(known_only),
        },
        # Every year from the first connection to the last, quiet years included.
        "connections_per_year": [
            {"year": year, "count": per_year.get(year, 0)}
            for year in (range(min(per_year), max(per_year) + 1) if per_year else ())
        ],
        "connections_undated": undated,
        "never_messaged": {
            "count": len(never),
            "share": _share(len(never), len(connections)),
            "people": [_person_out(p) for p in never],
        },
        "one_way": {
            "two_way": len(two_way),
            "only_you": {
                "count": len(only_you),
                "people": [
                    _person_out(p, sent=p.sent, last_at=_iso(p.last_sent_at)) for p in only_you
                ],
            },
            "only_them": {
                "count": len(only_them),
                "people": [
                    _person_out(p, received=p.received, last_at=_iso(p.last_received_at))
                    for p in only_them
                ],
            },
        },
        "breakdowns": network_breakdowns(connections, len(hidden)),
        "acceptance": acceptance(network),
        "own_profile": profile_proposal(export),
        "invitations": {
            "sent": len(sent_invitations),
            "without_note": without_note,
            "share_without_note": _share(without_note, len(sent_invitations)),
            "with_note": len(sent_invitations) - without_note,
        },
        "templates": {
            "clusters": template_out,
            "notes_in_templates": sum(len(c.notes) for c in clusters),
            "notes": len(notes),
            "scored": scorer is not None,
        },
        "strength": {
            "model": scores.model_description(),
            "tiers": {tier: tier_counts.get(tier, 0) for tier in strength_model.TIERS},
            "people": [
                _person_out(
                    p,
                    strength=round(strengths[p.key], 4),
                    tier=tiers[p.key],
                    sent=p.sent,
                    received=p.received,
                    last_at=_iso(p.last_message_at),
                )
                for p in messaged
            ],
        },
        "reengage": [entry for _, entry in reengage],
        "reengage_count": len(reengage),
        "let_rest": {"count": len(let_rest), "people": let_rest},
        "messages_per_month": [
            {"month": m, "sent": sent_months.get(m, 0), "received": received_months.get(m, 0)}
            for m in months
        ],
        "_strengths": strengths,
        "_tiers": tiers,
    }


def _chart(
    total: int, parts: list[dict[str, Any]], left_out: list[dict[str, Any]]
) -> dict[str, Any]:
    """One chart's account: its parts add up to `total`; `left_out` says what is not in it
    and why (only the reasons that apply); `of` is what the export holds in all."""
    kept = [item for item in left_out if item["count"]]
    return {
        "total": total,
        "parts": parts,
        "left_out": kept,
        "of": total + sum(item["count"] for item in kept),
    }


def _charts(
    network: Network,
    export: Export,
    *,
    connections: int,
    per_year: Counter[int],
    undated: int,
    split: tuple[int, int, int, int],
    own_profiles: int,
    known_only: int,
    tier_counts: Counter[str],
    months: list[tuple[str, int, int]],
) -> dict[str, Any]:
    years = range(min(per_year), max(per_year) + 1) if per_year else range(0)
    year_parts = [{"label": str(year), "count": per_year.get(year, 0)} for year in years]
    if undated:
        year_parts.append({"label": "no date", "count": undated})
    hidden = len(network.hidden)
    two_way, only_you, only_them, never = split
    people_left_out = [
        {
            "label": "hidden connections",
            "count": hidden,
            "why": "they hide their details from exports, so their messages cannot be told apart",
        },
        {
            "label": "your own other profiles",
            "count": own_profiles,
            "why": "you, not a relationship",
        },
        {
            "label": "known only from an invitation or an endorsement",
            "count": known_only,
            "why": "not a connection, and no message either way",
        },
    ]
    ranked = two_way + only_you + only_them + never
    in_window = sum(sent + received for _, sent, received in months)
    first_month = months[0][0] if months else ""
    excluded = network.excluded
    message_left_out = [
        {
            "label": f"before {first_month}",
            "count": network.messages_attributed - network.messages_undated - in_window,
            "why": f"the chart shows the last {len(months)} months",
        },
        {"label": "no date", "count": network.messages_undated, "why": "the export gives none"},
        *(
            {"label": EXCLUDED_WHY[name][0], "count": count, "why": EXCLUDED_WHY[name][1]}
            for name, count in sorted(excluded.items())
        ),
    ]
    return {
        "connections_per_year": _chart(connections, year_parts, []),
        "who_writes": _chart(
            ranked,
            [
                {"label": "both ways", "count": two_way},
                {"label": "only you write", "count": only_you},
                {"label": "only they write", "count": only_them},
                {"label": "never a message", "count": never},
            ],
            people_left_out,
        ),
        "tiers": _chart(
            sum(tier_counts.values()),
            [{"label": tier, "count": tier_counts.get(tier, 0)} for tier in strength_model.TIERS],
            people_left_out,
        ),
        "messages_per_month": _chart(
            in_window,
            [
                {"label": month, "count": sent + received, "sent": sent, "received": received}
                for month, sent, received in months
            ],
            message_left_out,
        ),
    }


# Why messages are not counted towards a relationship: (label, why).
EXCLUDED_WHY = {
    "drafts": ("drafts", "never sent"),
    "spam": ("in spam", "LinkedIn filed them as spam"),
    "sponsored": ("sponsored", "advertising, not a person"),
    "linkedin_member": ("with deleted accounts", "“LinkedIn Member”: nobody left to know"),
    "linkedin_account": ("from LinkedIn itself", "LinkedIn's own accounts"),
    "own_profile": ("between your own profiles", "you, not a relationship"),
    "unattributed": ("with nobody named", "no sender or recipient to attribute them to"),
}


def public(audit: dict[str, Any]) -> dict[str, Any]:
    """The audit without the per-person tables the import keeps for itself."""
    return {key: value for key, value in audit.items() if not key.startswith("_")}


def _share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def _month_range(now: datetime, count: int) -> list[str]:
    year, month = now.year, now.month
    out = []
    for _ in range(count):
        out.append(f"{year:04d}-{month:02d}")
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return list(reversed(out))
