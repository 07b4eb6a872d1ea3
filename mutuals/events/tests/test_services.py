"""Event rules: organizing, capacity and the waitlist, check-in windows and codes, who sees
whom, people to meet, the follow-up window, thank-you notes and the shared-event ledger."""

from __future__ import annotations

import datetime as dt
from datetime import timedelta

import pytest
from django.utils import timezone

from mutuals.accounts.tests.factories import make_member
from mutuals.connections.services import block_create, connection_create
from mutuals.core.errors import Conflict, NotAllowed, NotFound, Refused
from mutuals.engagement.models import Interaction, InteractionKind, Notification
from mutuals.events import selectors
from mutuals.events.models import Attendance, AttendanceStatus, CalendarFeed, Event
from mutuals.events.services import checkin, organizing, rsvp
from mutuals.events.tests.factories import attend, make_event, move
from mutuals.messaging.models import Message

pytestmark = pytest.mark.django_db


def status(event: Event, member) -> str:
    return Attendance.objects.get(event=event, member=member).status


class TestCreate:
    def test_creator_organizes_and_is_going_with_a_code(self):
        olu = make_member(name="Olu Adeyemi")
        start = timezone.now() + timedelta(days=3)
        event = organizing.event_create(
            organizer=olu,
            title="  Risk   workshop ",
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            time_zone="Africa/Johannesburg",
            place="Chapter house",
            capacity=20,
            topics=["Risk management", "risk  management", "Supply chains"],
        )
        assert event.organizer == olu
        assert event.title == "Risk workshop"
        assert status(event, olu) == AttendanceStatus.GOING
        assert len(event.checkin_code) == 6
        assert sorted(t.name for t in event.topics.all()) == ["Risk management", "Supply chains"]

    def test_naive_times_are_read_in_the_events_zone(self):
        naive = dt.datetime.now() + timedelta(days=10)  # noqa: DTZ005
        naive = naive.replace(hour=18, minute=30, second=0, microsecond=0)
        event = organizing.event_create(
            organizer=make_member(),
            title="Evening talk",
            starts_at=naive,
            ends_at=naive + timedelta(hours=1),
            time_zone="America/New_York",
            online_url="https://meet.example.com/talk",
        )
        local = event.starts_at.astimezone(event.zone)
        assert (local.hour, local.minute) == (18, 30)

    def test_every_problem_is_reported_at_once_and_nothing_is_created(self):
        start = timezone.now() + timedelta(days=1)
        with pytest.raises(Refused) as caught:
            organizing.event_create(
                organizer=make_member(),
                title=" ",
                starts_at=start,
                ends_at=start - timedelta(hours=1),
                time_zone="Mars/Olympus",
                online_url="ftp://nope",
                capacity=0,
                topics=[f"t{n}" for n in range(6)],
            )
        fields = caught.value.detail["fields"]
        assert {"title", "ends_at", "time_zone", "online_url", "capacity", "topics"} <= set(fields)
        assert not Event.objects.exists()

    def test_needs_a_place_or_a_link(self):
        start = timezone.now() + timedelta(days=1)
        with pytest.raises(Refused) as caught:
            organizing.event_create(
                organizer=make_member(),
                title="Somewhere",
                starts_at=start,
                ends_at=start + timedelta(hours=1),
                time_zone="UTC",
            )
        assert "place" in caught.value.detail["fields"]

    def test_cannot_start_in_the_past_or_last_beyond_two_weeks(self):
        now = timezone.now()
        with pytest.raises(Refused) as caught:
            organizing.event_create(
                organizer=make_member(),
                title="Yesterday",
                starts_at=now - timedelta(days=1),
                ends_at=now - timedelta(days=1) + timedelta(hours=1),
                time_zone="UTC",
                place="Here",
            )
        assert "starts_at" in caught.value.detail["fields"]
        with pytest.raises(Refused) as caught:
            organizing.event_create(
                organizer=make_member(),
                title="Marathon",
                starts_at=now + timedelta(days=1),
                ends_at=now + timedelta(days=16),
                time_zone="UTC",
                place="Here",
            )
        assert "ends_at" in caught.value.detail["fields"]


