from django.apps import AppConfig


class IntroductionsConfig(AppConfig):
    name = "mutuals.introductions"
    label = "introductions"
    verbose_name = "introductions and the graph"
