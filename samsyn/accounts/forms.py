from django import forms
from django.utils.translation import gettext_lazy as _


class PasswordForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs["autocomplete"] = "username"
        self.fields["password"].widget.attrs["autocomplete"] = "current-password"


class TokenForm(forms.Form):
    token = forms.RegexField(
        label=_("Code from your authenticator app"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("Enter the six digits your authenticator app shows.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        attrs = self.fields["token"].widget.attrs
        attrs.update({"autocomplete": "one-time-code", "inputmode": "numeric"})


class ActingForForm(forms.Form):
    membership = forms.TypedChoiceField(label=_("Acting for"), coerce=int, widget=forms.RadioSelect)

    def __init__(self, *args, memberships, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["membership"].choices = [
            (m.pk, f"{m.unit.organisation} · {m.unit} · {m.get_role_display()}")
            for m in memberships
        ]


class ProviderUnitForm(forms.Form):
    external_id = forms.CharField(
        label=_("The unit's id at the identity provider"), max_length=64,
        help_text=_("Its HSA-id, or the organisation number, exactly as the sign-in names it."),
    )  # fmt: skip
    unit = forms.TypedChoiceField(label=_("Samsyn unit"), coerce=int)

    def __init__(self, *args, units: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", _("Choose a unit")), *units]  # type: ignore[attr-defined]
