"""Template helpers that render Django form fields with Designsystemet's classes.

Django already ties help texts and errors to inputs (`aria-describedby` with the ids
`<id>_helptext` and `<id>_error`, and `aria-invalid`); `includes/form.html` uses the same ids, so
these helpers only add the design system's class names.
"""

from django import template
from django.forms import BaseFormSet, BoundField

register = template.Library()


@register.filter
def ds_widget(field: BoundField):
    """The field's input, select or textarea with Designsystemet's `ds-input` class."""
    css = field.field.widget.attrs.get("class", "")
    return field.as_widget(attrs={"class": f"{css} ds-input".strip()})


@register.filter
def ds_choices(field: BoundField):
    """A radio or checkbox group's options, each input with `ds-input`."""
    field.field.widget.attrs.setdefault("class", "ds-input")
    return field.subwidgets


@register.filter
def ds_groups(field: BoundField) -> list[tuple[str, list]]:
    """A grouped checkbox field's options as (group, options) pairs; one unnamed group for a
    field whose choices are not grouped."""
    group_of = {}
    for value, label in field.field.choices:
        if isinstance(label, list | tuple):
            group_of.update({str(option): value for option, _ in label})
    groups: dict[str, list] = {}
    for option in ds_choices(field):
        groups.setdefault(group_of.get(str(option.data["value"]), ""), []).append(option)
    return list(groups.items())


@register.filter
def first_input_id(field: BoundField) -> str:
    """The id an error summary links to: a group's first option, otherwise the field itself."""
    if field.field.widget.use_fieldset:
        return f"{field.auto_id}_0"
    return field.id_for_label


@register.filter
def any_errors(forms) -> bool:
    """Whether any of a page's forms or formsets (their rows included) has an error. Read when
    the page renders, so errors the step added after validation count too."""
    return any(
        form.total_error_count() if isinstance(form, BaseFormSet) else form.errors for form in forms
    )


@register.simple_tag
def page_numbers(page) -> list[int | None]:
    """The page numbers to link, with None where a run is elided."""
    ellipsis = page.paginator.ELLIPSIS
    return [
        None if number == ellipsis else number
        for number in page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    ]
