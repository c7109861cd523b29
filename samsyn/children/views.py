from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from samsyn.access import rules
from samsyn.access.http import actor_required
from samsyn.access.models import Purpose
from samsyn.children import selectors


def _purpose(request) -> str:
    purpose = request.GET.get("purpose", "")
    return purpose if purpose in Purpose.values else rules.default_purpose(request.actor)


@actor_required("children.search")
@require_GET
def child_list(request):
    purpose = _purpose(request)
    query = request.GET.get("q", "")[:100]
    children = selectors.children_visible_to(request.actor, purpose=purpose, query=query)
    page = Paginator(children, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "children/child_list.html",
        {"page": page, "query": query, "purpose": purpose, "purposes": Purpose.choices},
    )


@actor_required("children.search")
@require_GET
def child_detail(request, child_id: int):
    purpose = _purpose(request)
    try:
        view = selectors.child_for(request.actor, child_id=child_id, purpose=purpose)
    except selectors.ChildNotFound:
        raise Http404 from None
    return render(
        request,
        "children/child_detail.html",
        {"view": view, "child": view.child, "purposes": Purpose.choices},
    )
