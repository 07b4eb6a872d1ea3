from django.urls import path

from mutuals.feed import views

urlpatterns = [
    path("feed/", views.feed_view, name="feed"),
    path("feed/new/", views.post_new_view, name="post_new"),
    path("feed/topics/", views.topics_view, name="feed_topics"),
    path("feed/topics/<str:slug>/follow/", views.topic_follow_view, name="topic_follow"),
    path("feed/contributions/", views.contributions_view, name="contributions"),
    path("feed/mentions/", views.mention_candidates_view, name="mention_candidates"),
    path("feed/posts/<int:post_id>/", views.post_detail_view, name="post_detail"),
    path("feed/posts/<int:post_id>/edit/", views.post_edit_view, name="post_edit"),
    path("feed/posts/<int:post_id>/delete/", views.post_delete_view, name="post_delete"),
    path("feed/posts/<int:post_id>/comments/", views.comment_create_view, name="comment_create"),
    path("feed/posts/<int:post_id>/react/", views.reaction_view, name="post_react"),
    path("feed/posts/<int:post_id>/reshare/", views.reshare_view, name="post_reshare"),
    path(
        "feed/comments/<int:comment_id>/delete/", views.comment_delete_view, name="comment_delete"
    ),
]
