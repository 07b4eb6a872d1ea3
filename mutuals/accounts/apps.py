from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "mutuals.accounts"
    label = "accounts"
    verbose_name = "Members"
