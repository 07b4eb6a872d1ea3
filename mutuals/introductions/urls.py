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
    # Each action on an introduction, named as the API's operations.
    *(
        path(
            f"introductions/<int:introduction_id>/{action}/",
            views.introductions_action_view,
            {"action": action},
            name=f"introductions_{action}",
        )
        for action in views.INTRODUCTION_ACTIONS
    ),
    path("people/", views.suggestions_view, name="people_suggestions"),
    path(
        "people/<int:member_id>/dismiss/", views.suggestion_dismiss_view, name="suggestion_dismiss"
    ),
]
