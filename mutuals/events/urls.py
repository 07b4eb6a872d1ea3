from django.urls import path

from mutuals.events import views

urlpatterns = [
    path("events/", views.events_view, name="events"),
    path("events/new/", views.event_new_view, name="event_new"),
    path("events/calendar/", views.calendar_view, name="events_calendar"),
    path("events/calendar/reset/", views.calendar_reset_view, name="events_calendar_reset"),
    path("events/calendar/<str:token>.ics", views.calendar_feed_view, name="calendar_feed"),
    path("events/<int:event_id>/", views.event_detail_view, name="event_detail"),
    path("events/<int:event_id>/edit/", views.event_edit_view, name="event_edit"),
    path("events/<int:event_id>/rsvp/", views.event_rsvp_view, name="event_rsvp"),
    path(
        "events/<int:event_id>/rsvp/cancel/",
        views.event_rsvp_cancel_view,
        name="event_rsvp_cancel",
    ),
    path("events/<int:event_id>/check-in/", views.event_check_in_view, name="event_check_in"),
    path("events/<int:event_id>/visibility/", views.event_visibility_view, name="event_visibility"),
    path("events/<int:event_id>/event.ics", views.event_ics_view, name="event_ics"),
    path("events/<int:event_id>/manage/", views.event_manage_view, name="event_manage"),
    path(
        "events/<int:event_id>/manage/check-in/<int:member_id>/",
        views.event_mark_view,
        name="event_mark",
    ),
    path(
        "events/<int:event_id>/manage/code/", views.event_code_reset_view, name="event_code_reset"
    ),
    path("events/<int:event_id>/manage/cancel/", views.event_cancel_view, name="event_cancel"),
    path("events/<int:event_id>/people/", views.event_people_view, name="event_people"),
    path("events/<int:event_id>/follow-up/", views.event_follow_up_view, name="event_follow_up"),
    path(
        "events/<int:event_id>/follow-up/thank/<int:member_id>/",
        views.event_thank_view,
        name="event_thank",
    ),
]
