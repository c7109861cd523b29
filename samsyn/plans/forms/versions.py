"""Input checks for the plan's edit page: the plan's own fields and one formset per kind of item
(needs, goals, efforts, measures by others). Every text field carries its model's max_length
and says the limit, so a too-long text is refused with a reason, never cut."""

from __future__ import annotations

import datetime
import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from samsyn.plans.models import Case, PlanItem, PlanVersion
from samsyn.plans.selectors import versions as plan_selectors
from samsyn.plans.selectors.cases import organisations_taking_part
from samsyn.plans.services.versions import ItemInput

OSL_NOTE = _(
    "Hide from the guardians only where disclosure would cause the child significant harm "
    "(OSL 12 kap. 3 §). Staff see the item marked; the guardians' copy leaves it out."
)


def _limit(length: int):
    return ngettext_lazy(
        "At most %(limit)d character.", "At most %(limit)d characters.", length
    ) % {"limit": length}


def _textarea(label, length: int, *, required: bool = False, rows: int = 3, help_text=None):
    return forms.CharField(
        label=label, max_length=length, required=required, strip=True,
        help_text=help_text or _limit(length), widget=forms.Textarea(attrs={"rows": rows}),
    )  # fmt: skip


class PlanFieldsForm(forms.Form):
    child_view = _textarea(
        _("The child's own view"), 8000, rows=5,
        help_text=_("In the child's own words where possible (SIP-7). At most 8000 characters."),
    )  # fmt: skip
    child_view_missing_reason = _textarea(
        _("Why the child's view was not obtained"), 2000,
        help_text=_("Only if the child's view could not be obtained (SIP-7). At most 2000 "
                    "characters."),
    )  # fmt: skip
    no_measures_by_others = forms.BooleanField(
        label=_("No measures by others than the municipality and the region"),
        required=False,
        help_text=_(
            "Tick only if no school, police or other actor takes a measure (SIP-6, point 3)."
        ),
    )
    follow_up_on = forms.DateField(
        label=_("Follow-up date"), required=False,
        help_text=_("When the plan is followed up (SIP-6, point 5). Format: YYYY-MM-DD."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )  # fmt: skip
    follow_up_how = _textarea(
        _("How the plan is followed up"), 2000,
        help_text=_("For example a new SIP meeting with everyone. At most 2000 characters."),
    )  # fmt: skip

    def __init__(self, *args, stored_follow_up_on: datetime.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.stored_follow_up_on = stored_follow_up_on

    def clean_follow_up_on(self) -> datetime.date | None:
        value = self.cleaned_data["follow_up_on"]
        # A date already saved may pass while the draft waits; a new one must lie ahead.
        if value and value != self.stored_follow_up_on and value < timezone.localdate():
            raise ValidationError(_("The follow-up date must be today or later."), code="past")
        return value

    def clean(self):
        data = super().clean()
        if data.get("child_view") and data.get("child_view_missing_reason"):
            self.add_error(
                "child_view_missing_reason",
                _("The child's view is recorded: leave the reason it was not obtained empty."),
            )
        return data


class LockForm(forms.Form):
    """The draft's lock_version the page was built from (optimistic locking)."""

    lock_version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class ItemForm(forms.Form):
    kind: str = ""
    kind_label = ""
    # Kept across versions so the diff can match the item (SIP-8); a new row gets a new one.
    key = forms.UUIDField(required=False, widget=forms.HiddenInput, initial=uuid.uuid4)
    text = _textarea(_("Text"), 4000, required=True, rows=2)
    hidden_from_guardians = forms.BooleanField(
        label=_("Hidden from guardians"), required=False, help_text=OSL_NOTE
    )

    def __init__(self, *args, case: Case, need_choices: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup(case=case, need_choices=need_choices)
        # "Goal 2: Text": the page's one error summary must say which row is meant.
        index = self.prefix.rsplit("-", 1)[-1] if self.prefix else ""
        if index.isdigit():
            for name, field in self.fields.items():
                if name != "key":
                    field.label = gettext("%(kind)s %(row)d: %(field)s") % {
                        "kind": self.kind_label, "row": int(index) + 1, "field": field.label,
                    }  # fmt: skip

    def setup(self, *, case: Case, need_choices: list) -> None:
        pass

    def has_changed(self) -> bool:
        # The key's initial is a fresh UUID each time: it never counts as typed.
        return bool(set(self.changed_data) - {"key"})

    def clean_key(self) -> uuid.UUID:
        return self.cleaned_data["key"] or uuid.uuid4()

    def as_input(self) -> ItemInput:
        data = self.cleaned_data
        organisation = data.get("responsible_organisation")
        principal = data.get("responsible_principal")
        need = data.get("need")
        return ItemInput(
            key=data["key"], kind=self.kind, text=data["text"],
            need_key=uuid.UUID(need) if need else None,
            responsible_principal_id=principal.pk if principal else None,
            responsible_organisation_id=organisation.pk if organisation else None,
            responsible_other=data.get("responsible_other", ""),
            hidden_from_guardians=data["hidden_from_guardians"],
        )  # fmt: skip


def _need_field(required: bool, need_choices: list) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Need it serves"), required=required,
        choices=[("", gettext("– choose –")), *need_choices],
        help_text=_("A need added just now can be chosen after saving."),
    )  # fmt: skip


class NeedForm(ItemForm):
    kind = PlanItem.Kind.NEED
    kind_label = _("Need")


class GoalForm(ItemForm):
    kind = PlanItem.Kind.GOAL
    kind_label = _("Goal")

    def setup(self, *, case, need_choices):
        self.fields["need"] = _need_field(True, need_choices)
        self.order_fields(["key", "text", "need", "hidden_from_guardians"])


class EffortForm(ItemForm):
    kind = PlanItem.Kind.EFFORT
    kind_label = _("Effort")

    def setup(self, *, case, need_choices):
        self.fields["need"] = _need_field(False, need_choices)
        self.fields["responsible_organisation"] = forms.ModelChoiceField(
            label=_("Responsible organisation"), required=False,
            queryset=organisations_taking_part(case), empty_label=gettext("– choose –"),
        )  # fmt: skip
        self.fields["responsible_principal"] = forms.ModelChoiceField(
            label=_("Responsible principal"), required=False,
            queryset=plan_selectors.party_principals(case), empty_label=gettext("– choose –"),
            help_text=_("Filled in from the organisation if left empty (SIP-6, point 2)."),
        )  # fmt: skip
        self.order_fields(
            ["key", "text", "need", "responsible_organisation", "responsible_principal",
             "hidden_from_guardians"]
        )  # fmt: skip


class MeasureForm(ItemForm):
    kind = PlanItem.Kind.MEASURE_BY_OTHERS
    kind_label = _("Measure by others")

    def setup(self, *, case, need_choices):
        self.fields["responsible_other"] = forms.CharField(
            label=_("Responsible (school, police …)"), max_length=200, help_text=_limit(200)
        )
        self.order_fields(["key", "text", "responsible_other", "hidden_from_guardians"])


FORMS = {
    "need": NeedForm, "goal": GoalForm, "effort": EffortForm, "measure": MeasureForm,
}  # fmt: skip
TITLES = {
    "need": _("Needs"), "goal": _("Goals"), "effort": _("Efforts (insatser)"),
    "measure": _("Measures by others (school, police …)"),
}  # fmt: skip


def _initial(item: PlanItem) -> dict:
    return {
        "key": item.key, "text": item.text, "hidden_from_guardians": item.hidden_from_guardians,
        "need": str(item.need_key) if item.need_key else "",
        "responsible_organisation": item.responsible_organisation_id,
        "responsible_principal": item.responsible_principal_id,
        "responsible_other": item.responsible_other,
    }  # fmt: skip


def _need_choices(data, items: list[PlanItem]) -> list[tuple[str, str]]:
    """The needs a goal or effort can point to: as typed on this page, else as stored."""
    if data is None:
        return [(str(i.key), i.text[:80]) for i in items if i.kind == PlanItem.Kind.NEED]
    choices = []
    try:
        total = min(int(data.get("need-TOTAL_FORMS", 0)), 1000)
    except ValueError:
        total = 0
    for index in range(total):
        key, text = data.get(f"need-{index}-key", ""), data.get(f"need-{index}-text", "").strip()
        if key and text and not data.get(f"need-{index}-DELETE"):
            choices.append((key, text[:80]))
    return choices


def item_formsets(data, *, case: Case, items: list[PlanItem]) -> dict[str, forms.BaseFormSet]:
    """One formset per kind, with one empty row to add an item (more after each save)."""
    need_choices = _need_choices(data, items)
    formsets = {}
    for prefix, form_class in FORMS.items():
        factory = forms.formset_factory(
            form_class, extra=1, can_delete=True, max_num=200, absolute_max=200,
            validate_max=True,
        )  # fmt: skip
        initial = [_initial(i) for i in items if i.kind == form_class.kind]
        formsets[prefix] = factory(
            data, prefix=prefix, initial=initial,
            form_kwargs={"case": case, "need_choices": need_choices},
        )  # fmt: skip
    return formsets


def items_from(formsets: dict[str, forms.BaseFormSet]) -> list[ItemInput]:
    return [
        form.as_input()
        for formset in formsets.values()
        for form in formset.forms
        # An untouched empty row has no cleaned data; a ticked "Remove" drops the row.
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


def fields_initial(version: PlanVersion) -> dict:
    return {name: getattr(version, name) for name in plan_selectors.VERSION_FIELDS}
