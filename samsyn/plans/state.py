"""The SIP's state machine: which step each state allows and where it leads. Every service that
changes a SIP's state asks `check_transition`, so no path reaches "finalised" without passing
its guards (consent first: DOMAIN SIP-3)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from samsyn.plans.models import Case
from samsyn.plans.selectors.consents import sip_consent_status

# Which actions each state allows, and the state the action leads to (None: unchanged).
TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    "record_consent": (frozenset({Case.Status.PROPOSED}), Case.Status.CONSENTED),
    "book_meeting": (
        frozenset({Case.Status.CONSENTED, Case.Status.MEETING_BOOKED, Case.Status.DRAFTED,
                   Case.Status.FINALISED}),
        None,
    ),
    "draft_plan": (
        frozenset({Case.Status.CONSENTED, Case.Status.MEETING_BOOKED, Case.Status.FINALISED}),
        Case.Status.DRAFTED,
    ),
    "finalise_plan": (frozenset({Case.Status.DRAFTED}), Case.Status.FINALISED),
    "close": (
        frozenset(set(Case.Status) - {Case.Status.CLOSED}),
        Case.Status.CLOSED,
    ),
}  # fmt: skip


class TransitionRefused(ValidationError):
    """The SIP's state or its consent does not allow this step; the message says why."""


def check_transition(case: Case, action: str) -> str:
    """The state `action` leads to, or TransitionRefused naming what is missing."""
    allowed, target = TRANSITIONS[action]
    if case.status not in allowed:
        raise TransitionRefused(
            _("This step is not possible while the SIP is %(status)s.")
            % {"status": case.get_status_display()}
        )
    if action != "close":
        status = sip_consent_status(case)
        if not status.complete:
            raise TransitionRefused(status.missing)
    return target or case.status
