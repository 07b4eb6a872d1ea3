from django.apps import AppConfig


class FeedConfig(AppConfig):
    name = "mutuals.feed"
    label = "feed"
    verbose_name = "Feed"
