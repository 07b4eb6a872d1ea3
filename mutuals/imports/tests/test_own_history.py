"""Bring your own history in (issues 16 and 19): the export's positions (past and current) and
schools, read by the parser and offered as the profile's experience and education entries,
nothing ticked; only what the member ticks is added, once.

Real data (tests/data, each folder's SOURCE.txt):
- `linkedin-export-2018`: the pseudonymised 2018 export; Education.csv has one school with years
  only ("DLF Public School", 2004–2016, "Matriculation,High School"); two ended positions.
- `linkedin-profile-history/mohamedeways-2024`: Education.csv with years (2015–2020) beside a
  month and no end (Nov 2021); Positions.csv with an Arabic company name and a current position.
- `linkedin-profile-history/feynman10-2024`: seven undated schools, degrees with stray spaces
  and commas.
- `linkedin-export-2022`: six positions, two of them current.
"""

from __future__ import annotations

from typing import Any

import pytest

from mutuals.accounts.history import history_add, history_entries
from mutuals.accounts.models import Education, Experience, User
from mutuals.accounts.tests.clients import api_client_for, web_client_for
from mutuals.accounts.tests.factories import make_member
from mutuals.core.errors import Refused
from mutuals.imports.linkedin import parse_export
from mutuals.imports.linkedin.dates import parse_month
from mutuals.imports.own_profile import profile_proposal
from mutuals.imports.services import import_create, import_run, own_profile_apply
from mutuals.imports.tests.helpers import EXPORT_2018, EXPORT_2022, as_upload, zip_folder
from tests.datasets import DATA_DIR

HISTORY = DATA_DIR / "linkedin-profile-history"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2014", (2014, None)),
        ("Nov 2021", (2021, 11)),
        ("Feb 17, 1998", (1998, 2)),
        ("", None),
        ("Present", None),
        ("1850", None),
    ],
)
def test_dates_of_history_keep_their_precision(text: str, expected: Any) -> None:
    assert parse_month(text) == expected


def test_the_parser_reads_education_as_exported() -> None:
    (school,) = parse_export(EXPORT_2018).education
    assert (school.school, school.degree) == ("DLF Public School", "Matriculation,High School")
    assert (school.started, school.finished) == ((2004, None), (2016, None))
    mixed = parse_export(HISTORY / "mohamedeways-2024")
    assert [(e.school, e.started, e.finished) for e in mixed.education] == [
        ("Faculty Of Computer And Information", (2015, None), (2020, None)),
        ("Trailhead by Salesforce", (2021, 11), None),
    ]
    assert mixed.positions[0].company == "Hmto - همتو"
    assert (mixed.positions[0].started, mixed.positions[0].finished) == ((2022, 11), None)
    undated = parse_export(HISTORY / "feynman10-2024")
    assert len(undated.education) == 7
    assert all(e.started is None and e.finished is None for e in undated.education)


def test_the_proposal_offers_positions_and_schools_to_the_month() -> None:
    proposal = profile_proposal(parse_export(HISTORY / "mohamedeways-2024"))
    assert [(e["school"], e["start"], e["end"]) for e in proposal["education"]] == [
        ("Trailhead by Salesforce", "2021-11", ""),  # newest first
        ("Faculty Of Computer And Information", "2015", "2020"),
    ]
    assert [(p["title"], p["start"], p["end"]) for p in proposal["positions"]] == [
        ("Business Application Support", "2022-11", ""),
        ("Junior Salesforce Developer", "2022-03", "2022-08"),
        ("Salesforce Administrator", "2022-02", "2022-05"),
        ("Front End Developer", "2018-05", "2019-04"),
    ]
    stray = profile_proposal(parse_export(HISTORY / "feynman10-2024"))["education"]
    assert {e["degree"] for e in stray} >= {
        "Honorary Doctor of Philosophy (PhD)",  # " Honorary Doctor of Philosophy (PhD) "
        "Honorary Doctorate (D.Sc.)",  # "Honorary Doctorate (D.Sc.),"
    }


