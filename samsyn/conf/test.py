"""The test suite: fast password hashing; everything else as in production-like base."""

import hashlib
from pathlib import Path

from .base import *  # noqa: F403
from .base import DATABASES


def _migrations_digest() -> str:
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in sorted(root.glob("*/migrations/*.py")):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


# pytest runs with --reuse-db, and every checkout on a machine shares the embedded PostgreSQL.
# A test database built from other migrations (another branch, a clone behind or ahead) breaks
# each flush on a table this tree does not know, so the name says which migrations built it.
DATABASES["default"]["TEST"] = {"NAME": f"test_samsyn_{_migrations_digest()}"}

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve static files from the apps, as under DEBUG: the tests never run collectstatic.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# Every use of a compiled statement is checked against the statement built again
# (common.shapes): a shape's key that leaves something out fails the test that meets it.
SAMSYN_VERIFY_SHAPES = True
