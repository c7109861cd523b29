"""Intake's forms: input checks only. Every form that changes a report carries the version the
person saw (optimistic locking), so a second worker's step is refused rather than overwriting."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from samsyn.common.forms import LongTextField
from samsyn.concerns.models import InitialAssessment, MeetingOffer

Decision = InitialAssessment.Decision


class VersionedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class QueueFilterForm(forms.Form):
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    unlinked = forms.BooleanField(label=_("Not linked to a child"), required=False)
    acute = forms.BooleanField(label=_("Acute"), required=False)
    done = forms.BooleanField(label=_("Also decided reports"), required=False)


class LinkForm(VersionedForm):
    child = forms.TypedChoiceField(
        label=_("The child the report is about"), coerce=int, widget=forms.RadioSelect
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["child"].choices = [
            (c.id, f"{c.name}, {c.birth_year}" + (f", {c.address}" if c.address else ""))
            for c in candidates
        ]


class ProtectionForm(VersionedForm):
    immediate_protection_needed = forms.TypedChoiceField(
        label=_("Does the child need protection at once?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    assessment = LongTextField(label=_("Assessment"), max_length=5000, rows=5)


class DecisionForm(VersionedForm):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=Decision.choices, widget=forms.RadioSelect
    )
    reasons = LongTextField(
        label=_("Reasons"), max_length=5000, required=False,
        help_text=_("Required when no investigation is opened. At most 5000 characters."),
    )  # fmt: skip
    unit = forms.TypedChoiceField(
        label=_("Unit that investigates"), coerce=int, required=False,
        help_text=_("When an investigation is opened."),
    )  # fmt: skip
    caseworker = forms.TypedChoiceField(
        label=_("Caseworker"), coerce=int, required=False, empty_value=None,
        help_text=_("When an investigation is opened; optional."),
    )  # fmt: skip

    def __init__(self, *args, units, caseworkers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", "—"), *((u.pk, u.name) for u in units)]
        self.fields["caseworker"].choices = [
            ("", "—"),
            *((m.staff_id, f"{m.staff.name} ({m.unit.name})") for m in caseworkers),
        ]

    def clean(self):
        data = super().clean()
        if data.get("decision") == Decision.OPENED and not data.get("unit"):
            self.add_error("unit", _("Choose the unit that is to investigate."))
        if data.get("decision") == Decision.NOT_OPENED and not data.get("reasons"):
            self.add_error("reasons", _("Give the reasons for not opening an investigation."))
        return data


class ExtensionForm(VersionedForm):
    until = forms.DateField(
        label=_("Extended until"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reasons = LongTextField(label=_("Reasons"), max_length=2000)


class FinishForm(VersionedForm):
    finished_on = forms.DateField(
        label=_("Finished on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    outcome = LongTextField(label=_("Outcome"), max_length=5000)


class FeedbackForm(VersionedForm):
    """ANM-6: the one answer the law allows here — the decision itself. No text field."""

    answer = forms.ChoiceField(label=_("Feedback to the reporter"), widget=forms.RadioSelect)

    def __init__(self, *args, decision: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["answer"].choices = [
            (value, label) for value, label in Decision.choices if value == decision
        ]
        self.fields["answer"].initial = decision


class MeetingOfferForm(VersionedForm):
    note = LongTextField(label=_("Note"), max_length=500, required=False, rows=2)


class MeetingAnswerForm(VersionedForm):
    answer = forms.ChoiceField(
        label=_("Answer"),
        choices=[
            (MeetingOffer.Answer.ACCEPTED, MeetingOffer.Answer.ACCEPTED.label),
            (MeetingOffer.Answer.DECLINED, MeetingOffer.Answer.DECLINED.label),
        ],
        widget=forms.RadioSelect,
    )
    note = LongTextField(label=_("Note"), max_length=500, required=False, rows=2)
