"""Input checks for recording consent, its withdrawal, the maturity assessment and a legal
ground on a SIP."""

from __future__ import annotations

import datetime
from typing import cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samsyn.access.models import Category
from samsyn.children.forms import _limit
from samsyn.consent.models import Consent
from samsyn.consent.services import OPTIONAL_CATEGORIES


class DateInput(forms.DateInput):
    input_type = "date"


class OrganisationsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class ConsentForm(forms.Form):
    person = forms.ChoiceField(
        label=_("Who gives the consent"),
        widget=forms.RadioSelect,
        help_text=_("The child, if assessed mature enough; otherwise each guardian separately."),
    )
    receiving_organisations = OrganisationsField(
        label=_("Organisations that may receive the information"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
    )
    categories = forms.MultipleChoiceField(
        label=_("Information beyond the plan"),
        choices=[(c.value, c.label) for c in OPTIONAL_CATEGORIES],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("The consent always covers the coordinated plan."),
    )
    form = forms.ChoiceField(
        label=_("Form of consent"), choices=Consent.Form.choices, widget=forms.RadioSelect
    )
    given_on = forms.DateField(
        label=_("Given on"), widget=DateInput, initial=timezone.localdate,
        help_text=_("Format: YYYY-MM-DD."),
    )  # fmt: skip
    valid_until = forms.DateField(
        label=_("Valid until"), widget=DateInput, help_text=_("Format: YYYY-MM-DD.")
    )

    def __init__(self, *args, child, guardians, receivers, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["person"]).choices = [
            ("child", _("The child: %(name)s") % {"name": child.name}),
            *[(f"guardian:{g.pk}", _("Guardian: %(name)s") % {"name": g.name}) for g in guardians],
        ]
        cast(OrganisationsField, self.fields["receiving_organisations"]).queryset = receivers
        self.fields["valid_until"].initial = timezone.localdate() + datetime.timedelta(days=365)

    def clean_given_on(self):
        day = self.cleaned_data["given_on"]
        if day > timezone.localdate():
            raise ValidationError(_("The date cannot be in the future."), code="future")
        return day

    def clean(self):
        data = super().clean() or {}
        given, until = data.get("given_on"), data.get("valid_until")
        if given and until and until <= given:
            self.add_error("valid_until", _("The date must be after the day it was given."))
        person = data.get("person", "")
        data["given_by"], data["guardian_id"] = (
            (Consent.GivenBy.CHILD, None)
            if person == "child"
            else (Consent.GivenBy.GUARDIAN, int(person.split(":")[1]) if ":" in person else None)
        )
        return data


class MaturityForm(forms.Form):
    mature = forms.TypedChoiceField(
        label=_("Is the child mature enough to consent?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    reasoning = forms.CharField(
        label=_("Reasoning"), max_length=4000, help_text=_limit(4000),
        widget=forms.Textarea(attrs={"rows": 5}),
    )  # fmt: skip


class BasisField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.reference}: {obj.title}"


class LegalGroundForm(forms.Form):
    basis = BasisField(label=_("Legal basis"), queryset=None)
    receiving_organisation: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Receiving organisation"), queryset=None
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, help_text=_limit(2000),
        widget=forms.Textarea(attrs={"rows": 4}),
    )  # fmt: skip
    valid_until = forms.DateField(
        label=_("Valid until"), widget=DateInput, help_text=_("Format: YYYY-MM-DD.")
    )

    def __init__(self, *args, bases, receivers, **kwargs):
        super().__init__(*args, **kwargs)
        cast(BasisField, self.fields["basis"]).queryset = bases
        cast(forms.ModelChoiceField, self.fields["receiving_organisation"]).queryset = receivers


def plan_bases():
    from samsyn.access.models import LegalBasis

    return LegalBasis.objects.filter(categories__contains=[Category.PLAN]).order_by("reference")
