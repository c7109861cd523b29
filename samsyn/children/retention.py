"""The child as a record type for retention (docs/adr/0014). Its own entries are its units'
relationships with it: while one runs the child is open, and its last entry is the last one's
end; a child no unit ever had has no entry Samsyn knows of and is kept for a person to decide,
never deleted on a guess. Retention deletes the child only once no other record type holds data
on them; a guardian goes with their last child unless something else still names them."""

from __future__ import annotations

from django.db.models import Case, DateField, Exists, Max, OuterRef, QuerySet, Subquery, When
from django.db.models.deletion import ProtectedError

from samsyn.children.models import Child, Guardian, Involvement
from samsyn.retention import kinds


def _last_entry():
    running = Involvement.objects.filter(child=OuterRef("pk"), ended_on__isnull=True)
    ended = (
        Involvement.objects.filter(child=OuterRef("pk"))
        .values("child")
        .annotate(last=Max("ended_on"))
        .values("last")
    )
    return Case(When(Exists(running), then=None), default=Subquery(ended), output_field=DateField())


def _delete(children: QuerySet) -> int:
    guardians = list(
        Guardian.objects.filter(guardianships__child__in=children).values_list("pk", flat=True)
    )
    deleted = children.delete()[1].get(Child._meta.label, 0)
    orphans = Guardian.objects.filter(pk__in=guardians, guardianships__isnull=True)
    try:
        orphans.delete()
    except ProtectedError:
        # Another record names one of them (a family-portal account, a meeting invitation):
        # those stay, the others go.
        for guardian in orphans:
            try:
                guardian.delete()
            except ProtectedError:
                continue
    return deleted


def register() -> None:
    kinds.register(
        kinds.RetentionKind(
            model=Child, code="child", child="", last_entry=_last_entry, delete=_delete
        )
    )
