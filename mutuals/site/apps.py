from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "mutuals.site"
    label = "site"
    verbose_name = "Site (home, demo, sweep)"
