"""Closing a programme: the managers' closing page, the participants' final
survey and the mentors' certificates. Views only shape HTTP; the workflow is
in ``binome.pairs.closing``."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from binome.http import AuthenticatedRequest
from binome.pairs import closing as service
from binome.pairs import recognition
from binome.pairs.models import Certificate, ClosingSurvey, Pair, TalentFlag
from binome.programs.access import managed_programme_or_404, require
from binome.programs.models import Enrolment

SCALE = [(i, str(i)) for i in range(1, 6)]


class SurveyForm(forms.Form):
    confidence_before = forms.TypedChoiceField(
        label=gettext_lazy(
            "Before the programme, how confident did you feel on these topics? "
            "(1 = not at all, 5 = fully)"
        ),
        choices=SCALE,
        coerce=int,
        widget=forms.RadioSelect,
    )
    confidence_after = forms.TypedChoiceField(
        label=gettext_lazy("And now? (1 = not at all, 5 = fully)"),
        choices=SCALE,
        coerce=int,
        widget=forms.RadioSelect,
    )
    satisfaction = forms.TypedChoiceField(
        label=gettext_lazy(
            "How satisfied are you with the programme? (1 = not at all, 5 = very)"
        ),
        choices=SCALE,
        coerce=int,
        widget=forms.RadioSelect,
    )
    would_recommend = forms.TypedChoiceField(
        label=gettext_lazy("Would you recommend the programme to a colleague?"),
        choices=[("yes", gettext_lazy("Yes")), ("no", gettext_lazy("No"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=gettext_lazy("Comment (only you will ever read it)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    talent_opt_in = forms.BooleanField(
        label=gettext_lazy(
            "I agree that the programme's managers may tell HR that I stood out "
            "as a mentor (« découverte de futurs talents »). I can withdraw "
            "this at any time."
        ),
        required=False,
    )
    share_contribution = forms.BooleanField(required=False)


def _get_pair_for_member(
    request: AuthenticatedRequest, pk: int
) -> tuple[Pair, Enrolment]:
    """The pair and the user's enrolment in it; 404 for anyone else."""
    pair = get_object_or_404(
        Pair.objects.select_related(
            "mentor__person", "mentee__person", "mentee__programme"
        ),
        pk=pk,
    )
    require(request.user, "pairs.use_workspace", pair)
    me = pair.mentor if pair.mentor.person.user_id == request.user.pk else pair.mentee
    return pair, me


