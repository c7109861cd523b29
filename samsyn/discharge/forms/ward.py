"""The inpatient side's forms: the admission, its notices, a changed date and the discharge."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DateInput(forms.DateInput):
    input_type = "date"


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def _now_minute():
    return timezone.localtime().replace(second=0, microsecond=0)


class AdmissionForm(forms.Form):
    identity_number = forms.CharField(
        label=_("The child's identity number"), max_length=13,
        help_text=_("Personal or coordination number, YYYYMMDD-NNNN."),
    )  # fmt: skip
    admitted_at = forms.DateTimeField(
        label=_("Admitted"), widget=DateTimeInput, initial=_now_minute
    )
    needs_judged_at = forms.DateTimeField(
        label=_("Support after discharge judged needed"), widget=DateTimeInput, required=False,
        help_text=_("Leave empty when it was judged at admission."),
    )  # fmt: skip
    expected_discharge_on = forms.DateField(label=_("Expected discharge"), widget=DateInput)


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.organisation.name} – {obj.name}"


class NoticeForm(forms.Form):
    social_unit = UnitChoiceField(
        label=_("Social services of the child's municipality"), queryset=None
    )
    outpatient_unit = UnitChoiceField(label=_("The region's outpatient unit"), queryset=None)
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, social, outpatient, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["social_unit"].queryset = social
        self.fields["outpatient_unit"].queryset = outpatient
        only = list(social[:2])
        if len(only) == 1:
            self.fields["social_unit"].initial = only[0].pk


class DateChangeForm(forms.Form):
    to_date = forms.DateField(label=_("New expected discharge date"), widget=DateInput)
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea({"rows": 3}))
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class DischargeForm(forms.Form):
    discharged_at = forms.DateTimeField(
        label=_("Discharged"), widget=DateTimeInput, initial=_now_minute
    )
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
