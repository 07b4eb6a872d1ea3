from django.urls import path

from mutuals.accounts import views

urlpatterns = [
    # members/ and members/<id>/ compose other apps' parts: mutuals/site/page_urls.py.
    path("me/profile/", views.profile_edit_view, name="profile_edit"),
    path("me/boundaries/", views.boundaries_view, name="boundaries"),
    path("me/privacy/", views.privacy_view, name="privacy"),
    path("conduct/", views.conduct_view, name="conduct"),
    path("conduct/edit/", views.conduct_edit_view, name="conduct_edit"),
    path("conduct/accept/", views.conduct_accept_view, name="conduct_accept"),
    path("me/tokens/", views.api_tokens_view, name="api_tokens"),
    path("me/tokens/<int:token_id>/revoke/", views.api_token_revoke_view, name="api_token_revoke"),
]
