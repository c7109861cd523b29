from samsyn.access.http import API
from samsyn.api.api import api


def _marked(patterns: list) -> list:
    # The actor middleware serves no view without a declared rule. Every ninja view is marked
    # API: the API's own authentication then guards each operation, and the OpenAPI document
    # itself holds no personal data.
    for pattern in patterns:
        pattern.callback.access_rule = API
    return patterns


_patterns, _app_name, _namespace = api.urls
urlpatterns = _marked(_patterns)
app_name = _namespace
