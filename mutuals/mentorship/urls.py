from django.urls import path

from mutuals.mentorship import views

urlpatterns = [
    path("mentorship/", views.mentorship_home_view, name="mentorship_home"),
    path("mentorship/offer/", views.mentor_offer_edit_view, name="mentor_offer_edit"),
    path("mentorship/offer/pause/", views.mentor_offer_pause_view, name="mentor_offer_pause"),
    path("mentorship/find/", views.mentor_find_view, name="mentor_find"),
    path(
        "mentorship/offers/<int:offer_id>/request/",
        views.mentorship_request_view,
        name="mentorship_request",
    ),
    path(
        "mentorship/offers/<int:offer_id>/request/check/",
        views.mentorship_request_check_view,
        name="mentorship_request_check",
    ),
    path("mentorship/programmes/", views.programmes_view, name="programmes"),
    path(
        "mentorship/programmes/<int:programme_id>/",
        views.programme_detail_view,
        name="programme_detail",
    ),
    path(
        "mentorship/programmes/<int:programme_id>/<slug:action>/",
        views.programme_action_view,
        name="programme_action",
    ),
    path("mentorship/<int:mentorship_id>/", views.mentorship_detail_view, name="mentorship_detail"),
    path(
        "mentorship/<int:mentorship_id>/check-ins.ics",
        views.mentorship_checkins_ics_view,
        name="mentorship_checkins_ics",
    ),
    path(
        "mentorship/<int:mentorship_id>/goals/<int:goal_id>/",
        views.mentorship_goal_toggle_view,
        name="mentorship_goal_toggle",
    ),
    path(
        "mentorship/<int:mentorship_id>/<slug:action>/",
        views.mentorship_action_view,
        name="mentorship_action",
    ),
]
