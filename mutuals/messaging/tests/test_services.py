"""Messaging rules: who may start, write and read; the rate limit; the ledger and the pact."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from mutuals.accounts.tests.factories import make_member
from mutuals.connections.services import block_create, invitation_accept
from mutuals.connections.tests.factories import make_pair, send
from mutuals.core.errors import NotFound, RateLimited, Refused, json_datetime
from mutuals.engagement.models import Interaction, Obligation, ObligationKind
from mutuals.messaging import services
from mutuals.messaging.models import Conversation, Message, Participant
from mutuals.messaging.selectors import conversations_for, unread_conversation_count
from mutuals.messaging.tests.factories import connect, connected_members, start

pytestmark = pytest.mark.django_db


def flood(sender, conversation, count, *, ago=timedelta(0)):
    """`count` messages from `sender`, written directly (the rule under test is the next one)."""
    at = timezone.now() - ago
    Message.objects.bulk_create(
        Message(conversation=conversation, sender=sender, text=f"#{n}", created_at=at)
        for n in range(count)
    )


def nothing_written() -> bool:
    return not Conversation.objects.exists() and not Message.objects.exists()


class TestStart:
    def test_one_to_one_with_a_connection_creates_conversation_and_first_message(self):
        sam, thandi = connected_members(2)
        started = start(sam, thandi, text="  Thank you for connecting!  ")
        assert started.created
        conversation = started.conversation
        assert not conversation.is_group
        assert {p.member_id for p in conversation.participants.all()} == {sam.pk, thandi.pk}
        assert started.message.text == "Thank you for connecting!"
        assert started.message.sender == sam
        assert conversation.last_message_at == started.message.created_at

    def test_second_start_between_the_same_two_reuses_their_conversation(self):
        sam, thandi = connected_members(2)
        first = start(sam, thandi, text="Hello")
        again = start(thandi, sam, text="Hi back")
        assert not again.created
        assert again.conversation.pk == first.conversation.pk
        assert Conversation.objects.count() == 1
        assert list(first.conversation.messages.values_list("text", flat=True)) == [
            "Hello",
            "Hi back",
        ]

    def test_listing_yourself_among_participants_is_ignored(self):
        sam, thandi = connected_members(2)
        started = start(sam, sam, thandi)
        assert started.conversation.participants.count() == 2

    def test_not_connected_is_refused(self):
        sam, stranger = make_member(), make_member(name="Stranger Danger")
        with pytest.raises(Refused) as refusal:
            start(sam, stranger)
        assert refusal.value.code == "not_connected"
        assert refusal.value.detail["member_ids"] == [stranger.pk]
        assert nothing_written()

    @pytest.mark.parametrize("direction", ["they_blocked", "i_blocked"])
    def test_across_a_block_answers_not_found(self, direction):
        sam, thandi = connected_members(2)
        if direction == "they_blocked":
            block_create(blocker=thandi, blocked=sam)
        else:
            block_create(blocker=sam, blocked=thandi)
        with pytest.raises(NotFound):
            start(sam, thandi)
        assert nothing_written()

    def test_missing_or_inactive_member_is_not_found(self):
        sam, thandi = connected_members(2)
        thandi.is_active = False
        thandi.save()
        with pytest.raises(NotFound):
            start(sam, thandi)
        with pytest.raises(NotFound):
            services.conversation_start(creator=sam, participant_ids=[999_999], text="Hi")
        assert nothing_written()

    @pytest.mark.parametrize("text", ["", "   ", "\n\t"])
    def test_blank_text_is_refused(self, text):
        sam, thandi = connected_members(2)
        with pytest.raises(Refused) as refusal:
            start(sam, thandi, text=text)
        assert refusal.value.code == "invalid_fields"
        assert "text" in refusal.value.detail["fields"]
        assert nothing_written()

    def test_text_over_4000_characters_is_refused(self):
        sam, thandi = connected_members(2)
        start(sam, thandi, text="x" * 4000)
        with pytest.raises(Refused) as refusal:
            start(sam, thandi, text="x" * 4001)
        assert "4000" in refusal.value.detail["fields"]["text"][0]

    def test_no_participants_is_refused(self):
        sam = make_member()
        with pytest.raises(Refused) as refusal:
            services.conversation_start(creator=sam, participant_ids=[], text="Hi")
        assert "participant_ids" in refusal.value.detail["fields"]

    def test_group_of_up_to_eight_connections(self):
        creator, *others = make_member(), *[make_member() for _ in range(7)]
        for other in others:
            connect(creator, other)
        started = start(creator, *others, text="Welcome, cohort", title="Spring cohort")
        assert started.conversation.is_group
        assert started.conversation.title == "Spring cohort"
        assert started.conversation.participants.count() == 8

    def test_group_of_nine_is_refused(self):
        creator, *others = make_member(), *[make_member() for _ in range(8)]
        for other in others:
            connect(creator, other)
        with pytest.raises(Refused) as refusal:
            start(creator, *others)
        assert refusal.value.code == "group_too_large"
        assert nothing_written()

    def test_group_needs_the_creator_connected_to_everyone(self):
        creator, friend, stranger = make_member(), make_member(), make_member(name="Nobody Known")
        connect(creator, friend)
        connect(friend, stranger)  # the others need not know each other; the creator must
        with pytest.raises(Refused) as refusal:
            start(creator, friend, stranger)
        assert refusal.value.code == "not_connected"
        assert refusal.value.detail["member_ids"] == [stranger.pk]
        assert "Nobody Known" in refusal.value.message

    def test_group_with_someone_across_a_block_is_not_found(self):
        creator, friend, blocked = connected_members(3)
        block_create(blocker=blocked, blocked=creator)
        with pytest.raises(NotFound):
            start(creator, friend, blocked)

    def test_two_groups_with_the_same_people_are_separate(self):
        a, b, c = connected_members(3)
        assert start(a, b, c).conversation.pk != start(a, b, c).conversation.pk


class TestSend:
    def test_participant_writes(self):
        sam, thandi = connected_members(2)
        conversation = start(sam, thandi).conversation
        message = services.message_send(
            sender=thandi, conversation_id=conversation.pk, text="Good to hear from you"
        )
        conversation.refresh_from_db()
        assert message.sender == thandi
        assert conversation.last_message_at == message.created_at

    def test_outsider_gets_not_found_even_if_connected_to_both(self):
        sam, thandi, kwame = connected_members(3)
        conversation = start(sam, thandi).conversation
        with pytest.raises(NotFound):
            services.message_send(sender=kwame, conversation_id=conversation.pk, text="Hi")
        with pytest.raises(NotFound):
            services.message_send(sender=kwame, conversation_id=999_999, text="Hi")
        assert Message.objects.count() == 1

    def test_blank_is_refused(self):
        sam, thandi = connected_members(2)
        conversation = start(sam, thandi).conversation
        with pytest.raises(Refused):
            services.message_send(sender=thandi, conversation_id=conversation.pk, text=" \n ")
        assert Message.objects.count() == 1

    def test_one_to_one_across_a_later_block_is_not_found(self):
        sam, thandi = connected_members(2)
        conversation = start(sam, thandi).conversation
        block_create(blocker=thandi, blocked=sam)
        for sender in (sam, thandi):
            with pytest.raises(NotFound):
                services.message_send(sender=sender, conversation_id=conversation.pk, text="Hi")

    def test_one_to_one_after_disconnecting_is_refused(self):
        from mutuals.connections.models import Connection

        sam, thandi = connected_members(2)
        conversation = start(sam, thandi).conversation
        Connection.objects.all().delete()
        with pytest.raises(Refused) as refusal:
            services.message_send(sender=sam, conversation_id=conversation.pk, text="Hi")
        assert refusal.value.code == "not_connected"

    def test_group_members_need_not_all_be_connected_to_write(self):
        creator, a, b = make_member(), make_member(), make_member()
        connect(creator, a)
        connect(creator, b)
        conversation = start(creator, a, b).conversation
        message = services.message_send(sender=a, conversation_id=conversation.pk, text="Hi b")
        assert message.pk

    def test_rate_limit_is_thirty_messages_per_ten_minutes(self):
        sam, thandi = connected_members(2)
        conversation = start(sam, thandi).conversation
        flood(sam, conversation, 28, ago=timedelta(minutes=9))
        services.message_send(sender=sam, conversation_id=conversation.pk, text="the 30th")
        first = Message.objects.filter(sender=sam).order_by("created_at").first()
        assert first is not None
        with pytest.raises(RateLimited) as limited:
            services.message_send(sender=sam, conversation_id=conversation.pk, text="one more")
        assert limited.value.code == "message_rate_limited"
        assert limited.value.retry_at == first.created_at + timedelta(minutes=10)
        assert limited.value.detail["retry_at"] == json_datetime(limited.value.retry_at)
        assert Message.objects.filter(sender=sam).count() == 30
        # The other person is not limited by Sam's pace.
        services.message_send(sender=thandi, conversation_id=conversation.pk, text="Slow down!")

    def test_rate_limit_counts_only_the_last_ten_minutes(self):
        sam, thandi = connected_members(2)
        conversation = start(sam, thandi).conversation
        Message.objects.filter(sender=sam).update(
            created_at=timezone.now() - timedelta(minutes=10, seconds=1)
        )
        flood(sam, conversation, 29, ago=timedelta(minutes=10, seconds=1))
        flood(sam, conversation, 29, ago=timedelta(minutes=9))
        services.message_send(sender=sam, conversation_id=conversation.pk, text="the 30th")

    def test_rate_limit_applies_to_starting_too(self):
        sam, *others = connected_members(4)
        conversation = start(sam, others[0]).conversation
        flood(sam, conversation, 29)
        with pytest.raises(RateLimited):
            start(sam, others[1])
        assert Conversation.objects.count() == 1


class TestLedgerAndPact:
    def test_first_message_then_reply_records_message_then_reply(self):
        sam, thandi = connected_members(2)
        started = start(sam, thandi, text="Hello")
        second = services.message_send(
            sender=sam, conversation_id=started.conversation.pk, text="Also…"
        )
        reply = services.message_send(
            sender=thandi, conversation_id=started.conversation.pk, text="Hi!"
        )
        rows = {
            (i.source_key, i.actor_id, i.counterpart_id, i.kind) for i in Interaction.objects.all()
        }
        assert rows == {
            (f"message:{started.message.pk}", sam.pk, thandi.pk, "message"),
            (f"message:{second.pk}", sam.pk, thandi.pk, "message"),
            (f"message:{reply.pk}", thandi.pk, sam.pk, "reply"),
        }
        assert all(
            i.at == Message.objects.get(pk=i.source_key.split(":")[1]).created_at
            for i in Interaction.objects.all()
        )

    def test_group_message_records_only_with_connected_participants(self):
        creator, a, b = make_member(), make_member(), make_member()
        connect(creator, a)
        connect(creator, b)
        conversation = start(creator, a, b).conversation
        assert set(Interaction.objects.values_list("counterpart_id", flat=True)) == {a.pk, b.pk}
        message = services.message_send(sender=a, conversation_id=conversation.pk, text="Hi")
        # a is connected to the creator only.
        assert list(
            Interaction.objects.filter(source_key=f"message:{message.pk}").values_list(
                "actor_id", "counterpart_id", "kind"
            )
        ) == [(a.pk, creator.pk, "reply")]

    def test_thank_you_and_reply_fulfil_the_pact(self):
        """The pact opens on acceptance; each party's first message and the pair's first real
        exchange are fulfilled by the messages themselves."""
        sender, recipient, mutual = make_pair()
        invitation = send(sender, recipient, mutual)
        connection = invitation_accept(member=recipient, invitation_id=invitation.pk)
        pact = Obligation.objects.filter(connection=connection)
        assert pact.count() == 3
        assert not pact.filter(fulfilled_at__isnull=False).exists()

        started = start(recipient, sender, text="Thank you for the kind note, happy to help.")
        first = pact.get(kind=ObligationKind.FIRST_MESSAGE, party=recipient)
        assert first.fulfilled_at == started.message.created_at
        assert pact.get(kind=ObligationKind.FIRST_EXCHANGE).fulfilled_at is None

        reply = services.message_send(
            sender=sender, conversation_id=started.conversation.pk, text="Thanks! Tuesday?"
        )
        assert pact.get(kind=ObligationKind.FIRST_MESSAGE, party=sender).fulfilled_at == (
            reply.created_at
        )
        exchange = pact.get(kind=ObligationKind.FIRST_EXCHANGE)
        assert exchange.fulfilled_at == reply.created_at
        assert exchange.fulfilled_by is not None
        assert exchange.fulfilled_by.kind == "reply"

    def test_a_refused_message_records_nothing(self):
        sam, thandi = connected_members(2)
        conversation = start(sam, thandi).conversation
        before = Interaction.objects.count()
        with pytest.raises(Refused):
            services.message_send(sender=thandi, conversation_id=conversation.pk, text="")
        assert Interaction.objects.count() == before


class TestReadState:
    def test_new_message_is_unread_for_the_recipient_only(self):
        sam, thandi = connected_members(2)
        start(sam, thandi)
        assert unread_conversation_count(thandi) == 1
        assert unread_conversation_count(sam) == 0
        row = conversations_for(thandi).get()
        assert row.unread_count == 1  # type: ignore[attr-defined]

    def test_marking_read_clears_and_later_messages_count_again(self):
        sam, thandi = connected_members(2)
        conversation = start(sam, thandi).conversation
        services.message_send(sender=sam, conversation_id=conversation.pk, text="two")
        assert conversations_for(thandi).get().unread_count == 2  # type: ignore[attr-defined]
        assert services.conversation_mark_read(member=thandi, conversation_id=conversation.pk)
        assert unread_conversation_count(thandi) == 0
        services.message_send(sender=sam, conversation_id=conversation.pk, text="three")
        assert conversations_for(thandi).get().unread_count == 1  # type: ignore[attr-defined]

    def test_read_mark_never_moves_back(self):
        sam, thandi = connected_members(2)
        conversation = start(sam, thandi).conversation
        services.conversation_mark_read(member=thandi, conversation_id=conversation.pk)
        mark = Participant.objects.get(member=thandi).last_read_at
        assert not services.conversation_mark_read(
            member=thandi, conversation_id=conversation.pk, up_to=timezone.now() - timedelta(1)
        )
        assert Participant.objects.get(member=thandi).last_read_at == mark

    def test_replying_marks_read_for_the_writer(self):
        sam, thandi = connected_members(2)
        conversation = start(sam, thandi).conversation
        services.message_send(sender=thandi, conversation_id=conversation.pk, text="Hi")
        assert unread_conversation_count(thandi) == 0
        assert unread_conversation_count(sam) == 1

    def test_outsider_cannot_mark_read(self):
        sam, thandi, kwame = connected_members(3)
        conversation = start(sam, thandi).conversation
        with pytest.raises(NotFound):
            services.conversation_mark_read(member=kwame, conversation_id=conversation.pk)

    def test_blocked_members_messages_are_hidden_and_uncounted(self):
        creator, a, b = connected_members(3)
        conversation = start(creator, a, b, text="Group hello").conversation
        services.conversation_mark_read(member=a, conversation_id=conversation.pk)
        block_create(blocker=a, blocked=b)
        services.message_send(sender=b, conversation_id=conversation.pk, text="from b")
        assert unread_conversation_count(a) == 0
        row = conversations_for(a).get()
        assert row.unread_count == 0  # type: ignore[attr-defined]
        assert row.latest[0].text == "Group hello"  # type: ignore[attr-defined]
        assert conversations_for(creator).get().unread_count == 1  # type: ignore[attr-defined]

    def test_one_to_one_across_a_block_leaves_the_list(self):
        sam, thandi = connected_members(2)
        start(sam, thandi)
        block_create(blocker=sam, blocked=thandi)
        assert not conversations_for(thandi).exists()
        assert not conversations_for(sam).exists()
        assert unread_conversation_count(thandi) == 0
