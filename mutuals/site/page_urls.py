"""URLs of the pages that compose several apps (their paths and names as before the move)."""

from django.urls import path

from mutuals.site import collaboration_pages, member_pages

urlpatterns = [
    path("members/", member_pages.member_directory_view, name="member_directory"),
    path("members/<int:member_id>/", member_pages.member_detail_view, name="member_detail"),
    path(
        "collaborations/new/",
        collaboration_pages.collaboration_new_view,
        name="collaboration_new",
    ),
]
