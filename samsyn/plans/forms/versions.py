"""Input checks for the plan's edit page: the plan's own fields, and its items as rows in the
order people think them: each need with its goals and the efforts for it (who is responsible
included), then efforts for the plan as a whole and measures by others.

A row is named by its item's key, a UUID drawn with the row and kept across versions (so the
diff can match it, SIP-8). A goal written under a need carries that need's key from the start,
so a need and its goals and efforts are saved in one go, before any of them exists. The page
posts the keys in the order shown (`row`); each row's fields carry its key as prefix, so rows
come and go, by htmx or by a plain submit, without renumbering anything.

Every text field says its limit and the browser never cuts it (`LongTextField`); a refused page
comes back with everything typed."""

from __future__ import annotations

import datetime
import re
import uuid
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from samsyn.common.forms import LongTextField, WithoutSummary, limit_text
from samsyn.plans.models import Case, PlanItem, PlanVersion
from samsyn.plans.selectors import versions as plan_selectors
from samsyn.plans.selectors.cases import organisations_taking_part
from samsyn.plans.services.versions import ItemInput, StalePlan

OSL_NOTE = _(
    "Hide an item from the guardians only where disclosure would cause the child significant "
    "harm (OSL 12 kap. 3 §). Staff see the item marked; the guardians' copy leaves it out."
)
# As many items as the API takes in one save.
ROW_LIMIT = 200
NUMBER = re.compile(r"^[1-9][0-9]{0,2}(\.[1-9][0-9]{0,2})?$")
KINDS = PlanItem.Kind


