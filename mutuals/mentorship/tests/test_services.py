"""Mentorship services: every transition and every refusal, as a member would meet them."""

from __future__ import annotations

import contextlib
from datetime import timedelta

import pytest
from django.utils import timezone

from mutuals.accounts.models import Boundaries
from mutuals.accounts.tests.factories import make_member
from mutuals.connections.models import Connection
from mutuals.connections.services import block_create, connection_create
from mutuals.core.errors import Conflict, MutualsError, NotAllowed, NotFound, Refused, json_datetime
from mutuals.engagement.models import Interaction, Notification, Obligation, ObligationKind
from mutuals.engagement.services import interaction_record, nudges_send_due
from mutuals.mentorship.models import Goal, Mentorship, MentorshipEvent, MentorshipState
from mutuals.mentorship.selectors import checkins_for, mentor_testimonials, profile_section
from mutuals.mentorship.services import mentorships, offers, progress
from mutuals.mentorship.tests.factories import (
    active,
    draft,
    make_mentee,
    make_mentor,
    offer_input,
    request,
)

pytestmark = pytest.mark.django_db


def refused(error: pytest.ExceptionInfo[MutualsError], code: str) -> None:
    assert error.value.code == code, error.value.as_dict()


# --- Offers ----------------------------------------------------------------------------------


def test_an_offer_is_published_with_its_terms() -> None:
    _mentor, offer = make_mentor()
    assert offer.title == "Pricing schedule risk into supplier contracts"
    assert sorted(t.name for t in offer.topics.all()) == ["Negotiation", "Risk management"]
    assert offer.formats == ["call", "async"]
    assert (offer.capacity, offer.min_weeks, offer.max_weeks) == (2, 8, 12)


def test_one_offer_per_mentor() -> None:
    mentor, _ = make_mentor()
    with pytest.raises(Conflict) as error:
        offers.offer_create(mentor=mentor, data=offer_input())
    refused(error, "offer_exists")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": "  "}, "title"),
        ({"topics": []}, "topics"),
        ({"formats": []}, "formats"),
        ({"formats": ["carrier pigeon"]}, "formats"),
        ({"capacity": 0}, "capacity"),
        ({"capacity": 11}, "capacity"),
        ({"min_weeks": 3}, "min_weeks"),
        ({"max_weeks": 25}, "max_weeks"),
        ({"min_weeks": 12, "max_weeks": 8}, "max_weeks"),
        ({"availability": ""}, "availability"),
    ],
)
def test_an_offer_with_invalid_terms_is_refused_field_by_field(
    overrides: dict[str, object], field: str
) -> None:
    mentor = make_member()
    with pytest.raises(Refused) as error:
        offers.offer_create(mentor=mentor, data=offer_input(**overrides))
    refused(error, "invalid_fields")
    assert field in error.value.detail["fields"]


def test_capacity_cannot_drop_below_active_mentees() -> None:
    mentor, offer = make_mentor()
    active(make_mentee(), offer)
    active(make_mentee("Priya Shah"), offer)
    with pytest.raises(Refused) as error:
        offers.offer_update(mentor=mentor, offer_id=offer.pk, data=offer_input(capacity=1))
    refused(error, "capacity_below_active")
    updated = offers.offer_update(
        mentor=mentor, offer_id=offer.pk, data=offer_input(capacity=3, title="New title")
    )
    assert (updated.capacity, updated.title) == (3, "New title")


def test_only_the_mentor_edits_or_pauses_their_offer() -> None:
    _, offer = make_mentor()
    other = make_member()
    with pytest.raises(NotAllowed) as error:
        offers.offer_update(mentor=other, offer_id=offer.pk, data=offer_input())
    refused(error, "not_your_offer")
    with pytest.raises(NotAllowed):
        offers.offer_pause(mentor=other, offer_id=offer.pk)


