from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from mutuals.accounts.models import ApiToken, Boundaries, Profile, Topic, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin[User]):
    ordering = ["email"]
    list_display = ["email", "name", "is_active", "is_staff", "date_joined"]
    search_fields = ["email", "name"]
    fieldsets = (
        (None, {"fields": ("email", "name", "password")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"fields": ("email", "name", "password1", "password2")}),)


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin[Profile]):
    list_display = ["user", "headline", "company", "location"]
    search_fields = ["user__name", "user__email", "company"]
    raw_id_fields = ["user"]


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin[Topic]):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]


@admin.register(Boundaries)
class BoundariesAdmin(admin.ModelAdmin[Boundaries]):
    list_display = ["user", "weekly_capacity", "min_personalization", "low_bandwidth"]
    raw_id_fields = ["user"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    list_display = ["user", "label", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "token_hash"]
    raw_id_fields = ["user"]
