import datetime as dt
from typing import Any, cast

from django import forms
from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from samsyn.access import rules
from samsyn.access.http import actor_required
from samsyn.access.models import Purpose
from samsyn.audit import forms as audit_forms
from samsyn.audit import selectors, services
from samsyn.common.errors import NotFound
from samsyn.common.pages import handle_form
from samsyn.directory.models import Staff


class LogFilterForm(forms.Form):
    """Filters of the organisation's log. A GET form: an invalid filter is shown, not used.
    (Kept here because it only parses this one view's query string.)"""

    staff = forms.ModelChoiceField(
        label=_("Staff member"),
        queryset=Staff.objects.none(),  # the organisation's staff, set per request
        required=False,
        empty_label=_("All staff"),
    )
    date_from = forms.DateField(
        label=_("From date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        required=False,
        choices=[("", _("All outcomes")), *selectors.OUTCOMES.items()],
    )

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["staff"]).queryset = staff

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned

    def filters(self) -> dict:
        if not self.is_bound:
            return {}
        self.is_valid()
        return {key: value for key, value in self.cleaned_data.items() if value not in (None, "")}


@actor_required()
@require_GET
def child_log(request, child_id: int):
    """Who in the actor's own organisation has read this child's data, and why."""
    cursor = selectors.Cursor.decode(request.GET.get("before"))
    purpose = request.GET.get("purpose", "")
    if purpose not in Purpose.values:
        purpose = rules.default_purpose(request.actor)
    try:
        log = selectors.child_log_for(
            request.actor, child_id=child_id, purpose=purpose, cursor=cursor
        )
    except NotFound:
        raise Http404 from None
    return render(
        request,
        "audit/child_log.html",
        {"child": log.child, "log": log.page, "opened_for": log.opened_for},
    )


@actor_required("audit.review_unit")
@require_GET
def unit_log(request):
    """Log follow-up: the organisation's audit rows, filtered by staff member and date."""
    params = request.GET.copy()
    params.pop("before", None)
    form = LogFilterForm(params or None, staff=selectors.organisation_staff(request.actor))
    filters = form.filters()
    cursor = selectors.Cursor.decode(request.GET.get("before"))
    log = selectors.organisation_log(request.actor, cursor=cursor, **filters)
    return render(
        request, "audit/unit_log.html", {"form": form, "log": log, "filtered": bool(filters)}
    )


def _month(value: str | None, months: list[dt.date]) -> dt.date:
    """The month asked for ("2026-11"), if it is one the page offers; else the latest."""
    for month in months:
        if value == f"{month:%Y-%m}":
            return month
    return months[0]


@actor_required("audit.review_unit")
@require_http_methods(["GET", "POST"])
def follow_up(request):
    """Log follow-up (DOMAIN LOG-1): the unit's monthly sample of reads, its flags and spikes, and
    the review recorded."""
    actor = request.actor
    months = selectors.follow_up_months()
    month = _month(request.GET.get("month"), months)
    try:
        after = selectors.follow_up_cursor(request.GET.get("after"), month)
        broken = False
    except ValueError:
        # Changed by hand or cut short: say so, and show the first page.
        after, broken = None, True

    def save(cleaned: dict) -> str:
        sampled, flagged = selectors.sample_ids(actor, month=month)
        services.record_log_review(
            actor=actor, month=month, outcome=cleaned["outcome"], note=cleaned["note"],
            sampled_entry_ids=sampled, flagged_entry_ids=flagged,
        )  # fmt: skip
        return f"{reverse('audit:follow_up')}?month={month:%Y-%m}"

    response = handle_form(
        request, audit_forms.ReviewForm(request.POST if request.method == "POST" else None), save,
        success=gettext("The review is recorded."), template="audit/follow_up.html",
        context={
            "months": months, "month": month, "broken_link": broken,
            # Read (and logged) only when the page is shown, not before a redirect.
            "follow": SimpleLazyObject(
                lambda: selectors.follow_up_for(actor, month=month, after=after)
            ),
            "share": settings.SAMSYN_LOG_SAMPLE_PERCENT,
        },
    )  # fmt: skip
    if broken and response.status_code == 200:
        response.status_code = 400
    return response
