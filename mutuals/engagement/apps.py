from django.apps import AppConfig


class EngagementConfig(AppConfig):
    name = "mutuals.engagement"
    label = "engagement"
    verbose_name = "Engagement"
