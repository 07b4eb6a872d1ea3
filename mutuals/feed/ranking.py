"""The feed's ranking model: pure functions, named weights, no database.

A candidate's score is its recency times how much it concerns the viewer:

    score = 0.5 ** (age_hours / HALF_LIFE_HOURS)
            × (BASE + STRENGTH × tie strength + TOPIC × min(followed topics on it, MAX_OVERLAP))

`tie strength` is the viewer's engagement Tie.strength with the author (0 when not
connected; OWN for the viewer's own posts). Ages are measured from the page's reference time,
which the cursor carries, so every page of one feed session scores with the same clock and a
(score, id) keyset cursor is stable while the ranking is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

HALF_LIFE_HOURS = 48.0
BASE = 0.25
STRENGTH = 1.0
TOPIC = 0.4
MAX_OVERLAP = 2
# The viewer's own posts appear (a confirmation that they went out) without a tie's boost, so
# they never crowd out what others wrote.
OWN = 0.0

TIER_INNER = "inner"
TIER_CLOSE = "close"


@dataclass(frozen=True)
class Candidate:
    post_id: int
    author_id: int
    created_at: datetime
    strength: float  # 0 when the viewer is not connected to the author
    tier: str  # "" when not connected
    own: bool
    followed_topics: tuple[str, ...]  # slugs of the post's topics the viewer follows


def score(candidate: Candidate, reference: datetime) -> float:
    strength = OWN if candidate.own else candidate.strength
    return raw_score(
        (reference - candidate.created_at).total_seconds(),
        strength,
        len(candidate.followed_topics),
    )


def raw_score(age_seconds: float, strength: float, overlap: int) -> float:
    """`score` on plain numbers (the feed scores hundreds of candidates per page)."""
    age_hours = max(0.0, age_seconds / 3600)
    recency: float = 0.5 ** (age_hours / HALF_LIFE_HOURS)
    return round(recency * (BASE + STRENGTH * strength + TOPIC * min(overlap, MAX_OVERLAP)), 12)


def reasons(candidate: Candidate, author_first_name: str) -> list[str]:
    """Why the item is shown, strongest first (what the page prints under the post)."""
    said: list[str] = []
    if candidate.own:
        said.append("Your post")
    elif candidate.tier == TIER_INNER:
        said.append(f"{author_first_name} is in your inner circle")
    elif candidate.tier == TIER_CLOSE:
        said.append(f"{author_first_name} is one of your close connections")
    elif candidate.tier:
        said.append(f"You're connected to {author_first_name}")
    if candidate.followed_topics:
        tags = " and ".join(f"#{slug}" for slug in candidate.followed_topics[:2])
        said.append(f"You follow {tags}")
    if not said:
        said.append("New in the community")
    return said
