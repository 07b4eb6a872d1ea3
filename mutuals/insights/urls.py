from django.urls import path

from mutuals.insights import views

urlpatterns = [path("insights/", views.health_view, name="insights_health")]
