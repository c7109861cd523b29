"""Settings shared by every environment. Others only override (docs/adr/0001)."""

import json
import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = os.environ.get("SAMSYN_SECRET_KEY", "insecure-development-key-never-in-production")
DEBUG = False
ALLOWED_HOSTS = os.environ.get("SAMSYN_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_htmx",
    "django_tasks_db",
    "samsyn.core",
    "samsyn.accounts",
    "samsyn.directory",
    "samsyn.children",
    "samsyn.consent",
    "samsyn.plans",
    "samsyn.concerns",
    "samsyn.discharge",
    "samsyn.consultations",
    "samsyn.referrals",
    "samsyn.assessment",
    "samsyn.radar",
    "samsyn.notifications",
    "samsyn.retention",
    "samsyn.portal",
    "samsyn.access",
    "samsyn.audit",
    "samsyn.api",
    "samsyn.demo",
    "samsyn.bench",
    "samsyn.trial",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "samsyn.core.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "samsyn.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "samsyn.accounts.middleware.SessionLimitsMiddleware",
    "samsyn.accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "samsyn.accounts.middleware.ActorMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "samsyn.urls"
WSGI_APPLICATION = "samsyn.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "samsyn.core.context_processors.actor",
            ],
        },
    },
]


def _database() -> dict:
    url = os.environ.get("DATABASE_URL")
    if not url:
        from samsyn.db.embedded import server_uri

        url = server_uri()
    return dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "samsyn.accounts.backends.PasswordBackend",
    "samsyn.accounts.oidc.StaffProviderBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sign-in: five failures lock the username from that address for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True

# Sessions end after 15 idle minutes, after 12 hours whatever the activity (ASVS 3.3.2), and
# when the browser closes (accounts.SessionLimitsMiddleware; docs/adr/0012). A request writes
# the session only when it changed: the last-seen mark moves at most once a minute, and the
# session row's own expiry follows it.
SAMSYN_SESSION_IDLE = timedelta(minutes=15)
SAMSYN_SESSION_ABSOLUTE = timedelta(hours=12)
SESSION_COOKIE_AGE = int(SAMSYN_SESSION_IDLE.total_seconds())
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Check each use of a statement compiled once per shape against the statement built again
# (common.shapes, docs/adr/0017): on in the tests, off in service, where it would cost what the
# shapes save.
SAMSYN_VERIFY_SHAPES = False
CSRF_COOKIE_HTTPONLY = True
OTP_TOTP_ISSUER = "Samsyn"
# Exporting, printing and emergency access ask for the second factor again; the confirmation
# holds this long (accounts.step_up.step_up_required).
SAMSYN_STEP_UP_VALID = timedelta(minutes=5)

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "conf" / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# collectstatic writes here; WhiteNoise serves it (in development straight from the apps).
STATIC_ROOT = BASE_DIR.parent / "staticfiles"

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# The family portal: the development stand-in for BankID sign-in (docs/adr/0005) runs only
# under DEBUG unless this is set; the family's log extract names staff only if this is set.
SAMSYN_CITIZEN_STANDIN = os.environ.get("SAMSYN_CITIZEN_STANDIN") == "1"
SAMSYN_FAMILY_EXTRACT_NAMES = False
# `samsyn demo` builds and serves a county whose logins share a published password and TOTP
# key: only where the settings say so.
SAMSYN_DEMO_ALLOWED = False

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": os.environ.get("SAMSYN_SMTP_HOST", "localhost"),
            "port": int(os.environ.get("SAMSYN_SMTP_PORT", "25")),
        },
    }
}
DEFAULT_FROM_EMAIL = "samsyn@localhost"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# Reports of concern from the public (issue 9): at most this many reports per client address
# in a sliding hour (counted in the database, so every app process shares the count), and a
# request body of at most this many bytes (the form has no attachments; anything larger is
# refused before it is parsed).
SAMSYN_PUBLIC_REPORTS_PER_HOUR = 5
# The radar scans for children falling between the chairs this often, on the task worker.
SAMSYN_RADAR_SCAN_MINUTES = int(os.environ.get("SAMSYN_RADAR_SCAN_MINUTES", "60"))
# The daily e-mail digest of notifications goes at this hour, Stockholm time; its link, like
# every link mailed from the task worker (which has no request), starts with the site's URL.
SAMSYN_DIGEST_HOUR = int(os.environ.get("SAMSYN_DIGEST_HOUR", "7"))
SAMSYN_SITE_URL = os.environ.get("SAMSYN_SITE_URL", "http://localhost:8000")
# Retention (gallring, DOMAIN RET-1) runs this often on the task worker; a rule deletes only
# once an administrator has enforced it after a dry run.
SAMSYN_RETENTION_RUN_HOURS = int(os.environ.get("SAMSYN_RETENTION_RUN_HOURS", "24"))
# Expired sessions are cleared from the database this often, on the task worker.
SAMSYN_SESSION_CLEAR_HOURS = int(os.environ.get("SAMSYN_SESSION_CLEAR_HOURS", "1"))
SAMSYN_PUBLIC_REPORT_MAX_BYTES = 256 * 1024
# Emergency access (nödåtkomst, DOMAIN LOG-2) lasts this many hours from its start.
SAMSYN_EMERGENCY_ACCESS_HOURS = int(os.environ.get("SAMSYN_EMERGENCY_ACCESS_HOURS", "2"))
# Log follow-up (logguppföljning, DOMAIN LOG-1): each unit's monthly sample of reads takes this
# share of them (a stable pseudo-random pick) and every flagged read; a person's reads on one
# day are a spike above this many times their own usual reads per day, and at least this many.
SAMSYN_LOG_SAMPLE_PERCENT = int(os.environ.get("SAMSYN_LOG_SAMPLE_PERCENT", "5"))
SAMSYN_LOG_SPIKE_FACTOR = 3
SAMSYN_LOG_SPIKE_MIN_READS = 30
# How many reverse proxies in front of Samsyn append to X-Forwarded-For: 0 takes the client
# address from the connection (REMOTE_ADDR); behind one load balancer, 1.
SAMSYN_TRUSTED_PROXIES = 0

