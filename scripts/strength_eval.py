"""Evaluate the one relationship-strength model (issue 15) on every message network in tests/data.

The protocol (docs/relationship-strength.md, "Evaluation protocol of issue 15") is fixed here,
in its own commit, before any method is tuned:

- Networks: SNAP CollegeMsg (a bursty student network) and SNAP email-Eu-core dept. 3 (a
  steady e-mail department). The two LinkedIn exports in tests/data hold 15 and 20 messages
  (truncated samples): too few pairs for an AUC, so they are checked by tests, not scored here.
- Cut-offs (days after each network's first record): CUTOFF_DAYS. At each one, every pair
  that exchanged a message before it is scored from its history up to the cut-off; the label
  is whether the pair is in contact (either direction) in the next HORIZON_DAYS.
- Tuning cut-offs: TUNING_CUTOFFS, one early and one late per network. The method (which
  candidate in CANDIDATES) is chosen on them alone, by the smaller of their margins over the
  better baseline; every other cut-off is held out. Cut-offs that no earlier revision had
  computed are marked fresh (FRESH_CUTOFFS); the others were seen by earlier revisions
  (docs/relationship-strength.md says how), so they are weaker evidence.
- Baselines: recency only (time since the last message) and count only (messages before the
  cut-off). Metric: ROC AUC (Mann–Whitney, ties ½). Each row reports the margin over the
  better baseline with a 95% paired bootstrap interval (BOOTSTRAP_RESAMPLES resamples of the
  pairs, seeded with SEED).
- Calibration may only read the network's history before the cut-off (what a deployed
  system has): it back-tests on cut-offs inside that history.

    .venv/bin/python scripts/strength_eval.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.datasets import DATA_DIR  # noqa: E402

HORIZON_DAYS = 30
SEED = 20261202
BOOTSTRAP_RESAMPLES = 200

NETWORKS: dict[str, Path] = {
    "collegemsg": DATA_DIR / "collegemsg" / "CollegeMsg.txt",
    "email-eu-dept3": DATA_DIR
    / "email-eu-core-dept3-temporal"
    / "out.email-Eu-core-temporal-Dept3",
}
# CollegeMsg spans 194 days (most of it in the first 60); the e-mail department is active for
# about 540 days, then stops, so its last cut-off leaves a full horizon before that.
CUTOFF_DAYS: dict[str, tuple[int, ...]] = {
    "collegemsg": (30, 45, 60, 75, 90, 105, 120, 135, 150),
    "email-eu-dept3": (90, 135, 180, 225, 270, 315, 360, 405, 450, 495),
}
TUNING_CUTOFFS: frozenset[tuple[str, int]] = frozenset(
    {("collegemsg", 60), ("collegemsg", 120), ("email-eu-dept3", 180), ("email-eu-dept3", 360)}
)
# Rows no earlier revision of the model or its evaluation computed (the others were the
# 2026-11-26 table's ten cut-offs).
FRESH_CUTOFFS: frozenset[tuple[str, int]] = frozenset(
    {
        ("collegemsg", 45),
        ("collegemsg", 75),
        ("collegemsg", 105),
        ("collegemsg", 135),
        ("email-eu-dept3", 135),
        ("email-eu-dept3", 225),
        ("email-eu-dept3", 315),
        ("email-eu-dept3", 405),
        ("email-eu-dept3", 495),
    }
)
# The methods the tuning cut-offs choose between (registered before any was run):
# - "fixed": the ties' model with its constants (engagement/strength.py of 2026-11-26);
# - "calibrated-1": the same components, with the recency/frequency weights and the recency
#   half-life chosen per network by one back-test HORIZON_DAYS before the cut-off;
# - "calibrated-3": the same, scored on three back-tests (1, 2 and 3 horizons before the
#   cut-off, AUCs averaged), steadier where one month is noisy.
CANDIDATES: tuple[str, ...] = ("fixed", "calibrated-1", "calibrated-3")
