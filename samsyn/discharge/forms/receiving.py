"""Forms of the receiving units: the fixed care contact, and the care given for the summary."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from samsyn.common.forms import LongTextField
from samsyn.directory.models import Staff


class FixedCareContactForm(forms.Form):
    fixed_care_contact = forms.TypedChoiceField(label=_("Fixed care contact"), coerce=int)

    def __init__(self, *args, staff: list[Staff], initial_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["fixed_care_contact"]
        field.choices = [("", _("Choose a member of staff"))] + [
            (member.pk, f"{member.name}, {member.title}" if member.title else member.name)
            for member in staff
        ]
        if initial_id:
            field.initial = initial_id


class CareGivenForm(forms.Form):
    care_given = LongTextField(
        label=_("Care given, in plain words for the family"), max_length=2000, rows=5,
        required=False,
    )  # fmt: skip
