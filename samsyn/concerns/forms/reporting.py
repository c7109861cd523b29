"""The report of concern's forms: a professional's (signed in) and the public's. Input checks
only; what makes a report valid (a child identified, a real identity number, a receiving
municipality) is the service's, so the page and the API say the same."""

from __future__ import annotations

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from samsyn.access.actor import Actor
from samsyn.common.forms import LongTextField
from samsyn.concerns.models import Intake, Report
from samsyn.concerns.services import reporting as services

URGENCY_HELP = _(
    "If the child is in danger now, call 112. Outside office hours, call the social services' "
    "on-call service (socialjouren) as well as sending this report."
)


def _municipalities(intakes, *, blank: str | None) -> list[tuple[str, str]]:
    choices = [("", blank)] if blank else [("", _("Choose a municipality"))]
    return choices + [(str(intake.municipality_id), str(intake.municipality)) for intake in intakes]


class ChildFields(forms.Form):
    """The child as the reporter can name them, and what they saw."""

    identity_number = forms.CharField(
        label=_("The child's identity number"), required=False, max_length=13,
        help_text=_("YYYYMMDD-NNNN. If you do not know it, give the name and address instead."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )  # fmt: skip
    child_name = forms.CharField(
        label=_("The child's name"), required=False, max_length=services.MAX_NAME,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )  # fmt: skip
    child_address = forms.CharField(
        label=_("The child's address"), required=False, max_length=services.MAX_ADDRESS,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )  # fmt: skip
    what_seen = LongTextField(
        label=_("What have you seen or heard?"), max_length=services.MAX_WHAT_SEEN, rows=8,
    )  # fmt: skip
    urgency = forms.ChoiceField(
        label=_("Does the child need protection now?"),
        choices=[(value, capfirst(label)) for value, label in Report.Urgency.choices],
        widget=forms.RadioSelect, help_text=URGENCY_HELP,
    )  # fmt: skip

    def clean(self):
        data = super().clean()
        number = data.get("identity_number", "")
        if not number and not data.get("child_name") and not data.get("child_address"):
            self.add_error(None, str(services.NO_CHILD))
        return data


class ReportForm(ChildFields):
    """A professional's report: signed in, never anonymous (ANM-2), so there is no such box."""

    municipality = forms.ChoiceField(label=_("Send to the social services of"), required=False)
    reporter_category = forms.ChoiceField(label=_("You report from"), required=False)
    reporter_phone = forms.CharField(
        label=_("Your phone number"), required=False, max_length=services.MAX_PHONE,
        help_text=_("Social services may call you about the report."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )  # fmt: skip
    feedback_requested = forms.BooleanField(
        label=_("I ask for feedback on whether an investigation is opened"), required=False,
        help_text=_(
            "Social services must then tell you whether they opened an investigation, did not, "
            "or one was already under way (SoL 19 kap. 6 §)."
        ),
    )  # fmt: skip

    field_order = [
        "municipality", "identity_number", "child_name", "child_address", "what_seen",
        "urgency", "reporter_category", "reporter_phone", "feedback_requested",
    ]  # fmt: skip

    def __init__(self, *args, actor: Actor, intakes: list[Intake], categories: list[str], **kw):
        kw.setdefault("initial", {"reporter_phone": actor.staff.phone})
        super().__init__(*args, **kw)
        self.fields["municipality"].choices = _municipalities(
            intakes,
            blank=_("The child's home municipality if known, otherwise your unit's"),
        )
        if len(categories) > 1:
            labels = dict(Report.ReporterCategory.choices)
            self.fields["reporter_category"].choices = [
                (c, capfirst(labels[c])) for c in categories
            ]
            self.fields["reporter_category"].widget = forms.RadioSelect(
                choices=self.fields["reporter_category"].choices
            )
            self.fields["reporter_category"].initial = categories[0]
        else:
            del self.fields["reporter_category"]

    def clean_municipality(self) -> int | None:
        value = self.cleaned_data["municipality"]
        return int(value) if value else None


class PublicReportForm(ChildFields):
    """Anyone's report (ANM-1, 19 kap. 4 §): anonymous if they choose (ANM-2). The honeypot is
    a field people never see and robots fill."""

    municipality = forms.ChoiceField(label=_("The municipality where the child lives"))
    anonymous = forms.BooleanField(
        label=_("I want to be anonymous"), required=False,
        help_text=_("Then no name or contact details are kept, even if you typed them below."),
    )  # fmt: skip
    reporter_name = forms.CharField(
        label=_("Your name"), required=False, max_length=services.MAX_NAME,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )  # fmt: skip
    reporter_phone = forms.CharField(
        label=_("Your phone number"), required=False, max_length=services.MAX_PHONE,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )  # fmt: skip
    reporter_email = forms.EmailField(
        label=_("Your e-mail address"), required=False, max_length=services.MAX_EMAIL,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )  # fmt: skip
    # Not shown to people (the template hides it); a robot filling every field fills it.
    homepage = forms.CharField(required=False, max_length=200, label=_("Leave this field empty"))

    field_order = [
        "municipality", "identity_number", "child_name", "child_address", "what_seen",
        "urgency", "anonymous", "reporter_name", "reporter_phone", "reporter_email",
    ]  # fmt: skip

    def __init__(self, *args, intakes: list[Intake], **kw):
        super().__init__(*args, **kw)
        self.fields["municipality"].choices = _municipalities(intakes, blank=None)

    def clean_municipality(self) -> int:
        return int(self.cleaned_data["municipality"])

    def clean(self):
        data = super().clean()
        if data.get("homepage"):
            self.add_error(None, _("The report could not be sent. Please try again."))
        return data

    def visible_fields(self):
        return [field for field in super().visible_fields() if field.name != "homepage"]
