from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "samsyn.accounts"
    label = "accounts"
