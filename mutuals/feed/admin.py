"""Posts in the Django admin, to look things up. Hiding a post is a moderator's action on the
moderation pages (`mutuals.moderation`), where it is recorded in the audit log."""

from __future__ import annotations

from django.contrib import admin

from mutuals.feed.models import Post


@admin.register(Post)
class PostAdmin(admin.ModelAdmin[Post]):
    list_display = ("__str__", "author", "kind", "visibility", "created_at", "hidden_at")
    list_filter = ("kind", "visibility", ("hidden_at", admin.EmptyFieldListFilter))
    list_select_related = ("author",)
    search_fields = ("body", "author__name")
    raw_id_fields = ("author", "reshare_of")
    readonly_fields = ("comment_count", "reaction_count", "reshare_count", "hidden_at")
