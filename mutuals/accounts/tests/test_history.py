"""Experience and education on the profile: the rules of an entry, the order, the pages and
the API."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from mutuals.accounts.history import (
    history_add,
    history_entries,
    history_move,
    history_remove,
    history_reorder,
    history_update,
)
from mutuals.accounts.models import MAX_EDUCATION_ENTRIES, Education, Experience, User
from mutuals.accounts.tests.clients import web_client_for
from mutuals.core.errors import NotFound, Refused

pytestmark = pytest.mark.django_db


def _position(user: User, role: str = "Analyst", start: str = "2020-01", **kwargs: Any) -> Any:
    return history_add(
        user=user, kind="experience", organisation="Acme", role=role, start=start, **kwargs
    )


def _fields(error: pytest.ExceptionInfo[Refused]) -> dict[str, list[str]]:
    assert error.value.code == "invalid_fields"
    fields: dict[str, list[str]] = error.value.detail["fields"]
    return fields


class TestRules:
    def test_a_position_with_months_and_no_end_is_current(self, member: User) -> None:
        entry = _position(member, start="2021-03", location="Toronto")
        assert entry.started_on == date(2021, 3, 1)
        assert entry.ended_on is None
        assert entry.is_current
        assert entry.period == "Mar 2021 – present"
        assert (entry.start, entry.end) == ("2021-03", "")

    def test_years_alone_are_kept_as_years(self, member: User) -> None:
        entry = history_add(
            user=member, kind="education", school="University of Leeds", start="2014", end="2018"
        )
        assert entry.year_only
        assert entry.period == "2014 – 2018"
        assert (entry.start, entry.end) == ("2014", "2018")

    def test_an_undated_school(self, member: User) -> None:
        entry = history_add(user=member, kind="education", school="Stanford University")
        assert entry.period == ""
        assert not entry.is_current

    @pytest.mark.parametrize(
        ("start", "end", "field", "message"),
        [
            ("2021-03", "2020-12", "end", "The end cannot come before the start."),
            ("2021-13", "", "start", "A month is between 01 and 12."),
            ("March 2021", "", "start", "Write the month as 2021-03, or the year as 2021."),
            ("1850-01", "", "start", "Give a year from 1900 on."),
            ("", "", "start", "Say when it started."),
            ("2021-03", "2024", "end", "Give both dates as months (2021-03), or both as years"),
        ],
    )
    def test_dates_are_refused_with_the_reason(
        self, member: User, start: str, end: str, field: str, message: str
    ) -> None:
        with pytest.raises(Refused) as error:
            _position(member, start=start, end=end)
        assert _fields(error)[field][0].startswith(message)
        assert not Experience.objects.exists()

    def test_dates_too_far_ahead(self, member: User) -> None:
        year = timezone.localdate().year
        with pytest.raises(Refused) as error:
            _position(member, start=f"{year + 2}-01")
        assert "more than a year from now" in _fields(error)["start"][0]
        with pytest.raises(Refused) as error:
            _position(member, start="2020-01", end=f"{year + 11}-01")
        assert "10 years" in _fields(error)["end"][0]
        # A degree expected in three years is fine.
        history_add(user=member, kind="education", school="Open University", end=f"{year + 3}")

    def test_texts_are_required_and_bounded(self, member: User) -> None:
        with pytest.raises(Refused) as error:
            history_add(
                user=member, kind="experience", organisation=" ", role="x" * 121, start="2020-01"
            )
        fields = _fields(error)
        assert fields["organisation"] == ["Name the organisation."]
        assert fields["role"] == ["Keep it to 120 characters (now 121)."]

    def test_at_most_fifteen_schools(self, member: User) -> None:
        for n in range(MAX_EDUCATION_ENTRIES):
            history_add(user=member, kind="education", school=f"School {n}")
        with pytest.raises(Refused) as error:
            history_add(user=member, kind="education", school="One more")
        assert error.value.code == "too_many_entries"
        assert error.value.detail == {"max": MAX_EDUCATION_ENTRIES}

    def test_the_database_refuses_an_end_before_the_start(self, member: User) -> None:
        with pytest.raises(IntegrityError), transaction.atomic():
            Experience.objects.create(
                user=member,
                organisation="Acme",
                role="Analyst",
                started_on=date(2021, 1, 1),
                ended_on=date(2020, 1, 1),
            )

    def test_update_applies_the_rules_to_the_entry_as_it_would_be(self, member: User) -> None:
        entry = _position(member, start="2021-03")
        with pytest.raises(Refused) as error:
            history_update(user=member, kind="experience", entry_id=entry.pk, end="2021-01")
        assert "before the start" in _fields(error)["end"][0]
        updated = history_update(
            user=member, kind="experience", entry_id=entry.pk, end="2023-06", role="Lead"
        )
        assert (updated.role, updated.period) == ("Lead", "Mar 2021 – Jun 2023")
        assert updated.organisation == "Acme"

    def test_another_members_entry_is_not_found(self, member: User, other: User) -> None:
        entry = _position(other)
        with pytest.raises(NotFound):
            history_update(user=member, kind="experience", entry_id=entry.pk, role="Mine")
        with pytest.raises(NotFound):
            history_remove(user=member, kind="experience", entry_id=entry.pk)
        assert Experience.objects.filter(pk=entry.pk).exists()


class TestOrder:
    def test_new_entries_go_on_top_and_can_be_reordered(self, member: User) -> None:
        first = _position(member, role="First")
        second = _position(member, role="Second")
        third = _position(member, role="Third")
        assert [e.role for e in history_entries(member, "experience")] == [
            "Third",
            "Second",
            "First",
        ]
        history_reorder(user=member, kind="experience", ids=[first.pk, third.pk, second.pk])
        assert [e.pk for e in history_entries(member, "experience")] == [
            first.pk,
            third.pk,
            second.pk,
        ]
        history_move(user=member, kind="experience", entry_id=second.pk, step=-1)
        assert [e.pk for e in history_entries(member, "experience")] == [
            first.pk,
            second.pk,
            third.pk,
        ]
        # At the top it stays.
        history_move(user=member, kind="experience", entry_id=first.pk, step=-1)
        assert history_entries(member, "experience")[0].pk == first.pk

    def test_an_order_must_name_each_entry_once(self, member: User, other: User) -> None:
        mine = _position(member)
        theirs = _position(other)
        for ids in ([mine.pk, mine.pk], [mine.pk, theirs.pk], []):
            with pytest.raises(Refused) as error:
                history_reorder(user=member, kind="experience", ids=ids)
            assert "ids" in _fields(error)


class TestPages:
    def test_add_edit_move_remove_and_see_it_on_the_member_page(
        self, web_client: Any, member: User, other: User
    ) -> None:
        response = web_client.post(
            "/me/experience/add/",
            {
                "experience-role": "Programme manager",
                "experience-organisation": "Metrolinx",
                "experience-start": "2019-04",
                "experience-end": "",
            },
        )
        assert response.status_code == 302
        web_client.post(
            "/me/education/add/",
            {
                "education-school": "University of Toronto",
                "education-degree": "MBA",
                "education-start": "2012",
                "education-end": "2014",
            },
        )
        html = web_client_for(other).get(f"/members/{member.pk}/").content.decode()
        assert "Programme manager" in html
        assert "Apr 2019 – present" in html
        assert "University of Toronto" in html
        assert "2012 – 2014" in html
        entry = Experience.objects.get(user=member)
        page = web_client.get(f"/me/experience/{entry.pk}/")
        assert 'value="2019-04"' in page.content.decode()
        web_client.post(
            f"/me/experience/{entry.pk}/",
            {"role": "Director", "organisation": "Metrolinx", "start": "2019-04", "end": "2024-02"},
        )
        entry.refresh_from_db()
        assert (entry.role, entry.period) == ("Director", "Apr 2019 – Feb 2024")
        web_client.post(f"/me/experience/{entry.pk}/remove/")
        assert not Experience.objects.filter(user=member).exists()

    def test_a_refusal_stays_on_the_add_form(self, web_client: Any) -> None:
        response = web_client.post(
            "/me/experience/add/",
            {
                "experience-role": "Analyst",
                "experience-organisation": "Acme",
                "experience-start": "2021-05",
                "experience-end": "2020-01",
            },
        )
        assert response.status_code == 422
        html = response.content.decode()
        assert "The end cannot come before the start." in html
        assert 'value="Analyst"' in html

    def test_someone_elses_entry_is_not_found(self, web_client: Any, other: User) -> None:
        entry = _position(other)
        assert web_client.get(f"/me/experience/{entry.pk}/").status_code == 404
        assert web_client.post(f"/me/experience/{entry.pk}/remove/").status_code == 404

    def test_move_buttons(self, web_client: Any, member: User) -> None:
        older = _position(member, role="Older")
        newer = _position(member, role="Newer")
        web_client.post(f"/me/experience/{older.pk}/move/", {"direction": "up"})
        assert [e.pk for e in history_entries(member, "experience")] == [older.pk, newer.pk]

    def test_the_member_page_shows_each_kind_or_says_it_is_empty(
        self, web_client: Any, member: User, other: User
    ) -> None:
        """Experience and education each have a section: the member's own page offers to add
        what is missing, another member's page says nothing is listed, and a member with no
        history shows no section to others."""
        _position(member)
        own = web_client.get(f"/members/{member.pk}/").content.decode()
        assert '<h2 id="experience-title">Experience</h2>' in own
        assert "<strong>Analyst</strong> · Acme" in own
        assert 'No schools yet. <a href="/me/profile/#education">Add one</a>.' in own
        seen = web_client_for(other).get(f"/members/{member.pk}/").content.decode()
        assert "No schools listed." in seen
        assert "No schools yet." not in seen
        empty = web_client.get(f"/members/{other.pk}/").content.decode()
        assert "profile-history" not in empty
        history_add(user=other, kind="education", school="MIT")
        empty = web_client.get(f"/members/{other.pk}/").content.decode()
        assert '<h2 id="education-title">Education</h2>' in empty
        assert "No positions listed." in empty


class TestApi:
    def test_create_update_order_delete(self, api_client: Any, member: User) -> None:
        created = api_client.post(
            "/api/me/experience",
            {"organisation": "Acme", "role": "Analyst", "start": "2018-06", "end": "2020-12"},
            content_type="application/json",
        )
        assert created.status_code == 201, created.content
        body = created.json()
        assert body["start"] == "2018-06"
        assert body["end"] == "2020-12"
        second = api_client.post(
            "/api/me/experience",
            {"organisation": "Globex", "role": "Lead", "start": "2021-01"},
            content_type="application/json",
        ).json()
        assert second["end"] is None
        patched = api_client.patch(
            f"/api/me/experience/{body['id']}",
            {"end": None},
            content_type="application/json",
        ).json()
        assert patched["end"] is None
        order = api_client.put(
            "/api/me/experience/order",
            {"ids": [body["id"], second["id"]]},
            content_type="application/json",
        ).json()
        assert [item["id"] for item in order["items"]] == [body["id"], second["id"]]
        detail = api_client.get(f"/api/members/{member.pk}").json()
        assert [item["role"] for item in detail["experience"]] == ["Analyst", "Lead"]
        assert api_client.delete(f"/api/me/experience/{body['id']}").status_code == 204
        assert api_client.delete(f"/api/me/experience/{body['id']}").status_code == 404

    def test_education_and_refusals(self, api_client: Any, member: User) -> None:
        created = api_client.post(
            "/api/me/education",
            {"school": "MIT", "degree": "BSc", "start": "2010", "end": "2014"},
            content_type="application/json",
        )
        assert created.status_code == 201
        assert created.json()["start"] == "2010"
        refused = api_client.post(
            "/api/me/education",
            {"school": "MIT", "start": "2014", "end": "2010"},
            content_type="application/json",
        )
        assert refused.status_code == 422
        assert refused.json()["detail"]["fields"]["end"] == [
            "The end cannot come before the start."
        ]
        assert Education.objects.filter(user=member).count() == 1
        me = api_client.get("/api/me").json()
        assert me["profile"]["education"][0]["school"] == "MIT"

    def test_education_update_order_delete(
        self, api_client: Any, member: User, other: User
    ) -> None:
        """The same four endpoints serve education: update, order and delete, and another
        member's school is not found."""
        first = api_client.post(
            "/api/me/education", {"school": "MIT"}, content_type="application/json"
        ).json()
        second = api_client.post(
            "/api/me/education", {"school": "ETH"}, content_type="application/json"
        ).json()
        patched = api_client.patch(
            f"/api/me/education/{first['id']}",
            {"degree": "BSc", "start": "2010", "end": "2014"},
            content_type="application/json",
        )
        assert patched.status_code == 200
        assert (patched.json()["degree"], patched.json()["end"]) == ("BSc", "2014")
        order = api_client.put(
            "/api/me/education/order",
            {"ids": [first["id"], second["id"]]},
            content_type="application/json",
        )
        assert order.json() == {"items": [patched.json(), second], "next": None}
        assert api_client.delete(f"/api/me/education/{second['id']}").status_code == 204
        assert [e.school for e in history_entries(member, "education")] == ["MIT"]
        foreign = history_add(user=other, kind="education", school="Oxford")
        missing = api_client.patch(
            f"/api/me/education/{foreign.pk}", {"degree": "x"}, content_type="application/json"
        )
        assert (missing.status_code, missing.json()["code"]) == (404, "not_found")
