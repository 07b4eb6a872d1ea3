from django.urls import path

from mutuals.rights import views

urlpatterns = [
    path("me/data/", views.my_data_view, name="my_data"),
    path("me/data/export/", views.me_export_request_view, name="me_export_request"),
    path("me/delete/", views.me_delete_view, name="me_delete"),
    path(
        "me/data/export/<int:export_id>/download/",
        views.me_export_download_view,
        name="me_export_download",
    ),
]
