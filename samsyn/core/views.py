from django.db import connection
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django.views.i18n import set_language as django_set_language

from samsyn.access.http import actor_required, public


@actor_required()
@require_GET
def home(request):
    return render(request, "core/home.html")


@public
@require_GET
def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


set_language = public(django_set_language)
