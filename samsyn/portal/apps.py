from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "samsyn.portal"
    label = "portal"