class TestUpdate:
    def test_only_the_organizer_edits(self):
        event = make_event()
        with pytest.raises(NotAllowed) as caught:
            organizing.event_update(editor=make_member(), event_id=event.pk, title="Mine now")
        assert caught.value.code == "not_organizer"
        event.refresh_from_db()
        assert event.title == "Risk workshop"

    def test_organizer_changes_fields_and_topics(self):
        event = make_event(topics=["Agile"])
        organizing.event_update(
            editor=event.organizer, event_id=event.pk, title="Risk evening", topics=["Pricing"]
        )
        event.refresh_from_db()
        assert event.title == "Risk evening"
        assert [t.name for t in event.topics.all()] == ["Pricing"]

    def test_capacity_cannot_drop_below_those_going(self):
        event = make_event(capacity=5)
        for _ in range(2):
            rsvp.event_rsvp(member=make_member(), event_id=event.pk)
        with pytest.raises(Refused) as caught:
            organizing.event_update(editor=event.organizer, event_id=event.pk, capacity=2)
        assert caught.value.code == "capacity_below_going"
        assert caught.value.detail["going"] == 3

    def test_raising_capacity_promotes_the_waitlist_in_order(self):
        event = make_event(capacity=1)
        first, second, third = make_member(), make_member(), make_member()
        for person in (first, second, third):
            assert rsvp.event_rsvp(member=person, event_id=event.pk).status == "waitlisted"
        organizing.event_update(editor=event.organizer, event_id=event.pk, capacity=3)
        assert status(event, first) == "going"
        assert status(event, second) == "going"
        assert status(event, third) == "waitlisted"


class TestRsvp:
    def test_going_while_there_is_room_then_waitlisted(self):
        event = make_event(capacity=2)  # the organizer takes one place
        sam, thandi = make_member(), make_member()
        assert rsvp.event_rsvp(member=sam, event_id=event.pk).status == "going"
        assert rsvp.event_rsvp(member=thandi, event_id=event.pk).status == "waitlisted"

    def test_no_capacity_means_no_limit(self):
        event = make_event(capacity=None)
        for _ in range(5):
            assert rsvp.event_rsvp(member=make_member(), event_id=event.pk).status == "going"

    def test_rsvp_twice_keeps_the_first_place(self):
        event = make_event(capacity=2)
        sam = make_member()
        first = rsvp.event_rsvp(member=sam, event_id=event.pk)
        again = rsvp.event_rsvp(member=sam, event_id=event.pk)
        assert again.pk == first.pk
        assert again.queued_at == first.queued_at

    def test_cancelling_a_place_promotes_the_earliest_waitlisted_who_is_told(self):
        event = make_event(capacity=2)
        sam, thandi, kwame = make_member(), make_member(), make_member()
        rsvp.event_rsvp(member=sam, event_id=event.pk)
        rsvp.event_rsvp(member=thandi, event_id=event.pk)
        rsvp.event_rsvp(member=kwame, event_id=event.pk)
        rsvp.event_rsvp_cancel(member=sam, event_id=event.pk)
        assert status(event, sam) == "cancelled"
        assert status(event, thandi) == "going"
        assert status(event, kwame) == "waitlisted"
        told = Notification.objects.get(member=thandi)
        assert "you are going" in told.title
        assert not Notification.objects.filter(member=kwame).exists()

    def test_cancelling_a_waitlist_spot_promotes_nobody(self):
        event = make_event(capacity=1)
        sam, thandi = make_member(), make_member()
        rsvp.event_rsvp(member=sam, event_id=event.pk)
        rsvp.event_rsvp(member=thandi, event_id=event.pk)
        rsvp.event_rsvp_cancel(member=sam, event_id=event.pk)
        assert status(event, thandi) == "waitlisted"

    def test_coming_back_after_cancelling_joins_the_back_of_the_queue(self):
        event = make_event(capacity=2)
        sam, thandi, kwame = make_member(), make_member(), make_member()
        rsvp.event_rsvp(member=sam, event_id=event.pk)
        rsvp.event_rsvp(member=thandi, event_id=event.pk)
        rsvp.event_rsvp_cancel(member=thandi, event_id=event.pk)
        rsvp.event_rsvp(member=kwame, event_id=event.pk)
        rsvp.event_rsvp(member=thandi, event_id=event.pk)
        rsvp.event_rsvp_cancel(member=sam, event_id=event.pk)
        assert status(event, kwame) == "going"
        assert status(event, thandi) == "waitlisted"

    def test_cancel_without_rsvp_is_a_conflict(self):
        event = make_event()
        with pytest.raises(Conflict) as caught:
            rsvp.event_rsvp_cancel(member=make_member(), event_id=event.pk)
        assert caught.value.code == "not_attending"

    def test_cannot_cancel_once_checked_in(self):
        event = make_event(starts_in=timedelta(minutes=-30))
        sam = make_member()
        attend(event, sam, checked_in=True)
        with pytest.raises(Conflict) as caught:
            rsvp.event_rsvp_cancel(member=sam, event_id=event.pk)
        assert caught.value.code == "already_checked_in"

    def test_rsvp_and_cancel_close_when_the_event_is_over(self):
        event = make_event(starts_in=timedelta(hours=-5))
        sam = make_member()
        with pytest.raises(Refused) as caught:
            rsvp.event_rsvp(member=sam, event_id=event.pk)
        assert caught.value.code == "event_over"
        attend(event, sam)
        with pytest.raises(Refused):
            rsvp.event_rsvp_cancel(member=sam, event_id=event.pk)

    def test_blocked_by_the_organizer_sees_no_event(self):
        event = make_event()
        sam = make_member()
        block_create(blocker=event.organizer, blocked=sam)
        with pytest.raises(NotFound):
            rsvp.event_rsvp(member=sam, event_id=event.pk)
        assert not Attendance.objects.filter(member=sam).exists()


