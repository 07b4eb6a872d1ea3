from django.urls import path

from mutuals.search import views

urlpatterns = [
    path("search/", views.search_view, name="search"),
]
