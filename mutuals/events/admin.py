from django.contrib import admin

from mutuals.events.models import Attendance, CalendarFeed, Event


class AttendanceInline(admin.TabularInline[Attendance, Event]):
    model = Attendance
    extra = 0
    raw_id_fields = ("member",)
    fields = ("member", "status", "queued_at", "checked_in_at", "check_in_method", "hidden")


@admin.register(Event)
class EventAdmin(admin.ModelAdmin[Event]):
    list_display = ("title", "organizer", "starts_at", "ends_at", "time_zone", "capacity")
    list_filter = ("time_zone",)
    search_fields = ("title", "place", "organizer__name", "organizer__email")
    raw_id_fields = ("organizer",)
    filter_horizontal = ("topics",)
    date_hierarchy = "starts_at"
    inlines = [AttendanceInline]


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin[Attendance]):
    list_display = ("event", "member", "status", "checked_in_at", "hidden")
    list_filter = ("status", "check_in_method", "hidden")
    search_fields = ("event__title", "member__name", "member__email")
    raw_id_fields = ("event", "member")


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin[CalendarFeed]):
    list_display = ("member", "created_at")
    raw_id_fields = ("member",)
    exclude = ("token",)
