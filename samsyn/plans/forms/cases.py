"""Input checks for the SIP case pages. Text fields carry their model's max_length and say the
limit, so a too-long text is refused with a reason, never cut."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samsyn.children.forms import _limit
from samsyn.plans.models import Case


def _text(label, length: int, *, required: bool = True, rows: int = 4) -> forms.CharField:
    return forms.CharField(
        label=label, max_length=length, required=required, help_text=_limit(length),
        widget=forms.Textarea(attrs={"rows": rows}),
    )  # fmt: skip


class OrganisationChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.name} ({obj.get_kind_display()})"


class ProposeForm(forms.Form):
    reason = _text(_("Why a SIP is needed"), 4000, rows=6)
    proposed_by_kind = forms.ChoiceField(
        label=_("Who proposes the SIP"),
        choices=Case.Proposer.choices,
        initial=Case.Proposer.STAFF,
        widget=forms.RadioSelect,
        help_text=_("You, or the person on whose behalf you record the proposal."),
    )
    proposer_name = forms.CharField(
        label=_("Name of the proposer"), max_length=200, required=False,
        help_text=_("Required when you propose on behalf of someone else."),
    )  # fmt: skip
    receiving_organisation = forms.ModelChoiceField(
        label=_("Organisation to take up the proposal"),
        queryset=None,
        required=False,
        help_text=_(
            "Your organisation may propose a SIP; social services or health care initiates it."
        ),
    )
    parties = OrganisationChoiceField(
        label=_("Organisations to invite"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Organisations of the child's municipality and region."),
    )

    def __init__(self, *args, organisations, receivers, may_initiate: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parties"].queryset = organisations
        if may_initiate:
            del self.fields["receiving_organisation"]
        else:
            field = self.fields["receiving_organisation"]
            field.queryset, field.required = receivers, True

    def clean(self):
        data = super().clean()
        kind = data.get("proposed_by_kind")
        if kind and kind != Case.Proposer.STAFF and not data.get("proposer_name", "").strip():
            self.add_error("proposer_name", _("Enter the name of the person who proposes the SIP."))
        return data


class InvitePartyForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=None)

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class DateInput(forms.DateInput):
    input_type = "date"


class FirstContactForm(forms.Form):
    contacted_on = forms.DateField(
        label=_("Date of first contact"),
        widget=DateInput,
        help_text=_("Format: YYYY-MM-DD."),
        initial=timezone.localdate,
    )

    def clean_contacted_on(self):
        day = self.cleaned_data["contacted_on"]
        if day > timezone.localdate():
            raise ValidationError(_("The date cannot be in the future."), code="future")
        return day


class MembershipChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.staff.name} · {obj.unit} ({obj.unit.organisation})"


class HandoverForm(forms.Form):
    membership = MembershipChoiceField(label=_("Offer the coordinator role to"), queryset=None)
    note = _text(_("Note"), 2000, required=False, rows=3)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["membership"].queryset = candidates


class CloseForm(forms.Form):
    reason = _text(_("Why the SIP is closed"), 2000)
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class CaseFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *Case.Status.choices]
    )
    mine = forms.BooleanField(label=_("Only SIPs I coordinate"), required=False)