def test_a_paused_offer_takes_no_request_until_resumed() -> None:
    mentor, offer = make_mentor()
    mentee = make_mentee()
    offers.offer_pause(mentor=mentor, offer_id=offer.pk)
    with pytest.raises(Conflict) as error:
        request(mentee, offer)
    refused(error, "offer_paused")
    offers.offer_pause(mentor=mentor, offer_id=offer.pk, paused=False)
    assert request(mentee, offer).state == MentorshipState.REQUESTED


# --- Requests --------------------------------------------------------------------------------


def test_a_request_carries_goals_topics_terms_and_its_score() -> None:
    mentor, offer = make_mentor()
    mentee = make_mentee()
    mentorship = request(mentee, offer)
    assert mentorship.state == MentorshipState.REQUESTED
    assert (mentorship.format, mentorship.weeks, mentorship.cadence) == ("call", 10, "biweekly")
    assert [g.text for g in mentorship.goals.all()] == draft(offer).goals
    assert [t.name for t in mentorship.topics.all()] == ["Risk management"]
    assert mentorship.score is not None and mentorship.score >= 65  # noqa: PT018
    assert mentorship.verdict == "personal"
    notice = Notification.objects.get(member=mentor, kind="mentorship_requested")
    assert notice.title == "Sam Okafor asks you to mentor them"
    assert MentorshipEvent.objects.get(mentorship=mentorship).to_state == "requested"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"goals": []}, "goals"),
        ({"goals": ["x" * 201]}, "goals"),
        ({"goals": [f"goal {n}" for n in range(11)]}, "goals"),
        ({"note": "   "}, "note"),
        ({"format": "telepathy"}, "format"),
        ({"weeks": 3}, "weeks"),
        ({"weeks": 25}, "weeks"),
        ({"cadence": "daily"}, "cadence"),
    ],
)
def test_an_invalid_request_is_refused_field_by_field(
    overrides: dict[str, object], field: str
) -> None:
    _, offer = make_mentor()
    with pytest.raises(Refused) as error:
        request(make_mentee(), offer, **overrides)
    refused(error, "invalid_fields")
    assert field in error.value.detail["fields"]


def test_a_block_either_way_hides_the_offer() -> None:
    mentor, offer = make_mentor()
    mentee = make_mentee()
    block_create(blocker=mentor, blocked=mentee)
    with pytest.raises(NotFound):
        request(mentee, offer)
    other = make_mentee("Priya Shah")
    block_create(blocker=other, blocked=mentor)
    with pytest.raises(NotFound):
        request(other, offer)


def test_an_inactive_mentor_offer_is_not_found() -> None:
    mentor, offer = make_mentor()
    mentor.is_active = False
    mentor.save()
    with pytest.raises(NotFound):
        request(make_mentee(), offer)


def test_nobody_mentors_themself() -> None:
    mentor, offer = make_mentor()
    with pytest.raises(Refused) as error:
        request(mentor, offer)
    refused(error, "cannot_mentor_self")


def test_a_mentor_closed_to_mentorship_is_not_asked() -> None:
    mentor, offer = make_mentor()
    Boundaries.objects.filter(user=mentor).update(open_intents=["advice"])
    with pytest.raises(Refused) as error:
        request(make_mentee(), offer)
    refused(error, "mentor_closed_to_mentorship")


def test_a_quiet_period_asks_the_mentee_to_come_back_later() -> None:
    mentor, offer = make_mentor()
    until = timezone.now() + timedelta(days=5)
    Boundaries.objects.filter(user=mentor).update(quiet_until=until)
    with pytest.raises(Conflict) as error:
        request(make_mentee(), offer)
    refused(error, "mentor_quiet")
    assert error.value.detail["retry_at"] == json_datetime(until)


