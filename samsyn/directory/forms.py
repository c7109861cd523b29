from django import forms
from django.utils.translation import gettext_lazy as _

from samsyn.directory.models import Organisation, Principal


class DirectorySearchForm(forms.Form):
    """The directory's search and filters (a GET form: an invalid filter is shown, not used)."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.SearchInput(attrs={"autocomplete": "off"}),
        help_text=_("Words from the name, mandate or competence, e.g. “neuropsychiatric”."),
    )
    principal = forms.ModelChoiceField(
        label=_("Principal"),
        queryset=Principal.objects.order_by("name").only("pk", "name"),
        required=False,
        empty_label=_("All principals"),
    )
    kind = forms.ChoiceField(
        label=_("Kind of organisation"),
        choices=[("", _("All kinds")), *Organisation.Kind.choices],
        required=False,
    )

    def filters(self) -> dict:
        """The valid filters; a wrong one is dropped (its error is on the form)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}
