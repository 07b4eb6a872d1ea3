from django.urls import path

from mutuals.imports import views

urlpatterns = [
    path("me/imports/", views.imports_view, name="imports"),
    path("me/imports/<int:import_id>/", views.import_detail_view, name="import_detail"),
    path("me/imports/<int:import_id>/status/", views.import_status_view, name="import_status"),
    path("me/imports/<int:import_id>/report/", views.import_report_view, name="import_report"),
    path(
        "me/imports/<int:import_id>/lists/<slug:name>.csv",
        views.import_list_csv_view,
        name="import_list_csv",
    ),
    path("me/imports/<int:import_id>/profile/", views.import_profile_view, name="import_profile"),
    path("me/imports/<int:import_id>/delete/", views.import_delete_view, name="import_delete"),
]
