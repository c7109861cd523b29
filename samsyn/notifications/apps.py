from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """Notiser: what a person is told about the items waiting for them, in Samsyn and by e-mail,
    as each person prefers; never a child's data."""

    name = "samsyn.notifications"
    label = "notifications"
