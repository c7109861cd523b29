"""The page where a signed-in person makes, lists and revokes their personal API tokens."""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from samsyn.access.http import actor_required
from samsyn.accounts import token_services


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        help_text=gettext_lazy("What the token is for, so you recognise it later."),
    )
    days = forms.IntegerField(
        label=gettext_lazy("Valid for (days)"),
        min_value=1,
        max_value=token_services.MAX_DAYS,
        initial=30,
        help_text=gettext_lazy("From 1 to 365 days."),
    )


# never_cache: the response that shows a new token's secret must not be kept by any cache.
@never_cache
@actor_required("api.tokens")
@require_http_methods(["GET", "POST"])
def token_list(request):
    form = TokenCreateForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        token, secret = token_services.create_token(
            actor=request.actor, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
        )
        # Rendered here rather than after a redirect: the secret is never stored, so this
        # response is the only place it can be shown.
        created = {"token": token, "secret": secret}
        form = TokenCreateForm()
    tokens = token_services.tokens_of(request.actor.user_id)
    return render(
        request,
        "accounts/tokens.html",
        {"form": form, "tokens": tokens, "created": created, "now": timezone.now()},
    )


@actor_required("api.tokens")
@require_POST
def token_revoke(request, token_id: int):
    try:
        token_services.revoke_token(actor=request.actor, token_id=token_id)
    except token_services.TokenNotFound:
        raise Http404 from None
    messages.success(request, _("The token was revoked. It no longer works."))
    return redirect("tokens:list")