def test_format_and_duration_must_be_ones_the_offer_has() -> None:
    _, offer = make_mentor()
    with pytest.raises(Refused) as error:
        request(make_mentee(), offer, format="in_person")
    refused(error, "format_not_offered")
    with pytest.raises(Refused) as error:
        request(make_mentee("Priya Shah"), offer, weeks=20)
    refused(error, "duration_out_of_range")
    assert error.value.detail == {"min_weeks": 8, "max_weeks": 12}


def test_one_open_mentorship_per_pair() -> None:
    _, offer = make_mentor()
    mentee = make_mentee()
    request(mentee, offer)
    with pytest.raises(Conflict) as error:
        request(mentee, offer)
    refused(error, "mentorship_open")


def test_a_full_offer_refuses_new_requests() -> None:
    _, offer = make_mentor(capacity=1)
    active(make_mentee(), offer)
    with pytest.raises(Conflict) as error:
        request(make_mentee("Priya Shah"), offer)
    refused(error, "mentor_at_capacity")
    assert error.value.detail == {"capacity": 1, "active": 1}


def test_a_generic_note_is_refused_with_findings() -> None:
    _, offer = make_mentor()
    with pytest.raises(Refused) as error:
        request(make_mentee(), offer, note="Hi, I'd like to join your network.")
    refused(error, "below_personalization_threshold")
    codes = {f["code"] for f in error.value.detail["findings"]}
    assert {"stock_phrase", "too_short"} <= codes
    assert not Mentorship.objects.exists()


def test_the_same_note_to_many_mentors_reads_as_mass_outreach() -> None:
    mentee = make_mentee()
    note = (
        "Dear mentor, I am keen to grow as a leader and would value your guidance on risk "
        "management over the coming months. Could you mentor me with a call every two weeks?"
    )
    reports = []
    for n in range(4):
        _, offer = make_mentor(f"Mentor Number{n}")
        reports.append(mentorships.mentorship_check(mentee=mentee, offer_id=offer.pk, note=note))
        with contextlib.suppress(Refused):
            request(mentee, offer, note=note)
    assert reports[-1].score < reports[0].score
    assert any(f.code in {"near_duplicate", "mass_outreach"} for f in reports[-1].findings)


# --- Accept, decline, withdraw ---------------------------------------------------------------


def test_acceptance_connects_the_pair_and_plans_check_ins_for_both() -> None:
    mentor, offer = make_mentor()
    mentee = make_mentee()
    mentorship = request(mentee, offer)
    started = mentorships.mentorship_accept(member=mentor, mentorship_id=mentorship.pk)
    assert started.state == MentorshipState.ACTIVE
    assert started.started_at is not None and started.ends_at is not None  # noqa: PT018
    assert (started.ends_at - started.started_at).days in (70, 71)
    assert started.connection_id is not None
    connection = Connection.objects.get(pk=started.connection_id)
    assert connection.intent == "mentorship"
    kinds = list(Obligation.objects.filter(connection=connection).values_list("kind", "party_id"))
    assert (ObligationKind.FIRST_MESSAGE, mentor.pk) in kinds  # the pact opened
    checkins = checkins_for(started)
    # Every two weeks for ten weeks: five each.
    assert sorted(o.party_id or 0 for o in checkins) == [mentor.pk] * 5 + [mentee.pk] * 5
    assert max(o.due_at for o in checkins) <= started.ends_at + timedelta(days=1)
    assert Notification.objects.filter(member=mentee, kind="mentorship_accepted").exists()


def test_acceptance_reuses_an_existing_connection_and_can_change_the_cadence() -> None:
    mentor, offer = make_mentor()
    mentee = make_mentee()
    existing = connection_create(member=mentee, other=mentor)
    mentorship = request(mentee, offer)
    started = mentorships.mentorship_accept(
        member=mentor, mentorship_id=mentorship.pk, cadence="weekly"
    )
    assert started.connection_id == existing.pk
    assert started.cadence == "weekly"
    assert len(checkins_for(started)) == 20


