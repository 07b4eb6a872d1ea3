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
    path("invitations/", views.invitations_received_view, name="invitations_received"),
    path("invitations/sent/", views.invitations_sent_view, name="invitations_sent"),
    path(
        "invitations/<int:invitation_id>/<slug:action>/",
        views.invitation_action_view,
        name="invitation_action",
    ),
]
