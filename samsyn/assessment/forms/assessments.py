"""Input checks for the assessment's draft page: the child's view (heard, or why not), each
area of the BBIC triangle when the version uses it (rating and description), the named risk and
protective factors (one a line), a summary, and the draft's lock.

The area names are the mark's own Swedish words (`triangle.py`); only the words around them go
through gettext."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from samsyn.assessment.models import AssessmentVersion, RatingLevel
from samsyn.assessment.services.assessments import MAX_FACTORS, DraftInput
from samsyn.assessment.triangle import AREAS, SIDES
from samsyn.common.forms import LongTextField

HEARD = (("yes", _("Yes, the child was heard")), ("no", _("No, the child was not heard")))


class FieldGroup:
    """Some of a form's fields as `includes/form.html` sees a form, with no error summary of
    their own: the page shows one summary for the whole form."""

    errors = None

    def __init__(self, fields):
        self._fields = fields

    def hidden_fields(self):
        return []

    def visible_fields(self):
        return self._fields


class DraftForm(forms.Form):
    lock_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    child_heard = forms.ChoiceField(
        label=_("Was the child heard?"), choices=HEARD, widget=forms.RadioSelect
    )
    child_view = LongTextField(
        label=_("The child's own view"), max_length=8000, rows=5, required=False,
        help_text=_("In the child's own words where possible. At most 8000 characters."),
    )  # fmt: skip
    child_not_heard_reason = LongTextField(
        label=_("Why the child was not heard"), max_length=2000, required=False,
        help_text=_("Only if the child was not heard. At most 2000 characters."),
    )  # fmt: skip
    risk_factors = LongTextField(
        label=_("Risk factors"), max_length=6000, rows=4, required=False,
        help_text=format_lazy(
            "{} {}", _("One factor a line, named briefly."),
            _("At most %(count)d factors.") % {"count": MAX_FACTORS},
        ),
    )  # fmt: skip
    protective_factors = LongTextField(
        label=_("Protective factors"), max_length=6000, rows=4, required=False,
        help_text=format_lazy(
            "{} {}", _("One factor a line, named briefly."),
            _("At most %(count)d factors.") % {"count": MAX_FACTORS},
        ),
    )  # fmt: skip
    summary = LongTextField(
        label=_("Summary of the assessment"), max_length=8000, rows=5, required=False
    )

    def __init__(self, data=None, *, draft: AssessmentVersion, levels: list[RatingLevel]):
        ratings = {rating.area: rating for rating in draft.areas.all()}
        factors = list(draft.factors.all())
        initial = {
            "lock_version": draft.lock_version,
            "child_heard": "yes" if draft.child_heard else "no",
            "child_view": draft.child_view,
            "child_not_heard_reason": draft.child_not_heard_reason,
            "summary": draft.summary,
            "risk_factors": "\n".join(f.name for f in factors if f.kind == "risk"),
            "protective_factors": "\n".join(f.name for f in factors if f.kind == "protective"),
        }
        self.bbic = draft.bbic
        super().__init__(data, initial=initial)
        if not self.bbic:
            return
        choices = [("", _("Not assessed"))] + [
            (str(level.value), f"{level.value} – {level.display}") for level in levels
        ]
        for area in AREAS:
            rating = ratings.get(area.code)
            self.fields[f"rating_{area.code}"] = forms.ChoiceField(
                label=format_lazy("{} – {}", area.label, _("rating")),
                choices=choices, required=False,
                initial=str(rating.level.value) if rating and rating.level else "",
            )  # fmt: skip
            self.fields[f"description_{area.code}"] = LongTextField(
                label=format_lazy("{} – {}", area.label, _("description")),
                max_length=4000, rows=2, required=False,
                initial=rating.description if rating else "",
            )  # fmt: skip

    def sides(self):
        """The triangle's sides, each with its areas' two fields, for the page."""
        return [
            (side, [(area, FieldGroup([self[f"rating_{area.code}"],
                                       self[f"description_{area.code}"]]))
                    for area in side.areas])
            for side in SIDES
        ]  # fmt: skip

    def child_fields(self):
        names = ("child_heard", "child_view", "child_not_heard_reason")
        return FieldGroup([self[name] for name in names])

    def factor_fields(self):
        return FieldGroup([self[n] for n in ("risk_factors", "protective_factors", "summary")])

    def clean(self):
        cleaned = super().clean() or {}
        if cleaned.get("child_heard") == "no" and not cleaned.get("child_not_heard_reason"):
            self.add_error(
                "child_not_heard_reason", ValidationError(_("Say why the child was not heard."))
            )
        return cleaned

    def draft_input(self) -> DraftInput:
        data = self.cleaned_data
        ratings = tuple(
            (area.code, int(data[f"rating_{area.code}"]) if data[f"rating_{area.code}"] else None,
             data[f"description_{area.code}"])
            for area in AREAS
        ) if self.bbic else ()  # fmt: skip
        return DraftInput(
            child_heard=data["child_heard"] == "yes",
            child_view=data["child_view"],
            child_not_heard_reason=data["child_not_heard_reason"],
            summary=data["summary"],
            ratings=ratings,
            risk_factors=tuple(data["risk_factors"].splitlines()),
            protective_factors=tuple(data["protective_factors"].splitlines()),
        )


class LockForm(forms.Form):
    lock_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class StartForm(forms.Form):
    child = forms.IntegerField(min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput)
