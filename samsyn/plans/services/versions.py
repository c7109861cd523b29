"""Writes to the plan: start a draft (version 1, or the next version copied from the last final
one at a follow-up), save the draft under optimistic locking, finalise it once SIP-6, SIP-7 and
SIP-10 hold. A finalised version is never written again (SIP-8): every write here selects the
draft.

The caller has opened the SIP through `plan_selectors.plan_case_for` (an audited read); each
service checks the actor's right again inside its own transaction, because the ground may have
ended between the page and the save (a withdrawn consent stops the next query)."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from samsyn.access.actor import Actor
from samsyn.audit import services as audit
from samsyn.plans.models import Case, PlanItem, PlanVersion
from samsyn.plans.selectors import versions as plan_selectors
from samsyn.plans.selectors.cases import case_for_change, organisations_taking_part
from samsyn.plans.state import TransitionRefused, check_transition

PURPOSE = plan_selectors.PURPOSE
COPIED_FIELDS = (
    "child_view",
    "child_view_missing_reason",
    "no_measures_by_others",
    "follow_up_how",
)


class NoDraft(Exception):
    """There is no draft to change: the plan is finalised (start a follow-up) or not begun."""


class StalePlan(Exception):
    """Someone else saved the draft since the page was opened; carries what they saved."""

    def __init__(self, current: PlanVersion, items: list[PlanItem]):
        super().__init__(current.pk)
        self.current = current
        self.items = items


class PlanIncomplete(ValidationError):
    """Finalising refused: each message names one missing point (SIP-6, SIP-7, SIP-10)."""


@dataclass(frozen=True)
class ItemInput:
    key: uuid.UUID
    kind: str
    text: str
    need_key: uuid.UUID | None = None
    responsible_principal_id: int | None = None
    responsible_organisation_id: int | None = None
    responsible_other: str = ""
    hidden_from_guardians: bool = False


def _draft(case: Case) -> PlanVersion:
    draft = (
        PlanVersion.objects.select_for_update()
        .filter(case=case, status=PlanVersion.Status.DRAFT)
        .first()
    )
    if draft is None:
        raise NoDraft(case.pk)
    return draft


def _record(actor, case, decision, version, event, **detail) -> None:
    audit.record_change(
        actor=actor, child_id=case.child_id, obj="sip_plan", obj_id=version.pk, event=event,
        purpose=PURPOSE, decision=decision, detail={"case": case.pk, "version": version.number,
                                                    **detail},
    )  # fmt: skip


def _set_case_status(case: Case, status: str) -> None:
    case.status = status
    case.full_clean(validate_unique=False, validate_constraints=False)
    Case.objects.filter(pk=case.pk).update(status=status, version=F("version") + 1)


@transaction.atomic
def start_plan(*, actor: Actor, case_id: int) -> PlanVersion:
    """The draft: version 1, or at a follow-up the next version as a copy of the last final one
    (items keep their key, so the diff can say what changed). A draft that already exists is
    returned as it is, so a double submit starts nothing twice."""
    case, decision = case_for_change(actor, case_id)
    existing = PlanVersion.objects.filter(case=case, status=PlanVersion.Status.DRAFT).first()
    if existing is not None:
        return existing
    target = check_transition(case, "draft_plan")
    last = PlanVersion.objects.filter(case=case).order_by("-number").first()
    version = PlanVersion(
        case=case, number=last.number + 1 if last else 1, created_by=actor.staff,
        **{name: getattr(last, name) for name in COPIED_FIELDS} if last else {},
    )  # fmt: skip
    # The follow-up date is not copied: the follow-up it named is the one happening now.
    version.full_clean()
    version.save()
    if last is not None:
        copies = [
            PlanItem(
                version=version,
                key=item.key,
                kind=item.kind,
                text=item.text,
                need_key=item.need_key,
                responsible_principal_id=item.responsible_principal_id,
                responsible_organisation_id=item.responsible_organisation_id,
                responsible_other=item.responsible_other,
                hidden_from_guardians=item.hidden_from_guardians,
                position=item.position,
                agreed_on=item.agreed_on,
                started_on=item.started_on,
            )  # fmt: skip
            for item in last.items.all()
        ]
        PlanItem.objects.bulk_create(copies)
    _set_case_status(case, target)
    _record(
        actor, case, decision, version, "plan_drafted", copied_from=last.number if last else None
    )
    return version


def _signature(version_fields: dict, items: list) -> tuple:
    """What a save writes, comparable between a stored draft and a submitted one."""
    return (
        tuple(version_fields[name] for name in plan_selectors.VERSION_FIELDS),
        tuple(
            (str(i.key), i.kind, i.text, i.need_key, i.responsible_principal_id,
             i.responsible_organisation_id, i.responsible_other, i.hidden_from_guardians)
            for i in items
        ),
    )  # fmt: skip


def _check_items(case: Case, items: list[ItemInput], no_measures_by_others: bool) -> list:
    """Cross-item rules the forms cannot see alone; returns the items with the principal
    filled in from the organisation (Samsyn never asks what it already knows)."""
    errors = []
    keys = [item.key for item in items]
    if len(set(keys)) != len(keys):
        errors.append(_("Two rows of the plan carry the same key. Reload the page and try again."))
    needs = {i.key for i in items if i.kind == PlanItem.Kind.NEED}
    organisations = {o.pk: o for o in organisations_taking_part(case)}
    principals = {o.principal_id for o in organisations.values()}
    checked = []
    for item in items:
        label = item.text[:60]
        principal_id = item.responsible_principal_id
        if item.need_key is not None and item.need_key not in needs:
            errors.append(
                _("“%(item)s”: the need it served is no longer in the plan.") % {"item": label}
            )
        if item.kind == PlanItem.Kind.GOAL and item.need_key is None:
            errors.append(
                _("Goal “%(item)s”: a goal serves a need; write it under one.") % {"item": label}
            )
        organisation = organisations.get(item.responsible_organisation_id)
        if item.responsible_organisation_id is not None and organisation is None:
            errors.append(
                _("“%(item)s”: the organisation does not take part in the SIP.") % {"item": label}
            )
        if principal_id is not None and principal_id not in principals:
            errors.append(
                _("“%(item)s”: the principal does not take part in the SIP.") % {"item": label}
            )
        if organisation is not None:
            if principal_id is None:
                principal_id = organisation.principal_id
            elif principal_id != organisation.principal_id:
                errors.append(
                    _("“%(item)s”: the organisation belongs to another principal.")
                    % {"item": label}
                )
        if item.kind == PlanItem.Kind.MEASURE_BY_OTHERS and not item.responsible_other.strip():
            errors.append(_("Measure “%(item)s”: say who is responsible.") % {"item": label})
        checked.append(ItemInput(**{**item.__dict__, "responsible_principal_id": principal_id}))
    if no_measures_by_others and any(i.kind == PlanItem.Kind.MEASURE_BY_OTHERS for i in items):
        errors.append(
            _("The plan lists measures by others and also says there are none. Choose one.")
        )
    if errors:
        raise ValidationError(errors)
    return checked


@transaction.atomic
def save_draft(
    *,
    actor: Actor,
    case_id: int,
    lock_version: int,
    child_view: str,
    child_view_missing_reason: str,
    no_measures_by_others: bool,
    follow_up_on: datetime.date | None,
    follow_up_how: str,
    items: list[ItemInput],
) -> PlanVersion:
    """Save the draft if nobody saved it since `lock_version`; else StalePlan. A repeat of a
    save that already went through (a double submit) changes nothing."""
    case, decision = case_for_change(actor, case_id)
    draft = _draft(case)
    values = {
        "child_view": child_view, "child_view_missing_reason": child_view_missing_reason,
        "no_measures_by_others": no_measures_by_others, "follow_up_on": follow_up_on,
        "follow_up_how": follow_up_how,
    }  # fmt: skip
    if child_view.strip() and child_view_missing_reason.strip():
        raise ValidationError(
            {
                "child_view_missing_reason": _(
                    "The child's view is recorded: leave the reason it was not obtained empty."
                )
            }
        )
    items = _check_items(case, items, no_measures_by_others)
    stored = list(draft.items.order_by("kind", "position", "pk"))
    if draft.lock_version != lock_version:
        stored_values = {name: getattr(draft, name) for name in plan_selectors.VERSION_FIELDS}
        ordered = sorted(items, key=lambda i: i.kind)
        if _signature(stored_values, stored) == _signature(values, ordered):
            return draft  # the other save wrote exactly this: nothing is lost
        raise StalePlan(draft, stored)
    for name, value in values.items():
        setattr(draft, name, value)
    draft.lock_version = lock_version + 1
    draft.full_clean(validate_constraints=False, validate_unique=False)
    draft.save(update_fields=[*values, "lock_version"])
    new_items = []
    positions: dict[str, int] = {}
    # An effort keeps the days it was agreed and started through the editor's saves (the form
    # does not carry them); a row that is no longer an effort drops them.
    dates = {i.key: (i.agreed_on, i.started_on) for i in stored if i.kind == PlanItem.Kind.EFFORT}
    for item in items:
        positions[item.kind] = positions.get(item.kind, 0) + 1
        row = PlanItem(version=draft, position=positions[item.kind], **item.__dict__)
        if item.kind == PlanItem.Kind.EFFORT:
            row.agreed_on, row.started_on = dates.get(item.key, (None, None))
        # The responsible organisation and principal were checked against the SIP's parties
        # above; validating them again would ask the database twice for every effort.
        row.full_clean(
            exclude=["version", "responsible_principal", "responsible_organisation"],
            validate_unique=False, validate_constraints=False,
        )  # fmt: skip
        new_items.append(row)
    draft.items.all().delete()
    PlanItem.objects.bulk_create(new_items)
    _record(
        actor, case, decision, draft, "plan_draft_saved",
        items=len(new_items), hidden_from_guardians=sum(i.hidden_from_guardians for i in items),
    )  # fmt: skip
    return draft


@transaction.atomic
def finalise_plan(
    *, actor: Actor, case_id: int, lock_version: int, no_meeting_reason: str = ""
) -> PlanVersion:
    """Finalise the draft the actor looked at (`lock_version`), once SIP-6, SIP-7 and SIP-10
    hold and the state machine (consent included) allows it. From then on the version never
    changes. A first version finalised before a SIP meeting was held records why
    (`no_meeting_reason`); where none is needed, one is refused rather than kept untrue."""
    case, decision = case_for_change(actor, case_id)
    draft = _draft(case)
    if draft.lock_version != lock_version:
        raise StalePlan(draft, list(draft.items.all()))
    reason = no_meeting_reason.strip()
    if reason and not plan_selectors.waits_for_meeting(case, draft):
        raise ValidationError(
            {
                "no_meeting_reason": _(
                    "This version needs no reason: a SIP meeting has been held with its minutes "
                    "recorded, or it is a follow-up. Leave the reason empty."
                )
            }
        )
    draft.no_meeting_reason = reason
    missing = plan_selectors.missing_for_finalising(case, draft)
    if missing:
        raise PlanIncomplete(missing)
    target = check_transition(case, "finalise_plan")
    draft.status = PlanVersion.Status.FINAL
    draft.finalised_at = timezone.now()
    draft.finalised_by = actor.staff
    draft.full_clean(validate_constraints=False, validate_unique=False)
    draft.save(update_fields=["status", "finalised_at", "finalised_by", "no_meeting_reason"])
    # RAD-2: an effort is agreed when the plan that first holds it is finalised; from then on
    # the child waits for it until it is recorded as started.
    agreed = draft.items.filter(kind=PlanItem.Kind.EFFORT, agreed_on__isnull=True).update(
        agreed_on=timezone.localdate(draft.finalised_at)
    )
    _set_case_status(case, target)
    _record(
        actor, case, decision, draft, "plan_finalised", without_meeting=bool(reason),
        efforts_agreed=agreed,
    )  # fmt: skip
    return draft


__all__ = [
    "ItemInput", "NoDraft", "PlanIncomplete", "StalePlan", "TransitionRefused", "finalise_plan",
    "save_draft", "start_plan",
]  # fmt: skip
