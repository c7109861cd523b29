"""The SIP page's meeting section: `{% sip_meetings case %}`. The tag loads the meetings with
their invitations in a fixed number of queries, so the section costs the same whatever the
number of meetings and invited people (DESIGN invariant 7)."""

from __future__ import annotations

from django import template

from samsyn.plans.models import Case
from samsyn.plans.selectors import meetings as meeting_selectors
from samsyn.plans.state import TRANSITIONS

register = template.Library()

SECTION_LIMIT = 20


@register.inclusion_tag("plans/meetings/_section.html", takes_context=True)
def sip_meetings(context, case: Case) -> dict:
    actor = context.get("actor") or getattr(context.get("request"), "actor", None)
    rows = meeting_selectors.meetings_of_case(actor, case, limit=SECTION_LIMIT + 1) if actor else []
    return {
        "case": case,
        "meetings": rows[:SECTION_LIMIT],
        "more": len(rows) > SECTION_LIMIT,
        # Only whether the link is offered: the booking page asks the state machine, which
        # also checks consent and says what is missing.
        "may_book": case.status in TRANSITIONS["book_meeting"][0],
        "needs_consent": case.status == Case.Status.PROPOSED,
        "actor": actor,
    }
