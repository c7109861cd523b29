"""Reads of the directory (katalog): organisations with their mandate, competence, priority
order and contact route, so the parties know each other's responsibilities (DOMAIN GOV-2).

The directory holds no child's data; it is readable by every signed-in role and not audited.
Of staff it shows only names and titles, unit by unit.
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import Count, F, Prefetch, Q, QuerySet

from samsyn.directory.models import Membership, Organisation, Principal, Unit

SEARCH_CONFIG = "swedish"
# Words shorter than this are matched as substrings too: the stemmer does little for them, and a
# user typing "BU" or "LSS" expects what they see in a name.
SHORT_WORD = 4


class OrganisationNotFound(Exception):
    pass


def organisations(
    *, query: str = "", principal: Principal | None = None, kind: str = ""
) -> QuerySet[Organisation]:
    """Organisations matching a Swedish full-text query and the filters, best match first."""
    organisations = Organisation.objects.select_related("principal").defer(
        "search", "priorities", "contact_route"
    )
    if principal is not None:
        organisations = organisations.filter(principal=principal)
    if kind:
        organisations = organisations.filter(kind=kind)
    query = " ".join(query.split())
    if not query:
        return organisations.order_by("name", "pk")

    search_query = SearchQuery(query, config=SEARCH_CONFIG, search_type="websearch")
    # The generated `search` column (name weighted over mandate and competence) has a GIN index.
    matches = Q(search=search_query)
    for word in query.split():
        if len(word) < SHORT_WORD:
            matches |= (
                Q(name__icontains=word) | Q(mandate__icontains=word) | Q(competence__icontains=word)
            )
    return (
        organisations.filter(matches)
        .annotate(rank=SearchRank(F("search"), search_query))
        .order_by(F("rank").desc(nulls_last=True), "name", "pk")
    )


def organisation_for(*, organisation_id: int) -> Organisation:
    organisation = (
        Organisation.objects.select_related("principal")
        .defer("search")
        .filter(pk=organisation_id)
        .first()
    )
    if organisation is None:
        raise OrganisationNotFound(organisation_id)
    return organisation


def units_of(organisation: Organisation) -> QuerySet[Unit]:
    """The organisation's units with their staff count and their active staff's names and
    titles (two queries per page of units, whatever the number of staff)."""
    staff = (
        Membership.objects.filter(active=True)
        .select_related("staff")
        .only("unit_id", "role", "staff__name", "staff__title")
        .order_by("staff__name", "role")
    )
    return (
        Unit.objects.filter(organisation=organisation)
        .select_related("municipality")
        .annotate(
            staff_count=Count(
                "memberships__staff", filter=Q(memberships__active=True), distinct=True
            )
        )
        .prefetch_related(Prefetch("memberships", queryset=staff, to_attr="active_memberships"))
        .order_by("name", "pk")
    )
