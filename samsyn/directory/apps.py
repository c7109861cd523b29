from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "samsyn.directory"
    label = "directory"
