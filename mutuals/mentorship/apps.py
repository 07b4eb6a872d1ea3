from django.apps import AppConfig


class MentorshipConfig(AppConfig):
    name = "mutuals.mentorship"
    label = "mentorship"
    verbose_name = "Mentorship"
