"""Getting in: « Première connexion / mot de passe oublié » and activation
links (see access.py)."""

from __future__ import annotations

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from binome.accounts.models import User
from binome.accounts.views import sso_providers

from . import access
from .forms import AccessLinkForm
from .models import Person

SESSION_KEY = "_binome_activation_token"


@never_cache
def access_link(request: HttpRequest) -> HttpResponse:
    """Send a link to choose a password: the same answer whether the address
    is known or not, and at most a few links per address and per hour."""
    initial = {"next": access.safe_next(request.GET.get("next"))}
    form = AccessLinkForm(
        request.POST if request.method == "POST" else None, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].strip().lower()
        if not ratelimit.consume(request, action="reset_password", key=email):
            form.add_error(
                "email",
                _(
                    "Too many links were asked for this address or from this "
                    "network. Wait an hour, or check your mailbox: the last link "
                    "still works."
                ),
            )
        else:
            access.send_access_link(
                email=email,
                next_path=access.safe_next(form.cleaned_data["next"]),
                language=translation.get_language() or "fr",
            )
            return redirect("accounts:password_reset_done")
    return render(request, "accounts/password_reset.html", {"form": form})


def activate_and_login(
    request: HttpRequest, person: Person, form: SetPasswordForm[User]
) -> bool:
    """The password form of an activation (by link or by invitation): create
    the account, log the person in, say welcome. False when the form or the
    activation is refused (the errors are on the form)."""
    if not form.is_valid():
        return False
    try:
        user = access.activate(
            person=person,
            password=form.cleaned_data["new_password1"],
            language=translation.get_language() or "fr",
            request=request,
        )
    except ValidationError as error:
        form.add_error(None, error)
        return False
    login(request, user, backend=access.LOGIN_BACKEND)
    messages.success(request, _("Your account is ready. Welcome to Binôme!"))
    return True


@never_cache
def activate(request: HttpRequest, token: str) -> HttpResponse:
    """The link of an activation e-mail. The token moves to the session and
    the page reloads without it, so that it leaks through no Referer header."""
    if access.read_activation(token) is None:
        return render(request, "people/activation_invalid.html", status=410)
    request.session[SESSION_KEY] = token
    return redirect("people:activate_form")


@never_cache
@sensitive_post_parameters("new_password1", "new_password2")
def activate_form(request: HttpRequest) -> HttpResponse:
    token = request.session.get(SESSION_KEY, "")
    activation = access.read_activation(token) if token else None
    if activation is None:
        return render(request, "people/activation_invalid.html", status=410)
    person = activation.person
    form = SetPasswordForm(
        access.unsaved_user(person),
        request.POST if request.method == "POST" else None,
    )
    if request.method == "POST" and activate_and_login(request, person, form):
        request.session.pop(SESSION_KEY, None)
        return redirect(activation.next_path or "home")
    return render(
        request,
        "people/activate.html",
        {
            "person": person,
            "form": form,
            "sso_providers": sso_providers(request),
            "next_path": activation.next_path,
        },
    )
