"""The audit's pure parts: who is who in an export, strength and tiers, template reuse."""

from __future__ import annotations

from datetime import UTC, datetime

from mutuals.imports.audit import audit_export, personalization_scorer, public
from mutuals.imports.linkedin import parse_export, parse_upload
from mutuals.imports.network import build_network, normalize_url
from mutuals.imports.templates_reuse import Note, find_templates
from mutuals.imports.tests.helpers import EXPORT_2018, EXPORT_2022, small_export

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def test_group_messages_count_for_each_recipient_by_url_not_by_name():
    """TO is "Wray, Fay, Gus Grissom": three names by commas, but two recipient URLs."""
    network = build_network(parse_upload("x.zip", small_export()))
    fay = network.people["url:linkedin.com/in/fay"]
    gus = network.people["url:linkedin.com/in/gus"]
    assert (fay.sent, fay.received) == (1, 0)
    assert (gus.sent, gus.received) == (1, 1)
    assert "name:wray" not in network.people


def test_excluded_messages_are_counted_not_attributed():
    network = build_network(parse_upload("x.zip", small_export()))
    assert network.excluded == {"linkedin_member": 1, "sponsored": 1, "drafts": 1}
    assert not any("linkedin member" in key for key in network.people)
    eve = network.people["url:linkedin.com/in/eve"]
    assert eve.messages == 0  # the draft to her was never sent


def test_the_owner_is_found_in_real_exports():
    """2018: Direction column, no URLs anywhere; 2022: sender URLs, no recipient URLs."""
    for folder, owner, someone in (
        (EXPORT_2018, "Chiara Pilar", "name:bruno achebe"),
        (EXPORT_2022, "Tomas Kavya", "name:maya m garcia"),  # URL learnt from her replies
    ):
        network = build_network(parse_export(folder))
        assert network.owner_name == owner
        person = network.people[someone]
        assert person.sent > 0
        assert person.received > 0
        assert not any(owner.lower() in key for key in network.people)


def test_normalize_url():
    assert normalize_url("https://www.linkedin.com/in/Ada/?trk=x") == "linkedin.com/in/ada"
    assert normalize_url("linkedin.com/in/ada") == "linkedin.com/in/ada"
    assert normalize_url("person@example.com") == ""
    assert normalize_url("") == ""


def test_template_reuse_finds_near_identical_notes_after_masking_names():
    notes = [
        Note(f"k{i}", name, company, f"Hi {name.split()[0]}, great to see {company} growing. "
             "I lead delivery at Kestrel and would love to swap notes on hybrid agile.")
        for i, (name, company) in enumerate(
            [("Ada Lovelace", "Analytical"), ("Bob Builder", "Builders"),
             ("Cleo Patra", "Nile"), ("Dan Dare", "Eagle")]
        )
    ] + [
        Note("k9", "Eve Moneypenny", "MI6", "Eve, your talk on vendor risk at Thursday's chapter "
             "meeting changed how I write contracts. Could I ask you two questions about it?"),
        Note("k8", "Fay Wray", "RKO", ""),
    ]  # fmt: skip
    # one note slightly edited: still the same template
    notes[3] = Note("k3", "Dan Dare", "Eagle", notes[3].text.replace("would love", "would like"))
    [cluster] = find_templates(notes)
    assert sorted(n.key for n in cluster.notes) == ["k0", "k1", "k2", "k3"]


def test_no_template_among_personal_notes():
    notes = [
        Note(
            "a", "Ada Lovelace", "Analytical", "Your engine notes changed how I think about loops."
        ),
        Note(
            "b",
            "Bob Builder",
            "Builders",
            "Saw the bridge you finished in Leeds; how did you phase it?",
        ),
        Note(
            "c", "Cleo Patra", "Nile", "Loved your pricing post; may I ask about discount ladders?"
        ),
    ]
    assert find_templates(notes) == []


def test_template_scores_come_from_the_personalization_engine():
    export = parse_upload("x.zip", small_export())
    scored = public(audit_export(export, scorer=personalization_scorer()))
    [cluster] = scored["templates"]["clusters"]
    assert scored["templates"]["scored"] is True
    assert cluster["verdict"] == "generic"  # stock praise, copied to three people
    assert 0 <= cluster["score"] < 35
    alone = public(audit_export(export, scorer=None))  # clustering works without the engine
    assert alone["templates"]["clusters"][0]["size"] == 3
    assert alone["templates"]["clusters"][0]["score"] is None


def test_as_of_defaults_to_the_exports_own_latest_record():
    audit = public(audit_export(parse_export(EXPORT_2018)))
    assert audit["as_of"] == "2018-10-31T07:52:00+00:00"
    later = public(audit_export(parse_export(EXPORT_2018), as_of=NOW))
    assert later["as_of"] == NOW.isoformat()
    assert later["let_rest"]["count"] >= audit["let_rest"]["count"]


def test_connections_per_year_includes_quiet_years():
    audit = public(audit_export(parse_upload("x.zip", small_export())))
    per_year = {row["year"]: row["count"] for row in audit["connections_per_year"]}
    assert list(per_year) == list(range(2015, 2026))
    assert per_year[2015] == 1
    assert per_year[2016] == 0
    assert per_year[2022] == 2
    assert per_year[2024] == 3  # Bob, Cleo and the hidden connection of 5 May 2024
    assert sum(per_year.values()) == 8 == audit["totals"]["connections"]
