from django import forms

from samsyn.notifications.models import Delivery
from samsyn.notifications.selectors import Choice


class PreferencesForm(forms.Form):
    """One choice of delivery per kind, each a group of radio buttons named by the kind."""

    def __init__(self, *args, choices: list[Choice], **kwargs):
        super().__init__(*args, **kwargs)
        self.kinds = {f"kind_{choice.kind}": choice.kind for choice in choices}
        for choice in choices:
            self.fields[f"kind_{choice.kind}"] = forms.ChoiceField(
                label=choice.label, choices=Delivery.choices, initial=choice.delivery,
                widget=forms.RadioSelect,
            )  # fmt: skip

    def chosen(self) -> dict[str, str]:
        return {kind: self.cleaned_data[name] for name, kind in self.kinds.items()}
