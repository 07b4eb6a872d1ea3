from django.contrib import admin

from mutuals.connections.models import Block, Connection


@admin.register(Connection)
class ConnectionAdmin(admin.ModelAdmin[Connection]):
    list_display = ["member_low", "member_high", "intent", "created_at"]
    raw_id_fields = ["member_low", "member_high"]


@admin.register(Block)
class BlockAdmin(admin.ModelAdmin[Block]):
    list_display = ["blocker", "blocked", "created_at"]
    raw_id_fields = ["blocker", "blocked"]
