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
        "introductions/<int:introduction_id>/<slug:action>/",
        views.introduction_action_view,
        name="introduction_action",
    ),
    path("people/", views.suggestions_view, name="people_suggestions"),
    path(
        "people/<int:member_id>/dismiss/", views.suggestion_dismiss_view, name="suggestion_dismiss"
    ),
]
