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
        "moderation/reports/<int:report_id>/dismiss/",
        views.moderation_reports_dismiss_view,
        name="moderation_reports_dismiss",
    ),
    path(
        "moderation/reports/<int:report_id>/hide/",
        views.moderation_reports_hide_view,
        name="moderation_reports_hide",
    ),
    path(
        "moderation/reports/<int:report_id>/restore/",
        views.moderation_reports_restore_view,
        name="moderation_reports_restore",
    ),
    path(
        "moderation/members/<int:member_id>/",
        views.moderation_member_view,
        name="moderation_member",
    ),
    path(
        "moderation/members/<int:member_id>/warn/",
        views.moderation_members_warn_view,
        name="moderation_members_warn",
    ),
    path(
        "moderation/members/<int:member_id>/suspend/",
        views.moderation_members_suspend_view,
        name="moderation_members_suspend",
    ),
    path(
        "moderation/members/<int:member_id>/restore/",
        views.moderation_members_restore_view,
        name="moderation_members_restore",
    ),
    path("moderation/log/", views.moderation_actions_list_view, name="moderation_log"),
    path("moderation/moderators/", views.moderation_moderators_view, name="moderation_moderators"),
    path(
        "moderation/moderators/<int:member_id>/revoke/",
        views.moderation_moderators_revoke_view,
        name="moderation_moderators_revoke",
    ),
]
