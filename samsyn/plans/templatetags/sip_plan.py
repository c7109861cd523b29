"""`{% sip_plan_section case %}`: the case page's section on the plan — the current version, its
status, what is still missing before it may be finalised, and the links. A fixed number of
queries whatever the plan's size: the latest version, its items counted, the region's settings and
whether a meeting has been held."""

from django import template

from samsyn.plans.models import PlanVersion
from samsyn.plans.selectors import versions as plan_selectors

register = template.Library()


@register.inclusion_tag("plans/plan/_section.html")
def sip_plan_section(case):
    # The case page has opened (and audited) the SIP already; this reads its plan only.
    current = plan_selectors.current_version(case)
    missing = []
    if current is not None and current.status == PlanVersion.Status.DRAFT:
        missing = plan_selectors.missing_for_finalising(case, current)
    return {"case": case, "current": current, "missing": missing}
