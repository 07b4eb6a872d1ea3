"""The platform's name for the one relationship-strength model, `mutuals.strength` (issue 15).

The model, its constants and its calibration live there, pure and Django-free, shared with the
LinkedIn audit (`imports.strength`); this module re-exports what the engagement app reads, so
its callers keep one import.
"""

from mutuals.strength.model import (
    CADENCE_DAYS,
    COMPONENT_WEIGHTS,
    COMPONENTS,
    DEFAULT_CALIBRATION,
    HALF_LIFE_DAYS,
    KIND_BY_NAME,
    KIND_WEIGHTS,
    MIN_STRENGTH,
    MUTUAL_KINDS,
    SECONDS_PER_DAY,
    SILENT_CEILING,
    STATES,
    TIER_ACQUAINTANCE,
    TIER_SIZES,
    TIERS,
    Calibration,
    Kind,
    assign_tiers,
    calibrate,
    relationship_components,
    relationship_state,
    relationship_strengths,
    relationships,
    tier_index_by_rank,
)

__all__ = [
    "CADENCE_DAYS",
    "COMPONENTS",
    "COMPONENT_WEIGHTS",
    "DEFAULT_CALIBRATION",
    "HALF_LIFE_DAYS",
    "KIND_BY_NAME",
    "KIND_WEIGHTS",
    "MIN_STRENGTH",
    "MUTUAL_KINDS",
    "SECONDS_PER_DAY",
    "SILENT_CEILING",
    "STATES",
    "TIERS",
    "TIER_ACQUAINTANCE",
    "TIER_SIZES",
    "Calibration",
    "Kind",
    "assign_tiers",
    "calibrate",
    "relationship_components",
    "relationship_state",
    "relationship_strengths",
    "relationships",
    "tier_index_by_rank",
]