class TestCheckIn:
    def test_self_check_in_with_the_code_in_the_window(self):
        event = make_event(starts_in=timedelta(minutes=-10))
        sam = make_member()
        rsvp.event_rsvp(member=sam, event_id=event.pk)
        code = f" {event.checkin_code.lower()[:3]} {event.checkin_code.lower()[3:]} "
        attendance = checkin.attendance_self_check_in(member=sam, event_id=event.pk, code=code)
        assert attendance.checked_in_at is not None
        assert attendance.check_in_method == "code"

    def test_wrong_code_is_refused(self):
        event = make_event(starts_in=timedelta(minutes=-10))
        sam = make_member()
        rsvp.event_rsvp(member=sam, event_id=event.pk)
        wrong = "ZZZZZZ" if event.checkin_code != "ZZZZZZ" else "YYYYYY"
        with pytest.raises(Refused) as caught:
            checkin.attendance_self_check_in(member=sam, event_id=event.pk, code=wrong)
        assert caught.value.code == "wrong_code"
        assert Attendance.objects.get(member=sam).checked_in_at is None

    @pytest.mark.parametrize(
        ("offset", "valid"),
        [
            (timedelta(hours=-1, minutes=-1), False),  # more than an hour before the start
            (timedelta(minutes=-59), True),
            (timedelta(hours=2, minutes=59), True),  # within an hour after a 2-hour event
            (timedelta(hours=3, minutes=1), False),
        ],
    )
    def test_code_is_valid_only_around_the_event(self, offset, valid):
        event = make_event()
        sam = make_member()
        rsvp.event_rsvp(member=sam, event_id=event.pk)
        at = event.starts_at + offset
        if valid:
            checkin.attendance_self_check_in(
                member=sam, event_id=event.pk, code=event.checkin_code, now=at
            )
            assert Attendance.objects.get(member=sam).checked_in_at == at
        else:
            with pytest.raises(Refused) as caught:
                checkin.attendance_self_check_in(
                    member=sam, event_id=event.pk, code=event.checkin_code, now=at
                )
            assert caught.value.code == "check_in_closed"

    def test_waitlisted_members_cannot_self_check_in(self):
        event = make_event(capacity=1, starts_in=timedelta(minutes=-5))
        Attendance.objects.filter(event=event).update(status="going")
        sam = make_member()
        Attendance.objects.create(
            event=event,
            member=sam,
            status="waitlisted",
            queued_at=timezone.now(),
            updated_at=timezone.now(),
        )
        with pytest.raises(Refused) as caught:
            checkin.attendance_self_check_in(member=sam, event_id=event.pk, code=event.checkin_code)
        assert caught.value.code == "not_going"

    def test_organizer_marks_and_admits_a_waitlisted_member_at_the_door(self):
        event = make_event(capacity=1)
        sam = make_member()
        rsvp.event_rsvp(member=sam, event_id=event.pk)
        assert status(event, sam) == "waitlisted"
        move(event, starts_at=timezone.now() - timedelta(minutes=15))
        checkin.attendance_mark(organizer=event.organizer, event_id=event.pk, member_id=sam.pk)
        attendance = Attendance.objects.get(event=event, member=sam)
        assert attendance.status == "going"
        assert attendance.check_in_method == "organizer"

    def test_only_the_organizer_marks(self):
        event = make_event(starts_in=timedelta(minutes=-5))
        sam, thandi = make_member(), make_member()
        attend(event, sam)
        attend(event, thandi)
        with pytest.raises(NotAllowed):
            checkin.attendance_mark(organizer=thandi, event_id=event.pk, member_id=sam.pk)
        assert Attendance.objects.get(member=sam).checked_in_at is None

    def test_organizer_can_mark_until_the_follow_up_window_closes(self):
        event = make_event()
        sam = make_member()
        attend(event, sam)
        late = event.ends_at + timedelta(hours=71)
        checkin.attendance_mark(
            organizer=event.organizer, event_id=event.pk, member_id=sam.pk, now=late
        )
        thandi = make_member()
        attend(event, thandi)
        with pytest.raises(Refused) as caught:
            checkin.attendance_mark(
                organizer=event.organizer,
                event_id=event.pk,
                member_id=thandi.pk,
                now=event.ends_at + timedelta(hours=73),
            )
        assert caught.value.code == "check_in_closed"
        with pytest.raises(Refused):
            checkin.attendance_mark(
                organizer=event.organizer,
                event_id=event.pk,
                member_id=thandi.pk,
                now=event.starts_at - timedelta(hours=2),
            )

    def test_marking_someone_without_rsvp_is_refused(self):
        event = make_event(starts_in=timedelta(minutes=-5))
        with pytest.raises(Refused) as caught:
            checkin.attendance_mark(
                organizer=event.organizer, event_id=event.pk, member_id=make_member().pk
            )
        assert caught.value.code == "not_registered"

    def test_checking_in_a_connected_pair_records_one_shared_event_interaction(self):
        event = make_event(starts_in=timedelta(minutes=-5))
        sam, thandi, stranger = make_member(), make_member(), make_member()
        connection_create(member=sam, other=thandi)
        for person in (sam, thandi, stranger):
            attend(event, person)
        for person in (sam, thandi, stranger):
            checkin.attendance_mark(
                organizer=event.organizer, event_id=event.pk, member_id=person.pk
            )
        checkin.attendance_mark(organizer=event.organizer, event_id=event.pk, member_id=sam.pk)
        shared = Interaction.objects.filter(kind=InteractionKind.SHARED_EVENT)
        assert shared.count() == 1
        interaction = shared.get()
        assert {interaction.actor_id, interaction.counterpart_id} == {sam.pk, thandi.pk}
        assert interaction.source_key == f"event:{event.pk}"


