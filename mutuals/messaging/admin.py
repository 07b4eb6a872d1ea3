from django.contrib import admin

from mutuals.messaging.models import Conversation, Message, Participant, UnreadDigest


class ParticipantInline(admin.TabularInline[Participant, Conversation]):
    model = Participant
    raw_id_fields = ["member"]
    extra = 0


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin[Conversation]):
    list_display = ["pk", "title", "is_group", "created_at", "last_message_at"]
    inlines = [ParticipantInline]


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin[Message]):
    list_display = ["pk", "conversation", "sender", "created_at"]
    raw_id_fields = ["conversation", "sender"]


@admin.register(UnreadDigest)
class UnreadDigestAdmin(admin.ModelAdmin[UnreadDigest]):
    list_display = ["key", "member", "conversation_count", "sent_at"]
    raw_id_fields = ["member"]
