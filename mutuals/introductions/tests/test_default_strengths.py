"""The default strength's documented values (its docstring said 0.92 for a year-old tie with
three shared topics; the formula gives 0.87)."""

from __future__ import annotations

from mutuals.introductions.strength import default_strengths


def test_the_documented_values() -> None:
    new, year_old = default_strengths([0.0, 365.0], [0, 3])
    assert abs(float(new) - 0.35) < 1e-6
    assert abs(float(year_old) - 0.867) < 1e-3
