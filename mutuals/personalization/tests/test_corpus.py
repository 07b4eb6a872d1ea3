"""The engine against the labelled corpus (tests/data/personalization-corpus, see its README):
the targets of issue 15 at the default minimum score of 40 must hold on the tuning part;
the held-out part, never tuned on, is reported (docs/personalization.md has both)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def evaluation():
    spec = importlib.util.spec_from_file_location(
        "personalization_eval", ROOT / "scripts" / "personalization_eval.py"
    )
    assert spec
    assert spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def judged(evaluation):
    return evaluation.judge()


def test_the_corpus_is_large_and_split_before_tuning(judged):
    assert len(judged) >= 300
    for cls in ("personal", "generic", "template", "pitch", "flattery", "stuffed", "mass_copy"):
        notes = [j for j in judged if j.cls == cls]
        held = [j for j in notes if j.record["split"] == "holdout"]
        assert notes, cls
        assert abs(len(held) - len(notes) / 3) <= 2, cls


def test_targets_hold_on_the_tuning_part(evaluation, judged):
    for cls, (hit, total) in evaluation.rates(judged, "tune").items():
        assert total
        assert hit / total >= evaluation.TARGET, (cls, hit, total)


def test_the_held_out_part_is_reported(evaluation, judged, capsys):
    text = evaluation.report_text(judged)
    assert "Held-out part" in text
    with capsys.disabled():
        print("\n" + text[text.index("### Held-out part") :])
    rates = evaluation.rates(judged, "holdout")
    assert sum(total for _, total in rates.values()) >= 90
