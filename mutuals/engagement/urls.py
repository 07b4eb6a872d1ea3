from django.urls import path

from mutuals.engagement import views

urlpatterns = [
    path("connections/", views.connections_list_view, name="connections_list"),
    path(
        "connections/<int:connection_id>/", views.connection_detail_view, name="connection_detail"
    ),
    path(
        "connections/<int:connection_id>/rest/",
        views.connection_rest_view,
        name="connection_rest",
    ),
    path("notifications/", views.notifications_view, name="notifications"),
    path("collaborations/", views.collaborations_view, name="collaborations"),
    path("collaborations/new/", views.collaboration_new_view, name="collaboration_new"),
    path(
        "collaborations/<int:collaboration_id>/",
        views.collaboration_detail_view,
        name="collaboration_detail",
    ),
    path(
        "collaborations/<int:collaboration_id>/<str:action>/",
        views.collaboration_answer_view,
        name="collaboration_answer",
    ),
]
