from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "samsyn.plans"
    label = "plans"
