"""The OpenAPI document as committed in `samsyn/api/openapi.json` (diffed by a test, so a change
of the API shows in review as a change of the document)."""

import json
from pathlib import Path

from django.utils import translation

COMMITTED = Path(__file__).resolve().parent / "openapi.json"
# Where samsyn/urls.py mounts the API. Given, not reversed, so the document can be generated
# without loading every app's URLs; a test checks the served document says the same.
PATH_PREFIX = "/api/"


def openapi_document() -> str:
    from samsyn.api.api import api

    # One language, so the document does not depend on who generates it.
    with translation.override("en"):
        schema = api.get_openapi_schema(path_prefix=PATH_PREFIX)
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