@pytest.fixture
def imported(db: Any) -> tuple[User, Any]:
    owner = make_member(name="Aarav Mehta")
    created = import_create(
        owner=owner,
        file_name="export.zip",
        upload=as_upload(zip_folder(EXPORT_2018)),
        background=False,
    )
    return owner, import_run(import_id=created.pk)


def test_the_page_offers_every_position_and_school_unticked(imported: Any) -> None:
    owner, item = imported
    html = web_client_for(owner).get(f"/me/imports/{item.pk}/profile/").content.decode()
    assert "Positions as your experience" in html
    assert "Onsite Python Developer · Tache Technologies" in html
    assert "Jun 2018 – Aug 2018" in html
    assert "DLF Public School · Matriculation,High School" in html
    assert "2004 – 2016" in html
    assert 'name="position" value="0"' in html
    assert 'name="education" value="0"' in html
    assert "checked" not in html
    assert not Experience.objects.filter(user=owner).exists()


def test_only_the_ticked_entries_are_added_once(imported: Any) -> None:
    owner, item = imported
    client = web_client_for(owner)
    response = client.post(
        f"/me/imports/{item.pk}/profile/", {"position": ["0", "1"], "education": ["0"]}
    )
    assert response.status_code == 302
    experience = history_entries(owner, "experience")
    assert [(e.role, e.organisation, e.period) for e in experience] == [
        ("Onsite Python Developer", "Tache Technologies", "Jun 2018 – Aug 2018"),
        (
            "Backend Developer for My College ERP",
            "Krishna Engineering College - India",
            "May 2018 – Aug 2018",
        ),
    ]
    assert experience[0].location == "Delhi Area, India"
    assert experience[0].description.startswith("Worked as an onsite python developer")
    (school,) = history_entries(owner, "education")
    assert (school.school, school.period, school.year_only) == (
        "DLF Public School",
        "2004 – 2016",
        True,
    )
    page = client.get(response["Location"]).content.decode()
    assert "Brought into your profile: 2 positions, 1 school." in page
    assert "Already on your profile." in page
    assert 'name="position" value="0"' not in page
    # Sending the same again adds nothing: it is no longer offered.
    with pytest.raises(Refused) as refused:
        own_profile_apply(
            viewer=owner, import_id=item.pk, fields=[], skills=[], positions=[0], education=[0]
        )
    assert refused.value.code == "nothing_chosen"
    assert Experience.objects.filter(user=owner).count() == 2


def test_a_full_profile_refuses_the_whole_change(imported: Any) -> None:
    owner, item = imported
    for n in range(15):
        history_add(user=owner, kind="education", school=f"School {n}")
    with pytest.raises(Refused) as refused:
        own_profile_apply(
            viewer=owner,
            import_id=item.pk,
            fields=["headline"],
            skills=[],
            positions=[0],
            education=[0],
        )
    assert refused.value.code == "too_many_entries"
    assert not Experience.objects.filter(user=owner).exists()
    assert Education.objects.filter(user=owner).count() == 15


def test_the_api_adds_what_is_named(db: Any) -> None:
    owner = make_member(name="Tomas Kavya")
    created = import_create(
        owner=owner,
        file_name="export.zip",
        upload=as_upload(zip_folder(EXPORT_2022)),
        background=False,
    )
    item = import_run(import_id=created.pk)
    assert item is not None
    client = api_client_for(owner)
    audit = client.get(f"/api/imports/{item.pk}/audit").json()
    positions = audit["own_profile"]["positions"]
    assert (positions[2]["title"], positions[2]["start"], positions[2]["end"]) == (
        "Software Project Coordinator",
        "2019-12",
        "2021-06",
    )
    response = client.post(
        f"/api/imports/{item.pk}/profile",
        {"positions": [0, 2]},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json() == {"applied": ["2 positions"]}
    me = client.get(f"/api/members/{owner.pk}").json()
    assert [(e["role"], e["start"], e["end"]) for e in me["experience"]] == [
        ("Graduate Teaching Assistant", "2022-08", None),
        ("Software Project Coordinator", "2019-12", "2021-06"),
    ]
    # The description came along (the export's own words).
    assert Experience.objects.get(user=owner, role="Graduate Teaching Assistant").description
