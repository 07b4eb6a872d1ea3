"""The graph engine (docs/design.md §6): pure Python + NumPy with small compiled kernels, no Django.

`build_snapshot` turns arrays (members, connections with strengths, member attributes, blocks)
into an immutable compressed-sparse-row `GraphSnapshot`; `search` answers degree of
separation, strongest warm-introduction paths and people you may know over it. The Django side
(`mutuals.introductions.graph`) feeds it from the database and keeps it current.
"""

from mutuals.graph.search import (
    MIN_INTRODUCTION_STRENGTH,
    Circle,
    Proximity,
    Suggestion,
    WarmPath,
    degree_of_separation,
    people_you_may_know,
    strongest_paths,
)
from mutuals.graph.snapshot import GraphSnapshot, build_snapshot, normalize_label

__all__ = [
    "MIN_INTRODUCTION_STRENGTH",
    "Circle",
    "GraphSnapshot",
    "Proximity",
    "Suggestion",
    "WarmPath",
    "build_snapshot",
    "degree_of_separation",
    "normalize_label",
    "people_you_may_know",
    "strongest_paths",
]
