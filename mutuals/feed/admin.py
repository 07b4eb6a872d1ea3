"""The moderation queue: reported posts in the Django admin, with actions that call the
services (hide the post for everyone but its author, or dismiss the report)."""

from __future__ import annotations

from typing import cast

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from mutuals.accounts.models import User
from mutuals.feed import services
from mutuals.feed.models import Post, PostReport, ReportStatus


@admin.register(PostReport)
class PostReportAdmin(admin.ModelAdmin[PostReport]):
    list_display = (
        "post_excerpt",
        "post_author",
        "reason",
        "note",
        "reporter",
        "status",
        "created_at",
    )
    list_filter = ("status", "reason")
    list_select_related = ("post__author", "reporter")
    search_fields = ("post__body", "note", "reporter__name", "post__author__name")
    readonly_fields = (
        "post",
        "reporter",
        "reason",
        "note",
        "status",
        "created_at",
        "resolved_at",
        "resolved_by",
    )
    actions = ("hide_posts", "dismiss_reports")
    ordering = ("status", "created_at")

    @admin.display(description="post")
    def post_excerpt(self, report: PostReport) -> str:
        hidden = " (hidden)" if report.post.hidden_at else ""
        return f"{report.post.body[:80]}{hidden}"

    @admin.display(description="author")
    def post_author(self, report: PostReport) -> str:
        return report.post.author.name

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Hide the reported posts (their authors still see them)")
    def hide_posts(self, request: HttpRequest, queryset: QuerySet[PostReport]) -> None:
        moderator = cast(User, request.user)
        post_ids = set(queryset.values_list("post_id", flat=True))
        closed = sum(services.post_hide(moderator=moderator, post_id=pk) for pk in post_ids)
        self.message_user(
            request, f"Hid {len(post_ids)} post(s); closed {closed} report(s).", messages.SUCCESS
        )

    @admin.action(description="Dismiss the reports (the posts stay)")
    def dismiss_reports(self, request: HttpRequest, queryset: QuerySet[PostReport]) -> None:
        moderator = cast(User, request.user)
        ids = list(queryset.filter(status=ReportStatus.OPEN).values_list("pk", flat=True))
        closed = services.report_dismiss(moderator=moderator, report_ids=ids)
        self.message_user(request, f"Dismissed {closed} report(s).", messages.SUCCESS)


@admin.register(Post)
class PostAdmin(admin.ModelAdmin[Post]):
    list_display = ("__str__", "author", "kind", "visibility", "created_at", "hidden_at")
    list_filter = ("kind", "visibility", ("hidden_at", admin.EmptyFieldListFilter))
    list_select_related = ("author",)
    search_fields = ("body", "author__name")
    raw_id_fields = ("author", "reshare_of")
    readonly_fields = ("comment_count", "reaction_count", "reshare_count", "hidden_at")
    actions = ("hide", "unhide")

    @admin.action(description="Hide (the author still sees them)")
    def hide(self, request: HttpRequest, queryset: QuerySet[Post]) -> None:
        moderator = cast(User, request.user)
        for pk in queryset.values_list("pk", flat=True):
            services.post_hide(moderator=moderator, post_id=pk)
        self.message_user(request, "Hidden.", messages.SUCCESS)

    @admin.action(description="Restore hidden posts")
    def unhide(self, request: HttpRequest, queryset: QuerySet[Post]) -> None:
        moderator = cast(User, request.user)
        for pk in queryset.values_list("pk", flat=True):
            services.post_unhide(moderator=moderator, post_id=pk)
        self.message_user(request, "Restored.", messages.SUCCESS)
