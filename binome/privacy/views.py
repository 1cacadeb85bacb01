"""The person's data page (« Mes données ») and the administrators' pages.

The same views serve all three: ``user_id`` and ``person_id`` are None for
the person themself (/compte/donnees/…); ``user_id`` is set when a superuser
acts for an account (/confidentialite/comptes/<id>/…), ``person_id`` when a
superuser acts for a person of the HR file, who may have no account
(/confidentialite/personnes/<id>/…). Anyone else gets a 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import rules
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from binome.accounts.models import User
from binome.people.models import Person

from . import export, retention, search
from . import rules as _rules  # noqa: F401  (registers the permissions)
from .erasure import erase_person, live_enrolments
from .forms import EraseForm, SearchForm
from .subject import Subject

# Rows of the search results: enough to tell namesakes apart.
SEARCH_LIMIT = 50


@dataclass
class Target:
    """Whose data a page shows, and where its links lead."""

    subject: Subject
    user_id: int | None  # /confidentialite/comptes/<user_id>/…
    person_id: int | None  # /confidentialite/personnes/<person_id>/…

    @property
    def shown(self) -> Any:
        """What the page calls the person: the HR profile on the privacy
        office's pages about a person, the account elsewhere."""
        if self.person_id is not None:
            return self.subject.person
        return self.subject.user

    @property
    def file_stem(self) -> str:
        if self.person_id is not None:
            return f"binome-donnees-personne-{self.person_id}"
        assert self.subject.user is not None
        return f"binome-donnees-{self.subject.user.pk}"

    def url(self, name: str) -> str:
        if self.person_id is not None:
            return reverse(f"privacy:admin_person_{name}", args=[self.person_id])
        if self.user_id is not None:
            return reverse(f"privacy:admin_{name}", args=[self.user_id])
        return reverse(f"privacy:{name}")

    @property
    def urls(self) -> dict[str, str]:
        return {n: self.url(n) for n in ("overview", "report", "json", "pdf", "erase")}


def _target(
    request: HttpRequest, user_id: int | None, person_id: int | None, perm: str
) -> Target:
    """The person whose data is shown: the requester themself, or, for a
    superuser, the account or the HR profile in the URL (a profile may have
    no account). 404 for anyone else, whether it exists or not."""
    if person_id is not None:
        if not rules.has_perm("privacy.manage_personal_data", request.user):
            raise Http404
        person = Person.objects.filter(pk=person_id).first()
        if person is None:
            raise Http404
        return Target(Subject.for_person(person), None, person_id)
    if user_id is None:
        user: User = request.user  # type: ignore[assignment]
        return Target(Subject.for_user(user), None, None)
    found = User.objects.filter(pk=user_id).first()
    if found is None or not rules.has_perm(perm, request.user, found):
        raise Http404
    return Target(Subject.for_user(found), user_id, None)


def _acting_for(request: HttpRequest, target: Target) -> bool:
    user = target.subject.user
    return user is None or user.pk != request.user.pk


def _article_15() -> dict[str, Any]:
    return {
        "dpo_contact": settings.PRIVACY_DPO_CONTACT,
        "retention": retention.policy(),
        "casting_in_export": settings.PRIVACY_EXPORT_CASTING_REVIEWS,
    }


@require_GET
@login_required
def overview(
    request: HttpRequest, user_id: int | None = None, person_id: int | None = None
) -> HttpResponse:
    target = _target(request, user_id, person_id, "privacy.export_person_data")
    return render(
        request,
        "privacy/overview.html",
        {
            "target": target.shown,
            "acting_for": _acting_for(request, target),
            "has_account": target.subject.user is not None,
            "urls": target.urls,
            **_article_15(),
        },
    )


@require_GET
@login_required
def report(
    request: HttpRequest, user_id: int | None = None, person_id: int | None = None
) -> HttpResponse:
    target = _target(request, user_id, person_id, "privacy.export_person_data")
    subject = target.subject
    export.record_export(subject, request=request, fmt="html")
    response = render(
        request,
        "privacy/report.html",
        {
            "target": target.shown,
            "sections": export.sections(subject),
            "generated_at": timezone.now(),
            "urls": target.urls,
            **_article_15(),
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@login_required
def export_json(
    request: HttpRequest, user_id: int | None = None, person_id: int | None = None
) -> HttpResponse:
    target = _target(request, user_id, person_id, "privacy.export_person_data")
    subject = target.subject
    export.record_export(subject, request=request, fmt="json")
    response = HttpResponse(
        export.export_json(subject), content_type="application/json; charset=utf-8"
    )
    day = timezone.localdate().isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="{target.file_stem}-{day}.json"'
    )
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@login_required
def export_pdf(
    request: HttpRequest, user_id: int | None = None, person_id: int | None = None
) -> HttpResponse:
    from weasyprint import HTML

    target = _target(request, user_id, person_id, "privacy.export_person_data")
    subject = target.subject
    export.record_export(subject, request=request, fmt="pdf")
    html = render_to_string(
        "privacy/report_pdf.html",
        {
            "target": target.shown,
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
        f'attachment; filename="{target.file_stem}-{day}.pdf"'
    )
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
@login_required
def erase(
    request: HttpRequest, user_id: int | None = None, person_id: int | None = None
) -> HttpResponse:
    target = _target(request, user_id, person_id, "privacy.erase_person")
    subject = target.subject
    by_self = not _acting_for(request, target)
    expected, kind = _confirmation(target)
    form = EraseForm(
        request.POST if request.method == "POST" else None,
        expected=expected,
        kind=kind,
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
            "target": target.shown,
            "by_self": by_self,
            "has_account": subject.user is not None,
            "form": form,
            "live": live_enrolments(subject),
            "urls": target.urls,
        },
    )


def _confirmation(target: Target) -> tuple[str, str]:
    """What the erasure form asks to type again, and which kind of value it
    is: the account's address on the account pages; on a person's page, the
    address of the HR file, or, when it has none, the full name."""
    subject = target.subject
    if target.person_id is None:
        assert subject.user is not None
        return subject.user.email, "account"
    assert subject.person is not None
    if subject.person.email:
        return subject.person.email, "email"
    return subject.person.full_name, "name"


@require_GET
def erased(request: HttpRequest) -> HttpResponse:
    return render(request, "privacy/erased.html")


@require_GET
@login_required
def admin_index(request: HttpRequest) -> HttpResponse:
    if not rules.has_perm("privacy.manage_personal_data", request.user):
        raise Http404
    form = SearchForm(request.GET or None)
    found = None
    if form.is_valid():
        found = search.find(form.cleaned_data["q"], limit=SEARCH_LIMIT)
    return render(
        request,
        "privacy/admin_index.html",
        {
            "form": form,
            "found": found,
            "limit": SEARCH_LIMIT,
            "retention": retention.policy(),
            "pending": retention.apply_retention(dry_run=True),
        },
    )
