"""Radar signals on the child's timeline (issue 11, point 6): the signals of the actor's own
organisation about the child — open, resolved or dismissed — that `access` lets the actor read
(a signal opens only to a unit with a relationship to the child). Another organisation's signal
never shows, even about a child both organisations see."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from samsyn.access import rules
from samsyn.access.actor import Actor
from samsyn.children import timeline
from samsyn.children.models import Child
from samsyn.radar.models import Signal
from samsyn.radar.selectors.queue import subject_url, with_subject


def signal_rows(actor: Actor, child: Child, purpose: str) -> QuerySet:
    signals = rules.restrict(
        actor, Signal.objects.filter(child=rules.child_param(child.pk)), purpose=purpose
    )
    return timeline.rows(signals, name="signal", at="found_at")


def _state(signal: Signal) -> str:
    if signal.dismissed_at:
        return _("dismissed: %(reason)s") % {"reason": signal.dismissed_reason}
    if signal.cleared_at:
        return pgettext("radar item", "resolved")
    return pgettext("radar item", "open")


def signal_records() -> QuerySet[Signal]:
    return with_subject(Signal.objects.select_related("rule", "organisation"))


def describe_signal(actor: Actor, signal: Signal) -> timeline.Entry:
    return timeline.Entry(
        at=signal.found_at,
        kind=_("Radar"),
        title=f"{signal.rule.code} {signal.rule.name}",
        organisation=signal.organisation.name,
        url=subject_url(signal, actor),
        detail=_state(signal),
    )
