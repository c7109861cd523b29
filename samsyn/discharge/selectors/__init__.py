"""Reads of admissions and their notices, each through `access` and audited."""

from __future__ import annotations

from samsyn.common.errors import NotFound


class AdmissionNotFound(NotFound):
    """The same for "no such admission" and "not yours": ids cannot be probed."""
