from django.urls import path

from mutuals.core import views

urlpatterns = [
    path("", views.home_view, name="home"),
]
