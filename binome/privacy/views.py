"""The person's data page (« Mes données ») and the administrators' pages.

The same views serve both: ``user_id`` is None for the person themself
(/compte/donnees/…) and set when a superuser acts for someone
(/confidentialite/comptes/<id>/…). Anyone else gets a 404.
"""

from __future__ import annotations

from typing import Any

import rules
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from binome.accounts.models import User

from . import export, retention
from . import rules as _rules  # noqa: F401  (registers the permissions)
from .erasure import erase_person, live_enrolments
from .forms import EraseForm, SearchForm
from .subject import Subject


def _target(request: HttpRequest, user_id: int | None, perm: str) -> User:
    """The account whose data is shown: the person's own, or, for a superuser,
    the one in the URL. 404 for anyone else, whether it exists or not."""
    if user_id is None:
        return request.user  # type: ignore[return-value]
    target = User.objects.filter(pk=user_id).first()
    if target is None or not rules.has_perm(perm, request.user, target):
        raise Http404
    return target


def _urls(user_id: int | None) -> dict[str, str]:
    def url(name: str) -> str:
        if user_id is None:
            return reverse(f"privacy:{name}")
        return reverse(f"privacy:admin_{name}", args=[user_id])

    return {n: url(n) for n in ("overview", "report", "json", "pdf", "erase")}


def _article_15() -> dict[str, Any]:
    return {
        "dpo_contact": settings.PRIVACY_DPO_CONTACT,
        "retention": retention.policy(),
        "casting_in_export": settings.PRIVACY_EXPORT_CASTING_REVIEWS,
    }


@require_GET
@login_required
def overview(request: HttpRequest, user_id: int | None = None) -> HttpResponse:
    target = _target(request, user_id, "privacy.export_person_data")
    return render(
        request,
        "privacy/overview.html",
        {
            "target": target,
            "acting_for": user_id is not None and target.pk != request.user.pk,
            "urls": _urls(user_id),
            **_article_15(),
        },
    )


@require_GET
@login_required
def report(request: HttpRequest, user_id: int | None = None) -> HttpResponse:
    target = _target(request, user_id, "privacy.export_person_data")
    subject = Subject.for_user(target)
    export.record_export(subject, request=request, fmt="html")
    response = render(
        request,
        "privacy/report.html",
        {
            "target": target,
            "sections": export.sections(subject),
            "generated_at": timezone.now(),
            "urls": _urls(user_id),
            **_article_15(),
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@login_required
def export_json(request: HttpRequest, user_id: int | None = None) -> HttpResponse:
    target = _target(request, user_id, "privacy.export_person_data")
    subject = Subject.for_user(target)
    export.record_export(subject, request=request, fmt="json")
    response = HttpResponse(
        export.export_json(subject), content_type="application/json; charset=utf-8"
    )
    day = timezone.localdate().isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="binome-donnees-{target.pk}-{day}.json"'
    )
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@login_required
def export_pdf(request: HttpRequest, user_id: int | None = None) -> HttpResponse:
    from weasyprint import HTML

    target = _target(request, user_id, "privacy.export_person_data")
    subject = Subject.for_user(target)
    export.record_export(subject, request=request, fmt="pdf")
    html = render_to_string(
        "privacy/report_pdf.html",
        {
            "target": target,
            "sections": export.sections(subject),
            "generated_at": timezone.now(),
            **_article_15(),
        },
        request=request,
    )
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    day = timezone.localdate().isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="binome-donnees-{target.pk}-{day}.pdf"'
    )
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
@login_required
def erase(request: HttpRequest, user_id: int | None = None) -> HttpResponse:
    target = _target(request, user_id, "privacy.erase_person")
    by_self = target.pk == request.user.pk
    subject = Subject.for_user(target)
    form = EraseForm(
        request.POST if request.method == "POST" else None, email=target.email
    )
    if request.method == "POST" and form.is_valid():
        erase_person(subject, by=request.user, request=request)
        if by_self:
            # Not logout(): its signal would log the address of an erased
            # person. The session row is already gone; this forgets the cookie.
            request.session.flush()
            request.user = AnonymousUser()
            return redirect("privacy:erased")
        messages.success(request, _("The person's data have been erased."))
        return redirect("privacy:admin_index")
    return render(
        request,
        "privacy/erase.html",
        {
            "target": target,
            "by_self": by_self,
            "form": form,
            "live": live_enrolments(subject),
            "urls": _urls(user_id),
        },
    )


@require_GET
def erased(request: HttpRequest) -> HttpResponse:
    return render(request, "privacy/erased.html")


@require_GET
@login_required
def admin_index(request: HttpRequest) -> HttpResponse:
    if not rules.has_perm("privacy.manage_personal_data", request.user):
        raise Http404
    form = SearchForm(request.GET or None)
    found: list[User] = []
    if form.is_valid():
        q = form.cleaned_data["q"].strip()
        words = Q()
        for word in q.split():
            words &= (
                Q(email__icontains=word)
                | Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
            )
        found = list(User.objects.filter(words).select_related("person")[:50])
    return render(
        request,
        "privacy/admin_index.html",
        {
            "form": form,
            "found": found,
            "retention": retention.policy(),
            "pending": retention.apply_retention(dry_run=True),
        },
    )
