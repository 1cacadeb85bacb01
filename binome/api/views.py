"""The « API tokens » page of the user's account: create (the secret is
shown once), list and revoke personal access tokens."""

from __future__ import annotations

import datetime

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from binome.accounts import audit
from binome.accounts.models import ApiToken, AuditEvent
from binome.http import AuthenticatedRequest

from .forms import TokenForm

TOKEN_CREATED = AuditEvent.Action.API_TOKEN_CREATED
TOKEN_REVOKED = AuditEvent.Action.API_TOKEN_REVOKED


@login_required
@never_cache
# A stolen session must not mint a long-lived token: creating one asks for
# the password again (allauth's reauthentication, which replays the POST).
@reauthentication_required(allow_get=True)
def tokens(request: AuthenticatedRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    clear = None
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            token, clear = ApiToken.issue(
                owner=request.user,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                expires_at=timezone.now()
                + datetime.timedelta(days=form.cleaned_data["lifetime"]),
            )
            audit.record(
                TOKEN_CREATED,
                request=request,
                target=f"api_token:{token.prefix}",
                scopes=token.scopes,
                expires_at=token.expires_at.isoformat() if token.expires_at else None,
            )
        # Rendered, not redirected: the secret must not wait in a session.
        form = TokenForm()
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "clear": clear,
            "tokens": request.user.api_tokens.all(),
        },
    )


@login_required
@require_POST
def revoke(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(request.user.api_tokens, pk=pk)
    if token.revoked_at is None:
        token.revoke()
        audit.record(TOKEN_REVOKED, request=request, target=f"api_token:{token.prefix}")
    messages.success(
        request, _("The token « %(name)s » is revoked.") % {"name": token.name}
    )
    return redirect("api_tokens")


@csrf_exempt  # it changes nothing; a POST without a cookie gets the 404 too
def not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    """Any other URL under /api/v1/: the API's JSON 404, not the HTML page."""
    return JsonResponse(
        {"error": {"code": "not_found", "message": _("Not found."), "details": []}},
        status=404,
    )
