"""The two refusals every page and every API operation answer the same way, whatever the kind
of record: not found (404) and denied (403). Raised by `access` and the services; mapped to
responses once for the pages (`common.pages.refusals`) and once for the API."""


class NotFound(Exception):
    """The same for "no such record" and "not yours", so ids cannot be probed. Each record
    kind's own not-found error is one of these."""


class AccessDenied(Exception):
    """The actor may see the record but not take this step."""