# Staff sign-in through the organisation's OpenID Connect provider (SITHS/HSA; docs/adr/0015).
# Off unless an issuer is set; the endpoints are those of the provider's discovery document
# (`<issuer>/.well-known/openid-configuration`). Claims are read from the signed ID token only.
SAMSYN_OIDC_ISSUER = os.environ.get("SAMSYN_OIDC_ISSUER", "")
SAMSYN_OIDC_PROVIDER_NAME = os.environ.get("SAMSYN_OIDC_PROVIDER_NAME", "SITHS")
OIDC_RP_CLIENT_ID = os.environ.get("SAMSYN_OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("SAMSYN_OIDC_CLIENT_SECRET", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("SAMSYN_OIDC_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("SAMSYN_OIDC_TOKEN_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("SAMSYN_OIDC_JWKS_URI", "")
OIDC_OP_USER_ENDPOINT = ""
OIDC_RP_SIGN_ALGO = os.environ.get("SAMSYN_OIDC_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = os.environ.get("SAMSYN_OIDC_SCOPES", "openid profile")
OIDC_USE_PKCE = True
OIDC_TIMEOUT = 10
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:oidc_callback"
# Where a sign-in through the provider started without a `next` lands (the library's default,
# /accounts/profile/, is no page of Samsyn's).
LOGIN_REDIRECT_URL = "/"
# RP-initiated logout: the discovery document's `end_session_endpoint`, if the provider has one.
# Signing out of Samsyn then ends the provider's session too. The sign-out form's answer
# redirects there, and a browser holds a form's redirects to `form-action`: the endpoint's
# origin is allowed, and no other.
SAMSYN_OIDC_END_SESSION_ENDPOINT = os.environ.get("SAMSYN_OIDC_END_SESSION_ENDPOINT", "")
if SAMSYN_OIDC_END_SESSION_ENDPOINT:
    _end_session = urlsplit(SAMSYN_OIDC_END_SESSION_ENDPOINT)
    SECURE_CSP["form-action"] = [CSP.SELF, f"{_end_session.scheme}://{_end_session.netloc}"]
# The claim naming the person (an HSA-id) and the one listing their assignments, each
# {"unit": "<HSA-id or organisation number>", "role": "<role code>"}.
SAMSYN_OIDC_SUBJECT_CLAIM = os.environ.get("SAMSYN_OIDC_SUBJECT_CLAIM", "sub")
SAMSYN_OIDC_ASSIGNMENTS_CLAIM = os.environ.get("SAMSYN_OIDC_ASSIGNMENTS_CLAIM", "assignments")
# The provider's role codes and the Samsyn role each is, as JSON; Samsyn's own codes
# (handlaggare, behandlare…) are always understood as themselves.
SAMSYN_OIDC_ROLES: dict[str, str] = json.loads(os.environ.get("SAMSYN_OIDC_ROLES", "{}"))
