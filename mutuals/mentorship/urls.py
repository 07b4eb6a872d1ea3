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
    # One view per action on a programme, named as the API's operations.
    path(
        "mentorship/programmes/<int:programme_id>/add/",
        views.programmes_participants_create_view,
        name="programmes_participants_create",
    ),
    path(
        "mentorship/programmes/<int:programme_id>/rank/",
        views.programmes_rank_view,
        name="programmes_rank",
    ),
    path(
        "mentorship/programmes/<int:programme_id>/compute/",
        views.programmes_compute_view,
        name="programmes_compute",
    ),
    path(
        "mentorship/programmes/<int:programme_id>/publish/",
        views.programmes_publish_view,
        name="programmes_publish",
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
    # One view per action on a mentorship, named as the API's operations.
    path(
        "mentorship/<int:mentorship_id>/accept/",
        views.mentorships_accept_view,
        name="mentorships_accept",
    ),
    path(
        "mentorship/<int:mentorship_id>/decline/",
        views.mentorships_decline_view,
        name="mentorships_decline",
    ),
    path(
        "mentorship/<int:mentorship_id>/withdraw/",
        views.mentorships_withdraw_view,
        name="mentorships_withdraw",
    ),
    path(
        "mentorship/<int:mentorship_id>/end/",
        views.mentorships_end_view,
        name="mentorships_end",
    ),
    path(
        "mentorship/<int:mentorship_id>/checkin/",
        views.mentorships_checkins_create_view,
        name="mentorships_checkins_create",
    ),
    path(
        "mentorship/<int:mentorship_id>/goal/",
        views.mentorships_goals_create_view,
        name="mentorships_goals_create",
    ),
    path(
        "mentorship/<int:mentorship_id>/reflect/",
        views.mentorships_reflect_view,
        name="mentorships_reflect",
    ),
    path(
        "mentorship/<int:mentorship_id>/share/",
        views.mentorships_testimonial_view,
        {"share": True},
        name="mentorships_testimonial_share",
    ),
    path(
        "mentorship/<int:mentorship_id>/unshare/",
        views.mentorships_testimonial_view,
        {"share": False},
        name="mentorships_testimonial_unshare",
    ),
]