class TestWhoSeesWhom:
    def test_hidden_attendees_are_seen_only_by_the_organizer_and_themselves(self):
        event = make_event()
        sam, thandi = make_member(name="Sam"), make_member(name="Thandi")
        attend(event, sam)
        attend(event, thandi)
        checkin.attendance_set_hidden(member=thandi, event_id=event.pk, hidden=True)
        seen_by_sam = {a.member_id for a in selectors.attendees_visible(sam, event)}
        seen_by_thandi = {a.member_id for a in selectors.attendees_visible(thandi, event)}
        seen_by_organizer = {
            a.member_id for a in selectors.attendees_visible(event.organizer, event)
        }
        assert thandi.pk not in seen_by_sam
        assert thandi.pk in seen_by_thandi
        assert thandi.pk in seen_by_organizer
        checkin.attendance_set_hidden(member=thandi, event_id=event.pk, hidden=False)
        assert thandi.pk in {a.member_id for a in selectors.attendees_visible(sam, event)}

    def test_hiding_without_rsvp_is_a_conflict(self):
        with pytest.raises(Conflict):
            checkin.attendance_set_hidden(
                member=make_member(), event_id=make_event().pk, hidden=True
            )

    def test_blocked_pairs_never_see_each_other(self):
        event = make_event()
        sam, thandi = make_member(), make_member()
        attend(event, sam)
        attend(event, thandi)
        block_create(blocker=thandi, blocked=sam)
        assert thandi.pk not in {a.member_id for a in selectors.attendees_visible(sam, event)}
        assert sam.pk not in {a.member_id for a in selectors.attendees_visible(thandi, event)}
        assert thandi.pk not in {s.member.pk for s in selectors.people_to_meet(sam, event)}

    def test_only_attendees_and_the_organizer_may_see_the_list(self):
        event = make_event()
        sam = make_member()
        assert not selectors.may_see_attendees(sam, event, None)
        assert selectors.may_see_attendees(event.organizer, event, None)
        mine = attend(event, sam)
        assert selectors.may_see_attendees(sam, event, mine)

    def test_events_of_a_blocked_organizer_are_not_listed(self):
        event = make_event()
        sam = make_member()
        assert event in selectors.events_for(sam, selectors.Scope.UPCOMING)
        block_create(blocker=sam, blocked=event.organizer)
        assert event not in selectors.events_for(sam, selectors.Scope.UPCOMING)


