from django.urls import path

from mutuals.accounts import views

urlpatterns = [
    path("members/", views.member_directory_view, name="member_directory"),
    path("members/<int:member_id>/", views.member_detail_view, name="member_detail"),
    path("me/profile/", views.profile_edit_view, name="profile_edit"),
    path("me/boundaries/", views.boundaries_view, name="boundaries"),
    path("me/tokens/", views.api_tokens_view, name="api_tokens"),
    path("me/tokens/<int:token_id>/revoke/", views.api_token_revoke_view, name="api_token_revoke"),
]
