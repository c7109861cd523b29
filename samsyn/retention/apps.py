from django.apps import AppConfig


class RetentionConfig(AppConfig):
    """Gallring: how long each record type is kept, legal holds, and the runs that delete or
    anonymise what is due (DOMAIN RET-1). Record types register in their own apps."""

    name = "samsyn.retention"
    label = "retention"
