"""The personalization engine over real data: the pseudonymised LinkedIn exports of 2018 and
2022 and the hostile message corpus of linkedin-analyzer (MIT) in tests/data, read by the
importer's parser, judged note by note in the order sent (scripts/personalization_report.py,
whose output is docs/personalization.md)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from tests.datasets import DATA_DIR as DATA

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def judged():
    spec = importlib.util.spec_from_file_location(
        "personalization_report", ROOT / "scripts" / "personalization_report.py"
    )
    assert spec
    assert spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.judge(DATA)


def test_every_note_is_judged(judged):
    assert len(judged) > 200
    for *_, report in judged:
        assert 0 <= report.score <= 100


def test_a_note_reused_across_many_recipients_is_generic(judged):
    by_sender: dict[str, list] = {}
    for _source, sender, _recipient, _text, report in judged:
        by_sender.setdefault(sender, []).append(report)
    reused = [r for reports in by_sender.values() for r in reports if r.near_duplicates]
    assert reused, "the corpus has senders who reuse notes"
    for report in reused:
        if any(f.code == "mass_outreach" for f in report.findings):
            assert report.verdict == "generic"


def test_sponsored_promotion_is_a_generic_sales_pitch(judged):
    promotion = next(
        r for s, sender, _, text, r in judged if sender == "Ines from" and "free trial" in text
    )
    assert promotion.verdict == "generic"
    assert any(f.code == "sales_pitch" for f in promotion.findings)


def test_a_reply_sent_word_for_word_to_a_second_person_is_flagged(judged):
    replies = [
        r
        for _, sender, _, text, r in judged
        if sender == "Chiara Pilar" and "thanks for reaching out" in text
    ]
    assert len(replies) == 2
    assert not replies[0].near_duplicates
    assert any(f.code == "near_duplicate" for f in replies[1].findings)