class TestPeopleToMeet:
    def test_ranked_by_offers_matching_needs_then_shared_topics_with_reasons(self):
        event = make_event(topics=["Risk management"])
        sam = make_member(
            name="Sam Okafor",
            profile={
                "topics": ["Risk management", "Agile"],
                "looking_for": ["advice on supplier contract pricing"],
                "offers": ["Python data pipelines"],
            },
        )
        thandi = make_member(
            name="Thandi Mokoena",
            profile={"offers": ["Supplier contract pricing reviews"], "topics": ["Rail"]},
        )
        kwame = make_member(
            name="Kwame Asante",
            profile={"topics": ["Risk management", "Agile"], "looking_for": []},
        )
        ama = make_member(name="Ama Mensah", profile={"looking_for": ["data pipelines"]})
        nobody = make_member(name="Zed Nobody")
        for person in (sam, thandi, kwame, ama, nobody):
            attend(event, person)
        connection_create(member=sam, other=ama)
        ranked = selectors.people_to_meet(sam, event)
        names = [s.member.name for s in ranked]
        # Thandi and Ama both score 3 (one match each); the stranger comes before the
        # connection. Kwame shares two topics, one of them the event's (3 as well, but a
        # name later than Thandi's among strangers).
        assert names.index("Thandi Mokoena") < names.index("Ama Mensah")
        assert names[-1] in {"Zed Nobody", "Olu Organizer"}
        thandi_row = next(s for s in ranked if s.member == thandi)
        assert thandi_row.reasons == [
            "Thandi offers “Supplier contract pricing reviews”, and you are looking for "
            "“advice on supplier contract pricing”."
        ]
        ama_row = next(s for s in ranked if s.member == ama)
        assert ama_row.connected
        assert ama_row.reasons == [
            "Ama is looking for “data pipelines”, and you offer “Python data pipelines”."
        ]
        kwame_row = next(s for s in ranked if s.member == kwame)
        assert kwame_row.reasons == [
            "You both follow Agile and Risk management (Risk management: this event's topic too)."
        ]
        assert kwame_row.score == 3
        assert next(s for s in ranked if s.member == nobody).reasons == []
        assert sam.pk not in {s.member.pk for s in ranked}

    def test_hidden_attendees_are_not_suggested(self):
        event = make_event()
        sam, thandi = make_member(), make_member()
        attend(event, sam)
        attend(event, thandi, hidden=True)
        assert thandi.pk not in {s.member.pk for s in selectors.people_to_meet(sam, event)}


