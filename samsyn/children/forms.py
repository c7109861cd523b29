"""Input checks for the children pages. Every text field carries its model's max_length and
says the limit in its help text, so a too-long text is refused with a reason, never cut."""

from __future__ import annotations

import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from samsyn.children.identity import IdentityNumber, parse_identity_number
from samsyn.children.services import latest_need_date
from samsyn.directory.models import Principal

# Children and young people: 0–17, some schemes to 20 (DOMAIN: actors).
MAX_AGE = 20


def _limit(length: int):
    return ngettext_lazy(
        "At most %(limit)d character.", "At most %(limit)d characters.", length
    ) % {"limit": length}


def _text(label, length: int, *, required: bool = True, **kwargs) -> forms.CharField:
    return forms.CharField(
        label=label, max_length=length, required=required, help_text=_limit(length), **kwargs
    )


class IdentityNumberField(forms.CharField):
    """Personnummer or samordningsnummer; cleans to an `IdentityNumber`."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Identity number"))
        kwargs.setdefault(
            "help_text",
            _("Personal identity number or coordination number: YYYYMMDD-NNNN."),
        )
        # 13 = YYYYMMDD-NNNN; spaces are removed before the length check.
        super().__init__(max_length=13, **kwargs)

    def to_python(self, value):
        return re.sub(r"\s", "", super().to_python(value))

    def clean(self, value) -> IdentityNumber | None:
        raw = super().clean(value)
        if not raw:
            return None
        return parse_identity_number(raw)


def _clean_postal_code(value: str) -> str:
    digits = value.replace(" ", "")
    if digits and not re.fullmatch(r"\d{5}", digits):
        raise ValidationError(
            _("Enter the postal code as five digits, e.g. 702 10."), code="postal_code"
        )
    return digits


class ContactFields(forms.Form):
    street_address = _text(_("Street address"), 200, required=False)
    postal_code = _text(_("Postal code"), 6, required=False)
    city = _text(_("City"), 100, required=False)
    phone = _text(_("Phone"), 40, required=False)

    def clean_postal_code(self) -> str:
        return _clean_postal_code(self.cleaned_data["postal_code"])

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"]
        if phone and not re.fullmatch(r"\+?[\d\s()-]{5,40}", phone):
            raise ValidationError(
                _("Enter a phone number with digits, spaces, hyphens and an optional +."),
                code="phone",
            )
        return phone


class ChildRegistrationForm(ContactFields):
    identity_number = IdentityNumberField()
    first_name = _text(_("First name"), 100)
    last_name = _text(_("Last name"), 100)
    municipality = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Principal.objects.filter(kind=Principal.Kind.MUNICIPALITY).order_by("name"),
        help_text=_("The municipality where the child is registered."),
    )
    protected_identity = forms.BooleanField(
        label=_("Protected identity (skyddade personuppgifter)"),
        required=False,
        help_text=_("Hides the address from every unit without a recorded need."),
    )

    field_order = [
        "identity_number", "first_name", "last_name", "municipality", "street_address",
        "postal_code", "city", "phone", "protected_identity",
    ]  # fmt: skip

    def clean_identity_number(self) -> IdentityNumber:
        number: IdentityNumber = self.cleaned_data["identity_number"]
        today = timezone.localdate()
        born = number.birth_date
        age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
        if age > MAX_AGE:
            raise ValidationError(
                _(
                    "The person is %(age)d years old. Samsyn registers children and young "
                    "people up to %(max)d."
                ),
                code="too_old",
                params={"age": age, "max": MAX_AGE},
            )
        return number


class GuardianForm(forms.Form):
    """One guardian; left empty, no guardian is registered (0–2 guardians)."""

    identity_number = IdentityNumberField()
    first_name = _text(_("First name"), 100)
    last_name = _text(_("Last name"), 100)

    def __init__(self, *args, number: int, **kwargs):
        # empty_permitted: a guardian form left blank is valid and means "no guardian".
        kwargs.update(prefix=f"guardian{number}", empty_permitted=True)
        super().__init__(*args, use_required_attribute=False, **kwargs)
        # Named in full, so the page's one error summary says which guardian is meant.
        for field in self.fields.values():
            field.label = gettext("Guardian %(number)d: %(field)s") % {
                "number": number,
                "field": field.label,
            }


def guardian_forms(data=None) -> list[GuardianForm]:
    return [GuardianForm(data, number=number) for number in (1, 2)]


def check_guardians(child_form: ChildRegistrationForm, guardians: list[GuardianForm]) -> list[dict]:
    """Cross-form checks; returns the filled guardians' cleaned data."""
    filled = [form for form in guardians if form.is_valid() and form.has_changed()]
    child_number = child_form.cleaned_data.get("identity_number")
    seen: set[str] = set()
    for form in filled:
        number = form.cleaned_data["identity_number"]
        if child_number and number.digits == child_number.digits:
            form.add_error(
                "identity_number", _("A guardian cannot have the child's own identity number.")
            )
        elif number.digits in seen:
            form.add_error("identity_number", _("The two guardians have the same identity number."))
        seen.add(number.digits)
    return [form.cleaned_data for form in filled if form.is_valid()]


class ContactForm(ContactFields):
    pass


class GuardianContactForm(ContactFields):
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        required=False,
        help_text=_("Meeting invitations are sent to this address."),
    )

    field_order = ["email", "phone", "street_address", "postal_code", "city"]


class GuardianAddForm(GuardianContactForm):
    identity_number = IdentityNumberField()
    first_name = _text(_("First name"), 100)
    last_name = _text(_("Last name"), 100)
    protected_identity = forms.BooleanField(
        label=_("Protected identity (skyddade personuppgifter)"),
        required=False,
        help_text=_(
            "Hides the guardian's contact details from every unit without a recorded need."
        ),
    )

    field_order = [
        "identity_number", "first_name", "last_name", *GuardianContactForm.field_order,
        "protected_identity",
    ]  # fmt: skip


class EndGuardianshipForm(forms.Form):
    ended_on = forms.DateField(
        label=_("Ended on"),
        initial=timezone.localdate,
        help_text=_(
            "The day the guardianship ended, e.g. by a court's decision. Format: YYYY-MM-DD."
        ),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    reason = _text(_("Reason"), 300, widget=forms.Textarea(attrs={"rows": 3}))


class VersionForm(forms.Form):
    """The version the user started editing from (optimistic locking, DESIGN invariant 6)."""

    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class AddressNeedForm(forms.Form):
    reason = _text(_("Reason"), 300, widget=forms.Textarea(attrs={"rows": 3}))
    valid_until = forms.DateField(
        label=_("Valid until"),
        help_text=_("At most one year from today. Format: YYYY-MM-DD."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_valid_until(self) -> datetime.date:
        valid_until = self.cleaned_data["valid_until"]
        today = timezone.localdate()
        if valid_until < today:
            raise ValidationError(_("The date must be today or later."), code="past")
        if valid_until > latest_need_date(today):
            raise ValidationError(
                _("A need can be recorded for at most one year, until %(date)s."),
                code="too_long",
                params={"date": latest_need_date(today).isoformat()},
            )
        return valid_until


class EmergencyAccessForm(forms.Form):
    identity_number = IdentityNumberField()
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=format_lazy(
            "{} {}",
            _(
                "Why the child's data cannot wait for a case to be assigned to you. Your unit "
                "manager sees the reason, and log follow-up reviews every emergency access."
            ),
            _limit(1000),
        ),
    )
