from django.urls import path

from mutuals.introductions import views

urlpatterns = [
    path("reach/", views.reach_view, name="reach"),
    path("introductions/", views.introduction_inbox_view, name="introduction_inbox"),
    path(
        "introductions/new/<int:target_id>/via/<int:introducer_id>/",
        views.introduction_compose_view,
        name="introduction_compose",
    ),
    path(
        "introductions/new/<int:target_id>/via/<int:introducer_id>/check/",
        views.introduction_check_view,
        name="introduction_check",
    ),
    # One view per action on an introduction, named as the API's operations.
    path(
        "introductions/<int:introduction_id>/forward/",
        views.introductions_forward_view,
        name="introductions_forward",
    ),
    path(
        "introductions/<int:introduction_id>/accept/",
        views.introductions_accept_view,
        name="introductions_accept",
    ),
    path(
        "introductions/<int:introduction_id>/decline/",
        views.introductions_decline_view,
        name="introductions_decline",
    ),
    path(
        "introductions/<int:introduction_id>/withdraw/",
        views.introductions_withdraw_view,
        name="introductions_withdraw",
    ),
    path(
        "introductions/<int:introduction_id>/thank/",
        views.introductions_thank_view,
        name="introductions_thank",
    ),
    path("people/", views.suggestions_view, name="people_suggestions"),
    path(
        "people/<int:member_id>/dismiss/", views.suggestion_dismiss_view, name="suggestion_dismiss"
    ),
]
