from django.apps import AppConfig


class MentorshipConfig(AppConfig):
    name = "mutuals.mentorship"
    label = "mentorship"
    verbose_name = "Mentorship"

    def ready(self) -> None:
        from mutuals.mentorship import pact

        pact.register_nudge_text()