def test_only_the_mentor_accepts_or_declines() -> None:
    _, offer = make_mentor()
    mentee = make_mentee()
    mentorship = request(mentee, offer)
    with pytest.raises(NotAllowed) as error:
        mentorships.mentorship_accept(member=mentee, mentorship_id=mentorship.pk)
    refused(error, "only_mentor_answers")
    with pytest.raises(NotAllowed):
        mentorships.mentorship_decline(member=mentee, mentorship_id=mentorship.pk, reason="other")
    with pytest.raises(NotFound):
        mentorships.mentorship_accept(member=make_member(), mentorship_id=mentorship.pk)


def test_a_request_is_answered_once() -> None:
    mentor, offer = make_mentor()
    mentorship = request(make_mentee(), offer)
    mentorships.mentorship_accept(member=mentor, mentorship_id=mentorship.pk)
    with pytest.raises(Conflict) as error:
        mentorships.mentorship_accept(member=mentor, mentorship_id=mentorship.pk)
    refused(error, "state_changed")
    with pytest.raises(Conflict):
        mentorships.mentorship_decline(member=mentor, mentorship_id=mentorship.pk, reason="timing")


def test_capacity_is_checked_again_at_acceptance() -> None:
    mentor, offer = make_mentor(capacity=1)
    first = request(make_mentee(), offer)
    second = request(make_mentee("Priya Shah"), offer)
    mentorships.mentorship_accept(member=mentor, mentorship_id=first.pk)
    with pytest.raises(Conflict) as error:
        mentorships.mentorship_accept(member=mentor, mentorship_id=second.pk)
    refused(error, "mentor_at_capacity")
    assert Mentorship.objects.get(pk=second.pk).state == MentorshipState.REQUESTED


def test_an_unknown_cadence_at_acceptance_is_refused() -> None:
    mentor, offer = make_mentor()
    mentorship = request(make_mentee(), offer)
    with pytest.raises(Refused):
        mentorships.mentorship_accept(member=mentor, mentorship_id=mentorship.pk, cadence="hourly")


def test_decline_with_a_reason_the_mentee_sees() -> None:
    mentor, offer = make_mentor()
    mentee = make_mentee()
    mentorship = request(mentee, offer)
    with pytest.raises(Refused):
        mentorships.mentorship_decline(member=mentor, mentorship_id=mentorship.pk, reason="meh")
    declined = mentorships.mentorship_decline(
        member=mentor, mentorship_id=mentorship.pk, reason="no_capacity"
    )
    assert (declined.state, declined.reason) == ("declined", "no_capacity")
    notice = Notification.objects.get(member=mentee, kind="mentorship_declined")
    assert "i have no room right now" in notice.body.lower()


def test_only_the_mentee_withdraws_and_only_while_requested() -> None:
    mentor, offer = make_mentor()
    mentee = make_mentee()
    mentorship = request(mentee, offer)
    with pytest.raises(NotAllowed) as error:
        mentorships.mentorship_withdraw(member=mentor, mentorship_id=mentorship.pk)
    refused(error, "only_mentee_withdraws")
    assert mentorships.mentorship_withdraw(member=mentee, mentorship_id=mentorship.pk).state == (
        "withdrawn"
    )
    with pytest.raises(Conflict) as again:
        mentorships.mentorship_withdraw(member=mentee, mentorship_id=mentorship.pk)
    refused(again, "state_changed")
    # Withdrawn, the pair may start again.
    assert request(mentee, offer).state == "requested"


# --- Ending -------------------------------------------------------------------------------------


def test_ending_early_with_goals_met_completes_and_cancels_future_check_ins() -> None:
    mentor, offer = make_mentor()
    mentee = make_mentee()
    mentorship = active(mentee, offer)
    ended = mentorships.mentorship_end(
        member=mentee, mentorship_id=mentorship.pk, reason="goals_met"
    )
    assert (ended.state, ended.ended_by_id) == ("completed", mentee.pk)
    assert all(o.cancelled_at is not None for o in checkins_for(ended))
    assert Notification.objects.filter(member=mentor, kind="mentorship_ended").exists()


