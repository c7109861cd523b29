"""Reads of reports of concern, each through `access` and audited."""

from __future__ import annotations

from samsyn.common.errors import NotFound


class ReportNotFound(NotFound):
    """The same for "no such report" and "not yours": ids cannot be probed."""


class InvestigationNotFound(NotFound):
    """The same for "no such investigation" and "not yours"."""
