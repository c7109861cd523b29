from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "samsyn.consent"
    label = "consent"