class TestFollowUp:
    def test_window_states(self):
        event = make_event()
        assert selectors.follow_up_state(event, event.starts_at) == "not_yet"
        assert selectors.follow_up_state(event, event.ends_at) == "open"
        assert selectors.follow_up_state(event, event.ends_at + timedelta(hours=71)) == "open"
        assert selectors.follow_up_state(event, event.ends_at + timedelta(hours=72)) == "closed"

    def test_people_met_are_the_other_checked_in_attendees(self):
        event = make_event(starts_in=timedelta(hours=-4))
        sam, thandi, absent, hidden = (make_member() for _ in range(4))
        attend(event, sam, checked_in=True)
        attend(event, thandi, checked_in=True)
        attend(event, absent)
        attend(event, hidden, checked_in=True, hidden=True)
        connection_create(member=sam, other=thandi)
        met = selectors.people_met(sam, event)
        assert [m.member for m in met] == [thandi]
        assert met[0].connected

    def test_thank_you_goes_to_the_conversation_during_the_window(self):
        event = make_event(starts_in=timedelta(hours=-4))
        sam, thandi = make_member(), make_member()
        attend(event, sam, checked_in=True)
        attend(event, thandi, checked_in=True)
        connection_create(member=sam, other=thandi)
        started = checkin.thank_you_send(
            sender=sam, event_id=event.pk, recipient_id=thandi.pk, text="Thank you for Thursday!"
        )
        assert started.message.text == "Thank you for Thursday!"
        assert Message.objects.filter(sender=sam).count() == 1

    def test_thank_you_is_refused_after_the_window_and_to_people_not_met(self):
        event = make_event(starts_in=timedelta(hours=-4))
        sam, thandi, absent = make_member(), make_member(), make_member()
        attend(event, sam, checked_in=True)
        attend(event, thandi, checked_in=True)
        attend(event, absent)
        connection_create(member=sam, other=thandi)
        connection_create(member=sam, other=absent)
        with pytest.raises(NotFound):
            checkin.thank_you_send(
                sender=sam, event_id=event.pk, recipient_id=absent.pk, text="Thanks"
            )
        with pytest.raises(Refused) as caught:
            checkin.thank_you_send(
                sender=sam,
                event_id=event.pk,
                recipient_id=thandi.pk,
                text="Thanks",
                now=event.ends_at + timedelta(hours=73),
            )
        assert caught.value.code == "follow_up_closed"
        assert not Message.objects.exists()


class TestCalendarFeed:
    def test_token_is_stable_until_reset(self):
        sam = make_member()
        first = checkin.calendar_feed_for(member=sam).token
        assert checkin.calendar_feed_for(member=sam).token == first
        reset = checkin.calendar_feed_reset(member=sam).token
        assert reset != first
        assert CalendarFeed.objects.get(member=sam).token == reset


class TestMoreRules:
    def test_ten_wrong_codes_lock_self_check_in_for_a_while(self):
        from mutuals.core.errors import RateLimited

        event = make_event(starts_in=timedelta(minutes=-5))
        sam = make_member()
        attend(event, sam)
        wrong = "ZZZZZZ" if event.checkin_code != "ZZZZZZ" else "YYYYYY"
        for _ in range(checkin.MAX_WRONG_CODES):
            with pytest.raises(Refused):
                checkin.attendance_self_check_in(member=sam, event_id=event.pk, code=wrong)
        with pytest.raises(RateLimited) as caught:
            checkin.attendance_self_check_in(member=sam, event_id=event.pk, code=event.checkin_code)
        assert caught.value.code == "check_in_rate_limited"
        assert Attendance.objects.get(member=sam).checked_in_at is None
        # Another member is not affected.
        thandi = make_member()
        attend(event, thandi)
        checkin.attendance_self_check_in(member=thandi, event_id=event.pk, code=event.checkin_code)

    def test_moving_an_event_tells_everyone_coming_once(self):
        event = make_event(capacity=2)
        sam, thandi = make_member(), make_member()
        rsvp.event_rsvp(member=sam, event_id=event.pk)
        rsvp.event_rsvp(member=thandi, event_id=event.pk)  # waitlisted
        later = event.starts_at + timedelta(days=1)
        for _ in range(2):
            organizing.event_update(
                editor=event.organizer,
                event_id=event.pk,
                starts_at=later,
                ends_at=later + timedelta(hours=2),
            )
        assert Notification.objects.filter(kind="event_changed", member=sam).count() == 1
        assert Notification.objects.filter(kind="event_changed", member=thandi).count() == 1
        assert not Notification.objects.filter(member=event.organizer).exists()
        organizing.event_update(editor=event.organizer, event_id=event.pk, title="New title")
        assert Notification.objects.filter(kind="event_changed").count() == 2


