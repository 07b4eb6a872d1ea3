from django.urls import path

from mutuals.connections import views

urlpatterns = [
    path(
        "members/<int:member_id>/connect/", views.invitation_compose_view, name="invitation_compose"
    ),
    path(
        "members/<int:member_id>/connect/check/",
        views.invitation_check_view,
        name="invitation_check",
    ),
    path("members/<int:member_id>/block/", views.block_view, name="member_block"),
    path("blocks/", views.blocks_list_view, name="blocks_list"),
    path("blocks/<int:member_id>/unblock/", views.blocks_delete_view, name="blocks_delete"),
    path("invitations/", views.invitations_received_view, name="invitations_received"),
    path("invitations/sent/", views.invitations_sent_view, name="invitations_sent"),
    # One view per action on a request, named as the API's operations.
    path(
        "invitations/<int:invitation_id>/accept/",
        views.invitations_accept_view,
        name="invitations_accept",
    ),
    path(
        "invitations/<int:invitation_id>/decline/",
        views.invitations_decline_view,
        name="invitations_decline",
    ),
    path(
        "invitations/<int:invitation_id>/ignore/",
        views.invitations_ignore_view,
        name="invitations_ignore",
    ),
    path(
        "invitations/<int:invitation_id>/report/",
        views.invitations_report_view,
        name="invitations_report",
    ),
    path(
        "invitations/<int:invitation_id>/withdraw/",
        views.invitations_withdraw_view,
        name="invitations_withdraw",
    ),
]
