"""The demo and local development: Samsyn's own pages, mail to the console."""

from .base import *  # noqa: F403

# Off, as in production: the demo is shown to people who should see Samsyn's own 404, 403 and
# 500 pages, in Swedish, never Django's technical ones, which list every URL and view.
DEBUG = False
SAMSYN_DEMO_ALLOWED = True
# The family portal's sign-in in the demo: the stand-in for BankID (docs/adr/0005).
SAMSYN_CITIZEN_STANDIN = True
# Static files straight from the apps, as they change: no collectstatic before the demo.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
