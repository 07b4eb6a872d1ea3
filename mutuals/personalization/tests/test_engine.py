"""The personalization engine on its own: docs/design.md's calibration, each rule, determinism."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mutuals.personalization import (
    GENERIC,
    NEEDS_WORK,
    PERSONAL,
    Context,
    Recipient,
    SenderHistory,
    assess,
    recipient_terms,
    signature,
    similarity,
)
from mutuals.personalization.tests.people import PEOPLE

THANDI = Recipient(
    name="Thandi Mokoena",
    company="Acme Rail",
    title="Senior Programme Manager",
    topics=("Risk management", "Supplier contracts", "Schedule risk"),
)
WORKSHOP = Context("event", "Risk workshop", verified=True)
GOOD_NOTE = (
    "Hi Thandi, your point at Thursday's risk workshop about pricing schedule risk into "
    "supplier contracts is exactly what my team at Kestrel is wrestling with. Could I ask "
    "your advice for 20 minutes on how you introduced it at Acme Rail?"
)


def codes(report) -> set[str]:
    return {f.code for f in report.findings}


class TestCalibration:
    """The verdicts docs/design.md §3 says a thoughtful member would give."""

    def test_greeting_and_stock_ask_is_generic(self):
        report = assess("Hi Thandi, I'd like to join your network.", recipient=THANDI)
        assert report.verdict == GENERIC
        assert {"stock_phrase", "no_context", "intent_missing", "too_short"} <= codes(report)

    def test_placeholder_and_stock_praise_is_generic(self):
        report = assess(
            "Hi [First Name], I came across your profile and was impressed by your "
            "experience. Let's connect!",
            recipient=THANDI,
        )
        assert report.verdict == GENERIC
        placeholder = next(f for f in report.findings if f.code == "placeholder")
        assert (placeholder.start, placeholder.end) == (3, 15)

    def test_shared_context_without_ask_needs_work(self):
        report = assess(
            "Hi Thandi, we were both at the chapter's risk workshop on Thursday. I'd like to "
            "stay in touch.",
            recipient=THANDI,
            context=WORKSHOP,
            intent="peer",
        )
        assert report.verdict == NEEDS_WORK
        assert {"context_reflected", "intent_missing", "nothing_specific"} <= codes(report)

    def test_specific_modest_ask_is_personal(self):
        report = assess(GOOD_NOTE, recipient=THANDI, context=WORKSHOP, intent="advice")
        assert report.verdict == PERSONAL
        assert {"context_reflected", "intent_stated", "references_recipient"} <= codes(report)
        assert not {f.severity for f in report.findings} & {"bad"}

    def test_the_same_note_to_a_tenth_person_is_generic(self):
        template = (
            "Hi {first}, your point at Thursday's risk workshop about pricing schedule risk "
            "into supplier contracts is exactly what my team is wrestling with. Could I ask "
            "your advice for 20 minutes on how you introduced it at {company}?"
        )
        history = SenderHistory()
        people = PEOPLE[:9]
        first = None
        for name, company in people:
            report = assess(
                template.format(first=name.split()[0], company=company),
                recipient=Recipient(name=name, company=company),
                context=WORKSHOP,
                intent="advice",
                history=history,
            )
            first = first or report
            history.add(report.signature)
        assert first is not None
        assert first.verdict == PERSONAL
        tenth = assess(
            template.format(first="Thandi", company="Acme Rail"),
            recipient=THANDI,
            context=WORKSHOP,
            intent="advice",
            history=history,
        )
        assert tenth.verdict == GENERIC
        assert "mass_outreach" in codes(tenth)


class TestRules:
    @pytest.mark.parametrize(
        "placeholder", ["[Name]", "{first_name}", "%FIRSTNAME%", "<company>", "{{ name }}"]
    )
    def test_every_placeholder_style_is_caught(self, placeholder):
        report = assess(f"Hello {placeholder}, " + GOOD_NOTE[11:], recipient=THANDI)
        assert "placeholder" in codes(report)
        assert report.verdict == GENERIC

    def test_sales_pitch_in_first_contact(self):
        report = assess(
            "Hi Thandi, our platform helps rail teams cut schedule risk by 30%. Could I book a "
            "demo with you next week to show Acme Rail how?",
            recipient=THANDI,
            intent="collaboration",
        )
        assert "sales_pitch" in codes(report)

    def test_context_not_reflected_is_said(self):
        report = assess(GOOD_NOTE, recipient=THANDI, context=Context("mutual", "Kwame Asante"))
        assert "context_not_reflected" in codes(report)

    def test_findings_spans_point_at_the_text(self):
        report = assess(GOOD_NOTE, recipient=THANDI, context=WORKSHOP, intent="advice")
        for finding in report.findings:
            if finding.start is not None:
                assert finding.end is not None
                assert 0 <= finding.start < finding.end <= len(GOOD_NOTE)

    def test_too_long(self):
        report = assess(GOOD_NOTE * 4, recipient=THANDI)
        assert "too_long" in codes(report)

    def test_deterministic(self):
        one = assess(GOOD_NOTE, recipient=THANDI, context=WORKSHOP, intent="advice")
        two = assess(GOOD_NOTE, recipient=THANDI, context=WORKSHOP, intent="advice")
        assert one == two
        assert one.signature == two.signature


class TestSignatures:
    def test_masking_makes_name_swaps_identical(self):
        a = signature(
            "Hi Sam, loved your Kestrel talk on PMOs",
            recipient_terms(Recipient("Sam Okafor", "Kestrel")),
        )
        b = signature(
            "Hi Lee, loved your Bayview talk on PMOs",
            recipient_terms(Recipient("Lee Chen", "Bayview")),
        )
        assert similarity(a, b) == 1.0

    def test_different_notes_are_not_similar(self):
        terms: set[str] = set()
        a = signature("Could I ask your advice on supplier contracts for rail?", terms)
        b = signature("We met at the agile meetup; want to swap notes on retros?", terms)
        assert similarity(a, b) < 0.3

    @settings(max_examples=60, deadline=None)
    @given(st.text(min_size=0, max_size=700))
    def test_any_text_gives_a_bounded_report(self, text):
        report = assess(text, recipient=THANDI, context=WORKSHOP, intent="advice")
        assert 0 <= report.score <= 100
        assert report.verdict in {PERSONAL, NEEDS_WORK, GENERIC}
        for finding in report.findings:
            if finding.start is not None:
                assert finding.end is not None
                assert 0 <= finding.start <= finding.end


def test_history_counts_near_duplicates_only():
    history = SenderHistory()
    terms = recipient_terms(Recipient("Sam Okafor", "Kestrel"))
    base = "Hi Sam, I run the PMO at Lakeshore and would love to compare notes on stage gates?"
    history.add(signature(base, terms))
    history.add(
        signature("Totally different note about mentoring new scrum masters in Hamilton", terms)
    )
    assert history.near_duplicates(signature(base, terms), 0.8) == 1
    assert len(history) == 2
