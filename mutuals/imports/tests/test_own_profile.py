"""Bring your own profile in (issue 16): the export's Profile, Positions and Skills offered
for the member's own profile, side by side with it; only what the member ticks is applied,
and a refusal changes nothing.

Real data: the pseudonymised 2022 export (`linkedin-export-2022`): Tomas Kavya, "Graduate
Research Assistant at Syracuse University", in Syracuse; two ongoing positions at Syracuse
University (the latest started, August 2022, is Graduate Teaching Assistant); 23 skills."""

from __future__ import annotations

import pytest

from mutuals.accounts.services import profile_update
from mutuals.accounts.tests.clients import web_client_for
from mutuals.accounts.tests.factories import make_member
from mutuals.core.errors import Refused
from mutuals.imports.linkedin import parse_export
from mutuals.imports.own_profile import fit, profile_proposal
from mutuals.imports.services import import_create, import_run, own_profile_apply
from mutuals.imports.tests.helpers import EXPORT_2018, EXPORT_2022, as_upload, zip_folder

HEADLINE = "Graduate Research Assistant at Syracuse University"


def test_the_proposal_reads_profile_positions_and_skills_of_a_real_export():
    proposal = profile_proposal(parse_export(EXPORT_2022))
    assert proposal["fields"] == {
        "headline": HEADLINE,
        "location": "Syracuse, New York, United States",
        "company": "Syracuse University",
        "title": "Graduate Teaching Assistant",  # the latest started of two ongoing
    }
    assert len(proposal["skills"]) == 23
    assert proposal["skills"][:2] == ["Pandas", "Deep Learning"]
    assert [p["started_on"] for p in proposal["positions"]][:2] == ["2022-08-01", "2021-11-01"]


def test_when_every_position_has_ended_the_latest_is_current():
    proposal = profile_proposal(parse_export(EXPORT_2018))
    assert (proposal["fields"]["company"], proposal["fields"]["title"]) == (
        "Tache Technologies",
        "Onsite Python Developer",
    )


def test_a_value_over_the_profiles_limit_is_shortened_at_a_word():
    text, shortened = fit("headline", "word " * 60)
    assert shortened
    assert len(text) <= 160
    assert text.endswith("word…")
    assert fit("headline", HEADLINE) == (HEADLINE, False)


@pytest.fixture
def imported(db):
    owner = make_member(name="Tomas Kavya", profile={"headline": "Student", "topics": ["Haskell"]})
    created = import_create(
        owner=owner,
        file_name="export.zip",
        upload=as_upload(zip_folder(EXPORT_2022)),
        background=False,
    )
    return owner, import_run(import_id=created.pk)


def test_the_page_shows_the_changes_and_applies_nothing(imported):
    owner, item = imported
    client = web_client_for(owner)
    assert (
        f"/me/imports/{item.pk}/profile/" in client.get(f"/me/imports/{item.pk}/").content.decode()
    )
    html = client.get(f"/me/imports/{item.pk}/profile/").content.decode()
    assert HEADLINE in html
    assert "Now: Student" in html
    assert 'value="Pandas"' in html
    assert 'value="Haskell"' not in html  # already a topic
    assert "checked" not in html  # nothing chosen for the member
    owner.profile.refresh_from_db()
    assert owner.profile.headline == "Student"


def test_only_what_the_member_ticks_is_applied(imported):
    owner, item = imported
    client = web_client_for(owner)
    response = client.post(
        f"/me/imports/{item.pk}/profile/",
        {"field": ["headline", "company"], "skill": ["Pandas", "Machine Learning"]},
    )
    assert response.status_code == 302
    owner.profile.refresh_from_db()
    assert owner.profile.headline == HEADLINE
    assert owner.profile.company == "Syracuse University"
    assert owner.profile.title == ""  # not ticked
    assert owner.profile.location == ""
    topics = sorted(owner.profile.topics.values_list("name", flat=True))
    assert [t.casefold() for t in topics] == ["haskell", "machine learning", "pandas"]
    page = client.get(response["Location"]).content.decode()
    assert "Brought into your profile: Headline, Company, topics." in page
    assert 'name="field" value="headline"' not in page  # the same now: no longer offered


def test_nothing_ticked_is_refused_and_changes_nothing(imported):
    owner, item = imported
    with pytest.raises(Refused) as refused:
        own_profile_apply(viewer=owner, import_id=item.pk, fields=[], skills=[])
    assert refused.value.code == "nothing_chosen"
    page = web_client_for(owner).post(f"/me/imports/{item.pk}/profile/", {}, follow=True)
    assert "nothing was changed" in page.content.decode()


def test_a_refused_value_refuses_the_whole_change(imported):
    """Twelve topics already: adding skills is refused, and the ticked headline is not
    applied either (nothing half done)."""
    owner, item = imported
    profile_update(user=owner, topics=[f"Topic {n}" for n in range(12)])
    page = web_client_for(owner).post(
        f"/me/imports/{item.pk}/profile/", {"field": ["headline"], "skill": ["Pandas"]}, follow=True
    )
    assert "topics" in page.content.decode().casefold()
    owner.profile.refresh_from_db()
    assert owner.profile.headline == "Student"
    assert owner.profile.topics.count() == 12


def test_values_the_export_does_not_offer_are_ignored(imported):
    owner, item = imported
    with pytest.raises(Refused):
        own_profile_apply(viewer=owner, import_id=item.pk, fields=["bio"], skills=["Hacking"])
    owner.profile.refresh_from_db()
    assert owner.profile.bio == ""


def test_another_members_import_is_not_found(imported):
    _, item = imported
    stranger = web_client_for(make_member(name="Eve Stranger"))
    assert stranger.get(f"/me/imports/{item.pk}/profile/").status_code == 404
    assert (
        stranger.post(f"/me/imports/{item.pk}/profile/", {"field": "headline"}).status_code == 404
    )


def test_the_api_applies_what_is_named_and_refuses_nothing_named(imported):
    from mutuals.accounts.tests.clients import api_client_for

    owner, item = imported
    client = api_client_for(owner)
    audit = client.get(f"/api/imports/{item.pk}/audit").json()
    assert audit["own_profile"]["fields"]["headline"] == HEADLINE
    refused = client.post(f"/api/imports/{item.pk}/profile", {}, content_type="application/json")
    assert (refused.status_code, refused.json()["code"]) == (422, "nothing_chosen")
    response = client.post(
        f"/api/imports/{item.pk}/profile",
        {"fields": ["title"], "skills": ["Pandas"]},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json() == {"applied": ["Title", "topics"]}
    owner.profile.refresh_from_db()
    assert (owner.profile.title, owner.profile.headline) == (
        "Graduate Teaching Assistant",
        "Student",
    )
