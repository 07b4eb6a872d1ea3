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
]
