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
    path(
        "connections/<int:connection_id>/remove/",
        views.connection_remove_view,
        name="connection_remove",
    ),
    path("notifications/", views.notifications_view, name="notifications"),
    path("notifications/bell/", views.notifications_bell_view, name="notifications_bell"),
    path("notifications/read/", views.notifications_read_view, name="notifications_read"),
    path(
        "notifications/preferences/",
        views.notifications_preferences_view,
        name="notifications_preferences",
    ),
    path(
        "notifications/unsubscribe/<str:token>/",
        views.notifications_unsubscribe_view,
        name="notifications_unsubscribe",
    ),
    path(
        "notifications/<int:notification_id>/",
        views.notification_open_view,
        name="notification_open",
    ),
    path("collaborations/", views.collaborations_view, name="collaborations"),
    # Proposing one (collaborations/new/) composes events and messaging: mutuals/site.
    path(
        "collaborations/<int:collaboration_id>/",
        views.collaboration_detail_view,
        name="collaboration_detail",
    ),
    # Each answer on a collaboration, named as the API's operations.
    *(
        path(
            f"collaborations/<int:collaboration_id>/{answer}/",
            views.collaborations_answer_view,
            {"answer": answer},
            name=f"collaborations_{answer}",
        )
        for answer in views.COLLABORATION_ANSWERS
    ),
]
