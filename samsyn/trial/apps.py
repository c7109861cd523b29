from django.apps import AppConfig


class TrialConfig(AppConfig):
    """Crash and concurrency trials against a server of their own."""

    name = "samsyn.trial"
    label = "trial"
