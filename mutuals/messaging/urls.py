from django.urls import path

from mutuals.messaging import views

urlpatterns = [
    path("messages/", views.conversations_view, name="conversations"),
    path("messages/new/", views.conversation_new_view, name="conversation_new"),
    path(
        "messages/<int:conversation_id>/",
        views.conversation_detail_view,
        name="conversation_detail",
    ),
    path("messages/<int:conversation_id>/send/", views.message_send_view, name="message_send"),
    path(
        "messages/<int:conversation_id>/poll/",
        views.conversation_poll_view,
        name="conversation_poll",
    ),
]
