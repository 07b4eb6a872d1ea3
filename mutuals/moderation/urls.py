from django.urls import path

from mutuals.moderation import views

urlpatterns = [
    path("report/<str:kind>/<int:target_id>/", views.report_create_view, name="report_create"),
    # The feed's report link, kept since before every item could be reported.
    path(
        "feed/posts/<int:target_id>/report/",
        views.report_create_view,
        {"kind": "post"},
        name="post_report",
    ),
    path("me/reports/", views.reports_list_view, name="reports_list"),
    path("moderation/", views.moderation_reports_list_view, name="moderation_queue"),
    path(
        "moderation/reports/<int:report_id>/",
        views.moderation_reports_get_view,
        name="moderation_report",
    ),
    path(
        "moderation/members/<int:member_id>/",
        views.moderation_member_view,
        name="moderation_member",
    ),
    *(
        path(
            f"moderation/{action.subject}/<int:{action.subject[:-1]}_id>/{action.name}/",
            views.moderation_action_view,
            {"action": action},
            name=f"moderation_{action.subject}_{action.name}",
        )
        for action in views.ACTIONS
    ),
    path("moderation/log/", views.moderation_actions_list_view, name="moderation_log"),
    path("moderation/moderators/", views.moderation_moderators_view, name="moderation_moderators"),
    path(
        "moderation/moderators/<int:member_id>/revoke/",
        views.moderation_moderators_revoke_view,
        name="moderation_moderators_revoke",
    ),
]
