"""Input checks for log follow-up's review (DOMAIN LOG-1)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samsyn.audit.models import LogReview

NOTE_LENGTH = 2000


class ReviewForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome of the review"),
        choices=LogReview.Outcome.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=NOTE_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "What you found and what was done. Required unless there are no remarks. At most "
            "2,000 characters."
        ),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        outcome = cleaned.get("outcome")
        if outcome and outcome != LogReview.Outcome.NO_REMARKS and not cleaned.get("note"):
            self.add_error("note", _("Write what you found and what was done."))
        return cleaned
