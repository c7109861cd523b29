"""`{% sip_deadline_steps case %}`: the SIP's steps with due dates, rules and references."""

from django import template

from samsyn.plans.selectors import deadlines

register = template.Library()


@register.inclusion_tag("plans/deadlines/_steps.html")
def sip_deadline_steps(case):
    return {"steps": deadlines.case_steps(case), "case": case}