def test_ending_early_for_another_reason_cancels_it() -> None:
    mentor, offer = make_mentor()
    mentorship = active(make_mentee(), offer)
    with pytest.raises(Refused) as error:
        mentorships.mentorship_end(member=mentor, mentorship_id=mentorship.pk, reason="other")
    assert "note" in error.value.detail["fields"]
    with pytest.raises(Refused):
        mentorships.mentorship_end(member=mentor, mentorship_id=mentorship.pk, reason="end_date")
    ended = mentorships.mentorship_end(
        member=mentor, mentorship_id=mentorship.pk, reason="other", note="Moving abroad"
    )
    assert (ended.state, ended.reason_note) == ("cancelled", "Moving abroad")
    with pytest.raises(Conflict) as conflict:
        mentorships.mentorship_end(member=mentor, mentorship_id=mentorship.pk, reason="no_time")
    refused(conflict, "state_changed")


def test_a_request_cannot_be_ended_only_withdrawn_or_declined() -> None:
    mentor, offer = make_mentor()
    mentorship = request(make_mentee(), offer)
    with pytest.raises(Conflict) as error:
        mentorships.mentorship_end(member=mentor, mentorship_id=mentorship.pk, reason="no_time")
    refused(error, "state_changed")


def test_an_active_mentorship_completes_at_its_end_date_once() -> None:
    mentor, offer = make_mentor()
    mentee = make_mentee()
    mentorship = active(mentee, offer)
    assert mentorship.ends_at is not None
    early = mentorship.ends_at - timedelta(days=1)
    assert not mentorships.mentorship_complete_if_due(mentorship_id=mentorship.pk, now=early)
    later = mentorship.ends_at + timedelta(minutes=1)
    assert mentorships.mentorship_complete_if_due(mentorship_id=mentorship.pk, now=later)
    assert not mentorships.mentorship_complete_if_due(mentorship_id=mentorship.pk, now=later)
    done = Mentorship.objects.get(pk=mentorship.pk)
    assert (done.state, done.reason) == ("completed", "end_date")
    for member in (mentor, mentee):
        assert Notification.objects.filter(member=member, kind="mentorship_completed").count() == 1


def test_the_sweep_completes_due_mentorships_idempotently() -> None:
    _, offer = make_mentor()
    first = active(make_mentee(), offer)
    active(make_mentee("Priya Shah"), offer, weeks=12)
    assert first.ends_at is not None
    moment = first.ends_at + timedelta(hours=1)
    assert mentorships.mentorships_sweep(now=moment) == 1
    assert mentorships.mentorships_sweep(now=moment) == 0


def test_the_task_completes_a_mentorship() -> None:
    from mutuals.mentorship import tasks

    _, offer = make_mentor()
    mentorship = active(make_mentee(), offer)
    Mentorship.objects.filter(pk=mentorship.pk).update(
        ends_at=timezone.now() - timedelta(minutes=1)
    )
    tasks.mentorship_complete.enqueue(mentorship.pk)
    assert Mentorship.objects.get(pk=mentorship.pk).state == "completed"


def test_a_block_hides_the_mentorship_and_the_sweep_ends_it() -> None:
    mentor, offer = make_mentor()
    mentee = make_mentee()
    mentorship = active(mentee, offer)
    block_create(blocker=mentee, blocked=mentor)
    with pytest.raises(NotFound):
        progress.goal_add(member=mentor, mentorship_id=mentorship.pk, text="More")
    mentorships.mentorships_sweep()
    ended = Mentorship.objects.get(pk=mentorship.pk)
    assert (ended.state, ended.reason) == ("cancelled", "blocked")


# --- Check-ins and goals ------------------------------------------------------------------------


