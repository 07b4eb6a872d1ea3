from django.urls import path

from mutuals.site import views

urlpatterns = [
    path("", views.home_view, name="home"),
]
