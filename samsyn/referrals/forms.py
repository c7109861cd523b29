"""Input checks for sending, declining and following up a referral."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from samsyn.common.forms import LongTextField
from samsyn.referrals.models import Referral

CONSENT = "consent"


class SendForm(forms.Form):
    to_unit = forms.ChoiceField(
        label=_("Receiving unit"),
        help_text=_("From the directory: a unit of another organisation of your county."),
    )
    effort = LongTextField(
        label=_("The effort you ask for"), max_length=Referral.EFFORT_LENGTH, rows=3,
    )  # fmt: skip
    reason = LongTextField(
        label=_("Why you refer the child"), max_length=Referral.REASON_LENGTH, rows=8,
        help_text=_("What you know and have done, and why the child needs the receiver's effort."),
    )  # fmt: skip
    ground = forms.ChoiceField(
        label=_("Sent under"), widget=forms.RadioSelect,
        help_text=_(
            "A consent in force that covers the receiver, or a legal ground that allows the "
            "disclosure without consent (OSL). A legal ground is recorded with the referral."
        ),
    )  # fmt: skip

    def __init__(self, *args, units, bases, **kwargs):
        super().__init__(*args, **kwargs)
        grouped: dict[str, list] = {}
        for unit in units:
            grouped.setdefault(unit.organisation.name, []).append((str(unit.pk), unit.name))
        self.fields["to_unit"].choices = [  # type: ignore[attr-defined]
            ("", _("Choose a unit")),
            *grouped.items(),
        ]
        self.fields["ground"].choices = [  # type: ignore[attr-defined]
            (CONSENT, _("Consent (the child's, or the guardians')")),
            *((str(b.pk), f"{b.reference}: {b.title}") for b in bases),
        ]

    def clean_to_unit(self) -> int:
        return int(self.cleaned_data["to_unit"])

    def clean_ground(self) -> int | None:
        value = self.cleaned_data["ground"]
        return None if value == CONSENT else int(value)


class DeclineForm(forms.Form):
    decline_reason = LongTextField(
        label=_("Why you decline"), max_length=Referral.ANSWER_LENGTH, rows=4
    )
    next_step = LongTextField(
        label=_("The next step you agreed with the sender"), max_length=Referral.ANSWER_LENGTH,
        rows=3, required=False,
        help_text=_(
            "Who does what for the child now. Left empty, the referral has bounced: it goes on "
            "the sender's radar."
        ),
    )  # fmt: skip


class NextStepForm(forms.Form):
    next_step = LongTextField(
        label=_("The next step you agreed"), max_length=Referral.ANSWER_LENGTH, rows=3
    )