def test_a_logged_check_in_fulfils_both_parties_open_check_ins() -> None:
    mentor, offer = make_mentor()
    mentee = make_mentee()
    mentorship = active(mentee, offer)
    progress.checkin_log(member=mentee, mentorship_id=mentorship.pk, note="Contract clauses")
    checkins = checkins_for(mentorship)
    met = [o for o in checkins if o.fulfilled_at]
    assert sorted(o.party_id or 0 for o in met) == sorted([mentor.pk, mentee.pk])
    assert all(o.due_at == min(c.due_at for c in checkins) for o in met)
    interaction = Interaction.objects.get(kind="mentorship_checkin")
    assert (interaction.actor_id, interaction.note) == (mentee.pk, "Contract clauses")


def test_a_message_counts_as_a_check_in_for_its_sender_only() -> None:
    mentor, offer = make_mentor()
    mentee = make_mentee()
    mentorship = active(mentee, offer)
    interaction_record(
        actor=mentor,
        counterpart=mentee,
        kind="message",
        at=timezone.now(),
        source_key="message:test",
    )
    # The pact fulfils it as the message is recorded; the sweep's reconcile finds nothing left.
    met = [o for o in checkins_for(mentorship) if o.fulfilled_at]
    assert [o.party_id for o in met] == [mentor.pk]
    assert progress.checkins_reconcile(mentorship=mentorship) == 0


@pytest.mark.parametrize(
    ("shift", "field"), [(timedelta(hours=2), "at"), (timedelta(days=-3), "at")]
)
def test_a_check_in_in_the_future_or_before_the_start_is_refused(
    shift: timedelta, field: str
) -> None:
    _, offer = make_mentor()
    mentee = make_mentee()
    mentorship = active(mentee, offer)
    with pytest.raises(Refused) as error:
        progress.checkin_log(member=mentee, mentorship_id=mentorship.pk, at=timezone.now() + shift)
    assert field in error.value.detail["fields"]


def test_check_ins_only_while_active() -> None:
    mentor, offer = make_mentor()
    mentorship = request(make_mentee(), offer)
    with pytest.raises(Conflict) as error:
        progress.checkin_log(member=mentor, mentorship_id=mentorship.pk)
    refused(error, "state_changed")


def test_open_mentor_check_ins_are_nudged_by_the_engagement_sweep() -> None:
    _mentor, offer = make_mentor()
    mentee = make_mentee()
    mentorship = active(mentee, offer)
    first_due = min(o.due_at for o in checkins_for(mentorship))
    nudges_send_due(now=first_due - timedelta(hours=12))
    nudge = Notification.objects.get(member=mentee, kind="nudge_mentor_check_in")
    assert nudge.title == "Mentorship check-in with Thandi Mokoena"


def test_goals_are_a_shared_checklist_while_active() -> None:
    mentor, offer = make_mentor()
    mentee = make_mentee()
    mentorship = active(mentee, offer)
    goal = progress.goal_add(member=mentor, mentorship_id=mentorship.pk, text="  Chair a review ")
    assert (goal.text, goal.position) == ("Chair a review", 2)
    ticked = progress.goal_set_done(
        member=mentee, mentorship_id=mentorship.pk, goal_id=goal.pk, done=True
    )
    assert (ticked.done_by_id, ticked.done_at is not None) == (mentee.pk, True)
    unticked = progress.goal_set_done(
        member=mentor, mentorship_id=mentorship.pk, goal_id=goal.pk, done=False
    )
    assert unticked.done_at is None
    with pytest.raises(Refused):
        progress.goal_add(member=mentor, mentorship_id=mentorship.pk, text=" ")


def test_goals_of_another_mentorship_are_not_found() -> None:
    _, offer = make_mentor()
    mine = active(make_mentee(), offer)
    theirs = request(make_mentee("Priya Shah"), offer)
    goal = Goal.objects.filter(mentorship=theirs).first()
    assert goal is not None
    with pytest.raises(NotFound):
        progress.goal_set_done(
            member=mine.mentee, mentorship_id=mine.pk, goal_id=goal.pk, done=True
        )