class TestCloseMatches:
    def test_one_distinctive_shared_word_is_close_and_counts_less(self):
        event = make_event()
        sam = make_member(
            name="Sam", profile={"looking_for": ["People who have stood up a PMO from scratch"]}
        )
        mateo = make_member(
            name="Mateo", profile={"offers": ["Lightweight PMO reporting templates"]}
        )
        generic = make_member(name="Gene", profile={"offers": ["Project reviews for new teams"]})
        answer = make_member(name="Ana", profile={"offers": ["Standing up a PMO from scratch"]})
        for person in (sam, mateo, generic, answer):
            attend(event, person)
        ranked = {s.member.name: s for s in selectors.people_to_meet(sam, event)}
        assert ranked["Mateo"].reasons == [
            "Mateo offers “Lightweight PMO reporting templates”, close to what you are looking "
            "for (“People who have stood up a PMO from scratch”)."
        ]
        assert ranked["Mateo"].score == 1
        assert ranked["Ana"].score == 3
        assert ranked["Gene"].reasons == []  # "new" and "project" are too common to count


class TestCancelEvent:
    def test_organizer_cancels_everyone_coming_is_told_and_rsvps_close(self):
        event = make_event(capacity=2)
        sam, thandi = make_member(), make_member()
        rsvp.event_rsvp(member=sam, event_id=event.pk)
        rsvp.event_rsvp(member=thandi, event_id=event.pk)  # waitlisted
        organizing.event_cancel(organizer=event.organizer, event_id=event.pk, note="Venue flooded.")
        organizing.event_cancel(organizer=event.organizer, event_id=event.pk)  # harmless again
        event.refresh_from_db()
        assert event.cancelled_at is not None
        told = Notification.objects.filter(kind="event_cancelled")
        assert sorted(told.values_list("member_id", flat=True)) == sorted([sam.pk, thandi.pk])
        assert set(told.values_list("body", flat=True)) == {"Venue flooded."}
        with pytest.raises(Refused) as caught:
            rsvp.event_rsvp(member=make_member(), event_id=event.pk)
        assert caught.value.code == "event_cancelled"
        # Leaving frees nothing for the waitlist: there is no event to go to.
        rsvp.event_rsvp_cancel(member=sam, event_id=event.pk)
        assert status(event, thandi) == "waitlisted"
        with pytest.raises(Refused):
            organizing.event_update(editor=event.organizer, event_id=event.pk, title="Back on")

    def test_only_the_organizer_and_only_before_it_ends(self):
        event = make_event()
        with pytest.raises(NotAllowed):
            organizing.event_cancel(organizer=make_member(), event_id=event.pk)
        over = make_event(starts_in=timedelta(hours=-5))
        with pytest.raises(Refused) as caught:
            organizing.event_cancel(organizer=over.organizer, event_id=over.pk)
        assert caught.value.code == "event_over"
        event.refresh_from_db()
        assert event.cancelled_at is None

    def test_no_check_in_at_a_cancelled_event(self):
        event = make_event(starts_in=timedelta(hours=2))
        sam = make_member()
        rsvp.event_rsvp(member=sam, event_id=event.pk)
        organizing.event_cancel(organizer=event.organizer, event_id=event.pk)
        with pytest.raises(Refused) as caught:
            checkin.attendance_self_check_in(
                member=sam,
                event_id=event.pk,
                code=event.checkin_code,
                now=event.starts_at,
            )
        assert caught.value.code == "event_cancelled"
