"""Input checks for asking, answering and linking a consultation. Text that looks like an
identity number is refused here too, with what was typed kept."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from samsyn.common.forms import LongTextField
from samsyn.consultations import selectors
from samsyn.consultations.models import Consultation

IDENTITY_NUMBER_REFUSED = _(
    "Remove what looks like an identity number: a consultation must not identify the child. "
    "Describe the situation with the age band and non-identifying facts only."
)


def _no_identity_number(value: str) -> None:
    if selectors.contains_identity_number(value):
        raise ValidationError(IDENTITY_NUMBER_REFUSED, code="identity_number")


class AskForm(forms.Form):
    consulted = forms.ChoiceField(
        label=_("Organisation or unit to ask"),
        help_text=_("From the directory: a whole organisation, or one of its units."),
    )
    age_band = forms.ChoiceField(
        label=_("The child's age"), choices=Consultation.AgeBand.choices,
        widget=forms.RadioSelect,
        help_text=_("An age band only, never a date of birth."),
    )  # fmt: skip
    question = LongTextField(
        label=_("Your question"), max_length=Consultation.QUESTION_LENGTH, rows=4,
        validators=[_no_identity_number],
    )  # fmt: skip
    situation = LongTextField(
        label=_("The situation"), max_length=Consultation.SITUATION_LENGTH, rows=8,
        validators=[_no_identity_number],
        help_text=_(
            "Only facts that do not identify the child: no name, no identity number, no "
            "address, no school or class that points to one child."
        ),
    )  # fmt: skip

    def __init__(self, *args, organisations, units, **kwargs):
        super().__init__(*args, **kwargs)
        by_organisation: dict[int, list] = {}
        for unit in units:
            by_organisation.setdefault(unit.organisation_id, []).append(unit)
        choices: list = [("", _("Choose an organisation or a unit"))]
        for organisation in organisations:
            whole = _("%(organisation)s (the whole organisation)") % {
                "organisation": organisation.name
            }
            options = [(f"organisation:{organisation.pk}", whole)]
            units_of = by_organisation.get(organisation.pk, [])
            options += [(f"unit:{unit.pk}", unit.name) for unit in units_of]
            choices.append((organisation.name, options))
        self.fields["consulted"].choices = choices  # type: ignore[attr-defined]
        self._unit_organisation = {
            unit.pk: unit.organisation_id for units_ in by_organisation.values() for unit in units_
        }

    def clean_consulted(self) -> tuple[int, int | None]:
        kind, _sep, pk = self.cleaned_data["consulted"].partition(":")
        if kind == "unit":
            return self._unit_organisation[int(pk)], int(pk)
        return int(pk), None


class AnswerForm(forms.Form):
    answer = LongTextField(
        label=_("Your answer"), max_length=Consultation.ANSWER_LENGTH, rows=8,
        validators=[_no_identity_number],
    )  # fmt: skip


class LinkForm(forms.Form):
    identity_number = forms.CharField(
        label=_("The child's identity number"), max_length=13,
        help_text=_("Format: YYYYMMDD-NNNN. Only a child you work with."),
    )  # fmt: skip
