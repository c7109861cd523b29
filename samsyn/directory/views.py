from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from samsyn.access.http import actor_required
from samsyn.directory import selectors
from samsyn.directory.forms import DirectorySearchForm

ORGANISATIONS_PER_PAGE = 20
UNITS_PER_PAGE = 20


@actor_required("directory.view")
@require_GET
def organisation_list(request):
    form = DirectorySearchForm(request.GET or None)
    filters = form.filters()
    organisations = selectors.organisations(
        query=filters.get("q", ""), principal=filters.get("principal"), kind=filters.get("kind", "")
    )
    page = Paginator(organisations, ORGANISATIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "directory/organisation_list.html",
        {"form": form, "page": page, "searched": bool(filters)},
    )


@actor_required("directory.view")
@require_GET
def organisation_detail(request, organisation_id: int):
    try:
        organisation = selectors.organisation_for(organisation_id=organisation_id)
    except selectors.OrganisationNotFound:
        raise Http404 from None
    units = Paginator(selectors.units_of(organisation), UNITS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "directory/organisation_detail.html",
        {"organisation": organisation, "page": units},
    )