@login_required
def survey(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    pair, me = _get_pair_for_member(request, pk)
    is_mentor = me.pk == pair.mentor_id
    existing = ClosingSurvey.objects.filter(pair=pair, author=me).first()
    initial = {}
    if existing is not None:
        initial = {
            "confidence_before": existing.confidence_before,
            "confidence_after": existing.confidence_after,
            "satisfaction": existing.satisfaction,
            "would_recommend": "yes" if existing.would_recommend else "no",
            "comment": existing.comment,
            "talent_opt_in": TalentFlag.objects.filter(enrolment=me).exists(),
            "share_contribution": recognition.is_shared(me),
        }
    form = SurveyForm(request.POST or None, initial=initial)
    line_manager = recognition.line_manager_user(me) if is_mentor else None
    if not is_mentor:
        del form.fields["talent_opt_in"]
    if line_manager is None:
        # No line manager on record (or not a mentor): nothing to share with.
        del form.fields["share_contribution"]
    else:
        form.fields["share_contribution"].label = _(
            "I agree that my line manager, %(name)s, sees my contribution as a "
            "mentor in this programme once it is closed: sessions held, hours "
            "and pairs (never what we said). I can withdraw this at any time."
        ) % {"name": me.person.manager.full_name if me.person.manager else ""}
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.setdefault("talent_opt_in", False)
        data.setdefault("share_contribution", False)
        service.submit_survey(pair=pair, enrolment=me, **data)
        messages.success(request, _("Thank you: your answers are saved."))
        return redirect("insights:survey", pk=pair.pk)
    certificate = Certificate.objects.filter(enrolment=me).first()
    return render(
        request,
        "pairs/closing_survey.html",
        {
            "pair": pair,
            "form": form,
            "certificate": certificate,
            "is_mentor": is_mentor,
        },
    )


@login_required
def certificate(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The mentor's own certificate, or any certificate of a programme the
    user manages; 404 for anyone else."""
    found = get_object_or_404(
        Certificate.objects.select_related(
            "enrolment__person__user", "enrolment__programme"
        ),
        pk=pk,
    )
    require(request.user, "pairs.view_certificate", found)
    response = HttpResponse(
        service.certificate_pdf(found), content_type="application/pdf"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="certificat-{found.number}.pdf"'
    )
    return response


@login_required
def closing(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    """The closing page. While the programme runs, it shows what closing
    would do and to whom; only a POST with ``confirm=1`` closes (any other
    POST shows the same preview). Once closed, it offers to reopen within
    the grace period."""
    programme = managed_programme_or_404(request, slug)
    if request.method == "POST" and request.POST.get("confirm") == "1":
        try:
            summary = service.close_programme(programme=programme, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _(
                    "The programme is closed and archived. Pairs closed: "
                    "%(pairs)s; planned sessions cancelled: %(sessions)s; "
                    "certificates issued: %(certificates)s. The final survey and "
                    "the certificates are on their way by e-mail."
                )
                % {
                    "pairs": summary.pairs_closed,
                    "sessions": summary.sessions_cancelled,
                    "certificates": summary.certificates,
                },
            )
        return redirect("insights:closing", slug=slug)
    pairs = Pair.objects.in_programme(programme)
    answered = ClosingSurvey.objects.filter(pair__in=pairs).count()
    plan = (
        service.plan_closing(programme=programme)
        if programme.status == programme.Status.RUNNING
        else None
    )
    last = service.last_closing(programme)
    reopen_error = ""
    if last is not None:
        try:
            service.plan_reopening(programme=programme)
        except ValidationError as error:
            reopen_error = " ".join(error.messages)
    return render(
        request,
        "pairs/closing.html",
        {
            "programme": programme,
            "pairs": pairs.count(),
            "active": pairs.active().count(),
            "answered": answered,
            "plan": plan,
            "last_closing": last,
            "reopen_deadline": service.reopen_deadline(last) if last else None,
            "reopen_error": reopen_error,
            "grace_days": service.REOPEN_GRACE_DAYS,
            # Only mentors who opted in are listed: nobody else can be flagged.
            "talents": TalentFlag.objects.filter(enrolment__programme=programme)
            .select_related("enrolment__person")
            .order_by("enrolment__person__last_name"),
            "certificates": Certificate.objects.filter(
                enrolment__programme=programme
            ).select_related("enrolment__person"),
        },
    )


@login_required
def reopen(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    """Reopen a programme closed by mistake: a preview of what comes back,
    then a POST with ``confirm=1``. Past the grace period, or for a
    programme that is not closed, back to the closing page with why."""
    programme = managed_programme_or_404(request, slug)
    try:
        plan = service.plan_reopening(programme=programme)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("insights:closing", slug=slug)
    if request.method == "POST" and request.POST.get("confirm") == "1":
        try:
            summary = service.reopen_programme(programme=programme, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("insights:closing", slug=slug)
        messages.success(
            request,
            _(
                "The programme is running again. Pairs active again: %(pairs)s; "
                "sessions planned again: %(sessions)s; certificates withdrawn: "
                "%(certificates)s."
            )
            % {
                "pairs": summary.pairs,
                "sessions": summary.sessions,
                "certificates": summary.certificates,
            },
        )
        return redirect("insights:closing", slug=slug)
    return render(
        request,
        "pairs/reopen.html",
        {
            "programme": programme,
            "plan": plan,
            "grace_days": service.REOPEN_GRACE_DAYS,
        },
    )


@login_required
@require_POST
def flag_talent(
    request: AuthenticatedRequest, slug: str, enrolment_pk: int
) -> HttpResponse:
    programme = managed_programme_or_404(request, slug)
    enrolment = programme.enrolments.filter(pk=enrolment_pk).first()
    if enrolment is None:
        raise Http404
    try:
        service.flag_talent(enrolment=enrolment, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(name)s is flagged to HR.") % {"name": enrolment.person.full_name},
        )
    return redirect("insights:closing", slug=slug)
