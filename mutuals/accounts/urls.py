from django.urls import path, register_converter

from mutuals.accounts import views


class _HistoryKind:
    regex = "experience|education"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class _PhotoKey(_HistoryKind):
    regex = "[0-9a-f]{32}"


register_converter(_HistoryKind, "history")
register_converter(_PhotoKey, "photokey")

urlpatterns = [
    # members/ and members/<id>/ compose other apps' parts: mutuals/site/page_urls.py.
    path("me/profile/", views.profile_edit_view, name="profile_edit"),
    path("me/photo/", views.photo_upload_view, name="photo_upload"),
    path("me/photo/remove/", views.photo_remove_view, name="photo_remove"),
    path("me/<history:kind>/add/", views.history_add_view, name="history_add"),
    path("me/<history:kind>/<int:entry_id>/", views.history_edit_view, name="history_edit"),
    path(
        "me/<history:kind>/<int:entry_id>/remove/",
        views.history_remove_view,
        name="history_remove",
    ),
    path("me/<history:kind>/<int:entry_id>/move/", views.history_move_view, name="history_move"),
    # The photos' addresses (the `photos` storage's base_url when it is on this server's disk).
    path("photos/<int:member_id>/<photokey:key>-<int:size>.jpg", views.photo_view, name="photo"),
    path("me/boundaries/", views.boundaries_view, name="boundaries"),
    path("me/privacy/", views.privacy_view, name="privacy"),
    path("conduct/", views.conduct_view, name="conduct"),
    path("conduct/edit/", views.conduct_edit_view, name="conduct_edit"),
    path("conduct/accept/", views.conduct_accept_view, name="conduct_accept"),
    path("me/tokens/", views.api_tokens_view, name="api_tokens"),
    path("me/tokens/<int:token_id>/revoke/", views.api_token_revoke_view, name="api_token_revoke"),
]