def test_goals_are_fixed_once_it_ends() -> None:
    mentor, offer = make_mentor()
    mentorship = active(make_mentee(), offer)
    mentorships.mentorship_end(member=mentor, mentorship_id=mentorship.pk, reason="goals_met")
    with pytest.raises(Conflict):
        progress.goal_add(member=mentor, mentorship_id=mentorship.pk, text="Late goal")


# --- Reflections and testimonials ---------------------------------------------------------------


def test_reflections_come_after_the_end_and_the_mentee_decides_the_testimonial() -> None:
    mentor, offer = make_mentor()
    mentee = make_mentee()
    mentorship = active(mentee, offer)
    text = "Thandi showed me how to price schedule risk; our last contract had it in."
    with pytest.raises(Conflict) as error:
        progress.reflection_write(member=mentee, mentorship_id=mentorship.pk, text=text)
    refused(error, "not_ended")
    mentorships.mentorship_end(member=mentor, mentorship_id=mentorship.pk, reason="goals_met")
    with pytest.raises(Refused) as short:
        progress.reflection_write(member=mentee, mentorship_id=mentorship.pk, text="Great!")
    assert "text" in short.value.detail["fields"]
    with pytest.raises(Refused) as mentor_share:
        progress.reflection_write(
            member=mentor, mentorship_id=mentorship.pk, text="Sam did the work." * 3, share=True
        )
    assert "share" in mentor_share.value.detail["fields"]
    with pytest.raises(NotAllowed) as error_403:
        progress.testimonial_share(member=mentor, mentorship_id=mentorship.pk, share=True)
    refused(error_403, "only_mentee_shares")
    with pytest.raises(Conflict) as none_yet:
        progress.testimonial_share(member=mentee, mentorship_id=mentorship.pk, share=True)
    refused(none_yet, "no_reflection")

    progress.reflection_write(member=mentee, mentorship_id=mentorship.pk, text=text)
    viewer = make_member()
    assert list(mentor_testimonials(viewer, mentor)) == []
    progress.testimonial_share(member=mentee, mentorship_id=mentorship.pk, share=True)
    assert [t.text for t in mentor_testimonials(viewer, mentor)] == [text]
    assert profile_section(viewer, mentor).testimonials[0].author_id == mentee.pk
    progress.testimonial_share(member=mentee, mentorship_id=mentorship.pk, share=False)
    assert list(mentor_testimonials(viewer, mentor)) == []


def test_a_testimonial_is_hidden_from_someone_its_author_blocked() -> None:
    mentor, offer = make_mentor()
    mentee = make_mentee()
    mentorship = active(mentee, offer)
    mentorships.mentorship_end(member=mentor, mentorship_id=mentorship.pk, reason="goals_met")
    progress.reflection_write(
        member=mentee, mentorship_id=mentorship.pk, text="Practical and kind advice.", share=True
    )
    viewer = make_member()
    block_create(blocker=mentee, blocked=viewer)
    assert list(mentor_testimonials(viewer, mentor)) == []


def test_a_note_may_refer_to_the_recipients_mentor_offer_and_only_theirs() -> None:
    """The composer's check reads the recipient's offer (compiled once per process: each
    recipient gets their own, a member without one none)."""
    from mutuals.mentorship.selectors import recipient_material

    thandi, offer = make_mentor()
    other, _ = make_mentor(name="Dara Okafor", title="Negotiation for engineers")
    sam = make_mentee()
    assert recipient_material(sam, thandi).mentor_offer == f"{offer.title}. {offer.description}"
    assert recipient_material(sam, other).mentor_offer.startswith("Negotiation for engineers. ")
    assert recipient_material(thandi, sam).mentor_offer == ""
