"""The administrator's inputs: a rule's period and action, a legal hold. Input checks only; what
the law allows is the service's (`services.check_rule`)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from samsyn.retention.models import Rule


class RuleForm(forms.Form):
    anchor = forms.ChoiceField(label=_("The period runs"), choices=Rule.Anchor.choices)
    years = forms.IntegerField(
        label=_("Years"), min_value=0, max_value=150,
        help_text=_("After the last entry, or the age the person must reach."),
    )  # fmt: skip
    by_end_of_next_year = forms.BooleanField(
        label=_("To be done by the end of the following year"), required=False
    )
    sample_days = forms.CharField(
        label=_("Research sample: days of birth whose files are kept"), required=False,
        max_length=100, help_text=_("Days of the month, separated by commas, e.g. 5, 15, 25."),
    )  # fmt: skip
    action = forms.ChoiceField(label=_("Action"), choices=Rule.Action.choices)
    reference = forms.CharField(label=_("Legal reference"), max_length=300)

    def clean_sample_days(self) -> list[int]:
        text = self.cleaned_data["sample_days"]
        try:
            days = sorted({int(part) for part in text.replace(" ", "").split(",") if part})
        except ValueError:
            raise forms.ValidationError(_("Give days of the month as numbers.")) from None
        if any(day < 1 or day > 31 for day in days):
            raise forms.ValidationError(_("A day of the month is between 1 and 31."))
        return days


class ChildHoldForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why it must be kept, and on whose request (a court, IVO, JO, an archive)."),
    )  # fmt: skip
    reference = forms.CharField(
        label=_("Legal reference"), max_length=300,
        help_text=_("What the hold rests on: a court's case number, a request's reference."),
    )  # fmt: skip


class HoldForm(ChildHoldForm):
    record_type = forms.ChoiceField(label=_("Record type"))
    record_id = forms.IntegerField(
        label=_("Record number"), min_value=1,
        help_text=_("The number of the child or the record, as the request names it."),
    )  # fmt: skip
    field_order = ["record_type", "record_id", "reason", "reference"]

    def __init__(self, *args, record_types: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["record_type"].choices = record_types  # type: ignore[attr-defined]
