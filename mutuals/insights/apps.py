from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "mutuals.insights"
    label = "insights"
    verbose_name = "Insights"
