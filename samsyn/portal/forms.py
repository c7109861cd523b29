from django import forms
from django.utils.translation import gettext_lazy as _

from samsyn.children.identity import validate_identity_number
from samsyn.plans.models import Invitation


class CitizenLoginForm(forms.Form):
    identity_number = forms.CharField(
        label=_("Your personal identity number"),
        help_text=_("Twelve digits: YYYYMMDD-NNNN."),
        max_length=15,
        validators=[validate_identity_number],
    )
    token = forms.RegexField(
        label=_("One-time code"),
        help_text=_("The six digits the test app shows. With BankID you will not need this."),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("Enter the six digits the app shows.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["identity_number"].widget.attrs.update({"autocomplete": "off"})
        self.fields["token"].widget.attrs.update(
            {"autocomplete": "one-time-code", "inputmode": "numeric"}
        )


class ReplyForm(forms.Form):
    reply = forms.ChoiceField(
        label=_("Are you coming?"),
        choices=[
            (Invitation.Reply.ACCEPTED, _("Yes, I am coming")),
            (Invitation.Reply.DECLINED, _("No, I cannot come")),
        ],
        widget=forms.RadioSelect,
    )
