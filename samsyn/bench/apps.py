from django.apps import AppConfig


class BenchConfig(AppConfig):
    """Measurements of the hot paths (`samsyn bench`); no models."""

    name = "samsyn.bench"
    label = "bench"
