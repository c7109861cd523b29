from typing import Any, cast

from django import forms
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from samsyn.access import rules
from samsyn.access.http import actor_required
from samsyn.access.models import Purpose
from samsyn.audit import selectors
from samsyn.common.errors import NotFound
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