class PlanFieldsForm(forms.Form):
    child_view = LongTextField(
        label=_("The child's own view"), max_length=8000, rows=6, required=False,
        help_text=_("In the child's own words where possible (SIP-7). At most 8000 characters."),
    )  # fmt: skip
    child_view_missing_reason = LongTextField(
        label=_("Why the child's view was not obtained"), max_length=2000, required=False,
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
    follow_up_how = LongTextField(
        label=_("How the plan is followed up"), max_length=2000, required=False,
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


class FinaliseForm(forms.Form):
    """Finalising a first version with no SIP meeting held: why it cannot wait for one
    (SIP-10)."""

    no_meeting_reason = LongTextField(
        label=_("Why the plan is finalised without a held SIP meeting"), max_length=2000,
        required=False,
        help_text=_("Only if the first version cannot wait for the SIP meeting and its minutes "
                    "(SIP-10). Shown on the plan. At most 2000 characters."),
    )  # fmt: skip


@dataclass(frozen=True)
class PartyChoices:
    """Who can be responsible for an effort: read once a page, not once a row."""

    organisations: list[tuple[int, str]]
    principals: list[tuple[int, str]]


def party_choices(case: Case) -> PartyChoices:
    return PartyChoices(
        organisations=[(o.pk, str(o)) for o in organisations_taking_part(case)],
        principals=[(p.pk, str(p)) for p in plan_selectors.party_principals(case)],
    )


def _responsible(label, choices: list[tuple[int, str]], **kwargs) -> forms.TypedChoiceField:
    # Ids, not model instances: the service checks each against the SIP's parties.
    return forms.TypedChoiceField(
        label=label, required=False, coerce=int, empty_value=None,
        choices=[("", gettext("– choose –")), *choices], **kwargs,
    )  # fmt: skip


class ItemForm(forms.Form):
    """One row: a need, a goal, an effort or a measure by others."""

    kind: str = ""
    kind_label: Promise
    text = LongTextField(label=_("Text"), max_length=4000, rows=3)
    hidden_from_guardians = forms.BooleanField(label=_("Hidden from guardians"), required=False)

    def __init__(self, *args, number: str, choices: PartyChoices, **kwargs):
        super().__init__(*args, use_required_attribute=False, **kwargs)
        self.number = number
        self.setup(choices)
        # "Goal 2.1: Text": the page's one error summary must say which row is meant.
        for field_ in self.fields.values():
            field_.label = gettext("%(kind)s %(number)s: %(field)s") % {
                "kind": self.kind_label, "number": number, "field": field_.label,
            }  # fmt: skip

    def setup(self, choices: PartyChoices) -> None:
        pass

    @property
    def title(self) -> str:
        return gettext("%(kind)s %(number)s") % {"kind": self.kind_label, "number": self.number}


class NeedForm(ItemForm):
    kind = KINDS.NEED
    kind_label = _("Need")


class GoalForm(ItemForm):
    kind = KINDS.GOAL
    kind_label = _("Goal")


class EffortForm(ItemForm):
    kind = KINDS.EFFORT
    kind_label = _("Effort")

    def setup(self, choices):
        self.fields["responsible_organisation"] = _responsible(
            _("Responsible organisation"), choices.organisations
        )
        self.fields["responsible_principal"] = _responsible(
            _("Responsible principal"), choices.principals,
            help_text=_("Filled in from the organisation if left empty (SIP-6, point 2)."),
        )  # fmt: skip
        self.order_fields(
            ["text", "responsible_organisation", "responsible_principal", "hidden_from_guardians"]
        )


class MeasureForm(ItemForm):
    kind = KINDS.MEASURE_BY_OTHERS
    kind_label = _("Measure by others")

    def setup(self, choices):
        self.fields["responsible_other"] = forms.CharField(
            label=_("Responsible (school, police …)"), max_length=200, help_text=limit_text(200)
        )
        self.order_fields(["text", "responsible_other", "hidden_from_guardians"])


FORMS: dict[str, type[ItemForm]] = {
    form.kind: form for form in (NeedForm, GoalForm, EffortForm, MeasureForm)
}
TITLES = {
    KINDS.NEED: _("Needs"), KINDS.GOAL: _("Goals"), KINDS.EFFORT: _("Efforts (insatser)"),
    KINDS.MEASURE_BY_OTHERS: _("Measures by others (school, police …)"),
}  # fmt: skip


def typed(form: forms.Form) -> dict:
    """What was typed into a bound form, as the initial values of an unbound one: the page that
    adds or removes a row keeps every character and shows no errors before a save."""
    return {name: form[name].data for name in form.fields}


@dataclass
class Spec:
    """A row before its form: which item, of which kind, under which need."""

    key: uuid.UUID
    kind: str
    need_key: uuid.UUID | None = None
    initial: dict | None = None
    focus: bool = False


@dataclass
class Row:
    key: uuid.UUID
    kind: str
    need_key: uuid.UUID | None
    form: ItemForm

    @property
    def in_page(self) -> WithoutSummary:
        """The row's form as the page shows it: its errors go in the page's one summary."""
        return WithoutSummary(self.form)


@dataclass(frozen=True)
class AddRow:
    """An "add a row" button. Its value names what it adds ("goal:<need key>"), the same for a
    submit without JavaScript and for htmx's request for the row alone; `number` is the new
    row's, and `target` the list it goes into."""

    value: str
    number: str
    label: str

    @property
    def id(self) -> str:
        return "add-" + self.value.replace(":", "-")

    @property
    def target(self) -> str:
        kind, _sep, need = self.value.partition(":")
        return f"{kind}s-{need}" if need else f"plan-{kind}s"


def add_row(kind: str, number: str, need_key: uuid.UUID | None = None) -> AddRow:
    """The button that adds a row of `kind`, numbered `number`, under the need `need_key`."""
    if need_key is None:
        labels = {
            KINDS.NEED: gettext("Add a need"),
            KINDS.EFFORT: gettext("Add an effort for the plan as a whole"),
            KINDS.MEASURE_BY_OTHERS: gettext("Add a measure by others"),
        }
        return AddRow(kind, number, labels[kind])
    words = (
        gettext("Add a goal to need %(number)s") if kind == KINDS.GOAL
        else gettext("Add an effort for need %(number)s")
    )  # fmt: skip
    return AddRow(f"{kind}:{need_key}", number, words % {"number": number.rpartition(".")[0]})


ADD = re.compile(
    r"^(?P<kind>need|goal|effort|other_measure)"
    r"(:(?P<need>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}))?$"
)


def parse_add(value: str) -> tuple[str, uuid.UUID | None] | None:
    """An add button's value as (kind, need key); None for anything the page never sends."""
    match = ADD.match(value)
    if match is None:
        return None
    kind, need = match["kind"], match["need"]
    # A goal is always written under its need; an effort may be; the others never are.
    if (kind == KINDS.GOAL and need is None) or (need and kind not in (KINDS.GOAL, KINDS.EFFORT)):
        return None
    return kind, uuid.UUID(need) if need else None


def _new_specs(kind: str, need_key: uuid.UUID | None, *, focus: bool = True) -> list[Spec]:
    """A new row; a new need comes with an empty goal and effort under it, in the order
    people write a plan."""
    spec = Spec(uuid.uuid4(), kind, need_key, initial={}, focus=focus)
    if kind != KINDS.NEED:
        return [spec]
    return [spec, Spec(uuid.uuid4(), KINDS.GOAL, spec.key, initial={}),
            Spec(uuid.uuid4(), KINDS.EFFORT, spec.key, initial={})]  # fmt: skip


def _initial(item: PlanItem) -> dict:
    return {
        "text": item.text, "hidden_from_guardians": item.hidden_from_guardians,
        "responsible_organisation": item.responsible_organisation_id,
        "responsible_principal": item.responsible_principal_id,
        "responsible_other": item.responsible_other,
    }  # fmt: skip


def _uuid(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None


def _posted_specs(data: QueryDict) -> list[Spec]:
    specs, seen = [], set()
    for raw in data.getlist("row"):
        key = _uuid(raw)
        kind = data.get(f"{raw}-kind", "")
        # Only a page altered by hand sends a row twice or of no kind; there is nothing to keep.
        if key is None or key in seen or kind not in FORMS:
            continue
        seen.add(key)
        specs.append(Spec(key, kind, _uuid(data.get(f"{raw}-need"))))
    return specs


class RowMaker:
    """Makes the rows of one page: who can be responsible is read once, not once a row."""

    def __init__(
        self, case: Case, *, stored: set[uuid.UUID] | None = None, data: QueryDict | None = None
    ):
        self.choices = party_choices(case)
        self.stored = stored or set()
        self.data = data

    def form(self, spec: Spec, number: str, *, data: QueryDict | None = None) -> ItemForm:
        form = FORMS[spec.kind](
            data, initial=spec.initial, prefix=str(spec.key), number=number,
            choices=self.choices, empty_permitted=spec.key not in self.stored,
        )  # fmt: skip
        if spec.focus:
            form.fields["text"].widget.attrs["autofocus"] = True
        return form

    def __call__(self, spec: Spec, number: str) -> Row:
        return Row(spec.key, spec.kind, spec.need_key, self.form(spec, number, data=self.data))


@dataclass
class NeedBlock:
    row: Row
    goals: list[Row] = field(default_factory=list)
    efforts: list[Row] = field(default_factory=list)

    @property
    def add_goal(self) -> AddRow:
        number = f"{self.row.form.number}.{len(self.goals) + 1}"
        return add_row(KINDS.GOAL, number, self.row.key)

    @property
    def add_effort(self) -> AddRow:
        number = f"{self.row.form.number}.{len(self.efforts) + 1}"
        return add_row(KINDS.EFFORT, number, self.row.key)


class PlanRows:
    """The plan's items as rows of the edit page, grouped the way the page shows them.

    `data` None: the stored items (a plan with none gets an empty need with a goal and an
    effort under it, and an empty measure). `data` with `bind`: the rows posted, to validate
    and save; without `bind`: the rows posted, unbound, with what was typed as their initial
    values, one row added (`add`, an add button's value) or removed (`remove`, its key)."""

    def __init__(
        self, data: QueryDict | None, *, case: Case, items: list[PlanItem],
        bind: bool = True, add: str = "", remove: str = "",
    ):  # fmt: skip
        self.bound = data is not None and bind
        self.make = RowMaker(
            case, stored={item.key for item in items}, data=data if self.bound else None
        )
        self.too_many = False
        if data is None:
            specs = [Spec(i.key, i.kind, i.need_key, initial=_initial(i)) for i in items]
            if not specs:
                specs = [*_new_specs(KINDS.NEED, None, focus=False),
                         *_new_specs(KINDS.MEASURE_BY_OTHERS, None, focus=False)]  # fmt: skip
        else:
            specs = _posted_specs(data)
            self.too_many = len(specs) > ROW_LIMIT
            if not bind:
                for spec in specs:
                    spec.initial = typed(self.make.form(spec, "1", data=data))
        self._arrange(self._changed(specs, add, remove))

    def _changed(self, specs: list[Spec], add: str, remove: str) -> list[Spec]:
        gone = _uuid(remove)
        if gone is not None:
            # A need goes with its goals and efforts: on their own they would serve nothing.
            specs = [s for s in specs if gone not in (s.key, s.need_key)]
        adding = parse_add(add)
        if adding is not None:
            kind, need_key = adding
            if need_key is None or any(s.key == need_key for s in specs):
                specs = [*specs, *_new_specs(kind, need_key)]
        return specs

    def _arrange(self, specs: list[Spec]) -> None:
        self.needs: list[NeedBlock] = []
        blocks: dict[uuid.UUID, NeedBlock] = {}
        for spec in specs:
            if spec.kind == KINDS.NEED:
                blocks[spec.key] = NeedBlock(self.make(spec, str(len(blocks) + 1)))
                self.needs.append(blocks[spec.key])
        # Efforts for no need, and a goal whose need is gone (a page altered by hand), stand on
        # their own: the save then names the goal without its need.
        self.loose: list[Row] = []
        self.measures: list[Row] = []
        for spec in specs:
            block = blocks.get(spec.need_key) if spec.need_key else None
            if spec.kind == KINDS.MEASURE_BY_OTHERS:
                self.measures.append(self.make(spec, str(len(self.measures) + 1)))
            elif spec.kind != KINDS.NEED and block is not None:
                rows = block.goals if spec.kind == KINDS.GOAL else block.efforts
                rows.append(self.make(spec, f"{block.row.form.number}.{len(rows) + 1}"))
            elif spec.kind != KINDS.NEED:
                self.loose.append(self.make(spec, str(len(self.loose) + 1)))
        if self.bound:
            for block in self.needs:
                # A need left empty while its goals or efforts are written is asked for, not
                # dropped: they would lose the need they serve.
                if any(r.form.has_changed() for r in block.goals + block.efforts):
                    block.row.form.empty_permitted = False

    @property
    def rows(self) -> list[Row]:
        """Every row in the order shown: each need, its goals, its efforts; then the rest."""
        return [
            *(r for block in self.needs for r in (block.row, *block.goals, *block.efforts)),
            *self.loose, *self.measures,
        ]  # fmt: skip

    @property
    def forms(self) -> list[ItemForm]:
        return [row.form for row in self.rows]

    @property
    def add_need(self) -> AddRow:
        return add_row(KINDS.NEED, str(len(self.needs) + 1))

    @property
    def add_effort(self) -> AddRow:
        return add_row(KINDS.EFFORT, str(len(self.loose) + 1))

    @property
    def add_measure(self) -> AddRow:
        return add_row(KINDS.MEASURE_BY_OTHERS, str(len(self.measures) + 1))

    def non_form_errors(self) -> list[str]:
        if self.too_many:
            return [gettext("A plan holds at most %(limit)d items.") % {"limit": ROW_LIMIT}]
        return []

    @property
    def errors(self) -> list[str]:
        return self.non_form_errors()

    def is_valid(self) -> bool:
        # Every row validated, not only up to the first invalid one: all errors at once.
        return all([not self.too_many] + [form.is_valid() for form in self.forms])

    def items(self) -> list[ItemInput]:
        """The rows with content, in the order shown; an untouched new row has none."""
        return [
            ItemInput(
                key=row.key, kind=row.kind, text=data["text"], need_key=row.need_key,
                responsible_principal_id=data.get("responsible_principal"),
                responsible_organisation_id=data.get("responsible_organisation"),
                responsible_other=data.get("responsible_other", ""),
                hidden_from_guardians=data["hidden_from_guardians"],
            )
            for row in self.rows
            if (data := row.form.cleaned_data)
        ]  # fmt: skip


class RowRequest(forms.Form):
    """htmx's request for one new row: the add button's value, and the new row's number."""

    add = forms.RegexField(ADD)
    number = forms.RegexField(NUMBER)

    def clean_add(self) -> tuple[str, uuid.UUID | None]:
        adding = parse_add(self.cleaned_data["add"])
        if adding is None:
            raise ValidationError("A goal is added under its need.", code="invalid")
        return adding


@dataclass
class NewRow:
    """What htmx swaps in: the new row (a need with its empty goal and effort), and in place of
    the button that asked, the same button for the row after it."""

    block: NeedBlock | None
    row: Row | None
    add: AddRow


def new_row(request: RowRequest, *, case: Case) -> NewRow:
    kind, need_key = request.cleaned_data["add"]
    number = request.cleaned_data["number"]
    make = RowMaker(case)
    specs = _new_specs(kind, need_key)
    following = _next(number)
    if kind != KINDS.NEED:
        return NewRow(None, make(specs[0], number), add_row(kind, following, need_key))
    block = NeedBlock(make(specs[0], number))
    block.goals.append(make(specs[1], f"{number}.1"))
    block.efforts.append(make(specs[2], f"{number}.1"))
    return NewRow(block, None, add_row(kind, following))


def _next(number: str) -> str:
    head, dot, last = number.rpartition(".")
    return f"{head}{dot}{int(last) + 1}"


class PlanEditor:
    """The edit page's forms: the plan's fields, the lock, the rows. A POST that adds or
    removes a row (`add`, `remove`: the page without JavaScript) only redraws the page."""

    def __init__(
        self, data: QueryDict | None, *, case: Case, draft: PlanVersion, items: list[PlanItem]
    ):
        self.add = data.get("add", "") if data is not None else ""
        self.remove = data.get("remove", "") if data is not None else ""
        self.changes_rows = bool(self.add or self.remove)
        bind = data is not None and not self.changes_rows
        stored = {"stored_follow_up_on": draft.follow_up_on}
        if data is not None and self.changes_rows:
            initial = typed(PlanFieldsForm(data, **stored))
        else:
            initial = {name: getattr(draft, name) for name in plan_selectors.VERSION_FIELDS}
        self.fields_form = PlanFieldsForm(data if bind else None, initial=initial, **stored)
        # Bound even when redrawing: the page keeps the version it was opened on.
        self.lock_form = LockForm(data, initial={"lock_version": draft.lock_version})
        self.rows = PlanRows(
            data, case=case, items=items, bind=bind, add=self.add, remove=self.remove
        )

    def is_valid(self) -> bool:
        return all([self.fields_form.is_valid(), self.rows.is_valid()])

    def conflict(self, stale: StalePlan) -> dict:
        """The other person's saved values next to what this user typed (kept in the form)."""
        form = self.fields_form
        fields = [
            (form[name].label, getattr(stale.current, name), form.cleaned_data.get(name))
            for name in plan_selectors.VERSION_FIELDS
            if getattr(stale.current, name) != form.cleaned_data.get(name)
        ]
        yours = self.rows.items()
        items = []
        for kind, title in TITLES.items():
            theirs_ = [i.text for i in stale.items if i.kind == kind]
            yours_ = [i.text for i in yours if i.kind == kind]
            if theirs_ != yours_:
                items.append((title, theirs_, yours_))
        return {"fields": fields, "items": items}
