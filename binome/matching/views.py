"""Pages of the matching: the manager's rounds (run, review, lock, forbid,
swap, remove, compare) and the mentee's « café virtuel » shortlist."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from binome.http import AuthenticatedRequest
from binome.programs import services
from binome.programs.access import managed_programme_or_404
from binome.programs.forms import CoffeeRequestForm, VerdictForm
from binome.programs.journey import _get_enrolment_for_user
from binome.programs.models import (
    MATCHING_RULES,
    MATCHING_WEIGHTS,
    CoffeeChat,
    Enrolment,
    Programme,
)

from . import rounds
from .models import MatchingRound

# Engine rule codes (pairmaker.rule_violations) -> the programme's rule labels.
RULE_LABELS = {
    "language": MATCHING_RULES["require_common_language"][0],
    "format": MATCHING_RULES["require_format"][0],
    "slots": MATCHING_RULES["min_common_slots"][0],
    "seniority": MATCHING_RULES["seniority"][0],
    "department": MATCHING_RULES["same_department"][0],
    "reporting_line": MATCHING_RULES["forbid_reporting_line"][0],
}

_get_programme_for_manager = managed_programme_or_404


# Matching rounds ---------------------------------------------------------------


def _get_round(request: AuthenticatedRequest, slug: str, number: int) -> MatchingRound:
    programme = _get_programme_for_manager(request, slug)
    # A round whose worker died shows as failed at once, not as a spinner
    # until the reaper's next run.
    rounds.reap_stale_rounds(programme=programme)
    return get_object_or_404(
        MatchingRound.objects.select_related("programme"),
        programme=programme,
        number=number,
    )


@login_required
def round_list(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    programme = _get_programme_for_manager(request, slug)
    rounds.reap_stale_rounds(programme=programme)
    decisions = programme.pair_decisions.select_related(
        "mentor__person", "mentee__person"
    )
    return render(
        request,
        "matching/rounds.html",
        {
            "programme": programme,
            "rounds": programme.matching_rounds.all(),
            "decisions": decisions,
            "cohort": len(rounds.cohort(programme)),
        },
    )


@login_required
@require_POST
def round_start(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    programme = _get_programme_for_manager(request, slug)
    preview = rounds.preview_start(programme=programme)
    if preview.needs_confirmation and request.POST.get("confirm") != "1":
        # Recruitment closes, or manual decisions would be lost: say so first.
        return render(
            request,
            "matching/round_start_confirm.html",
            {"programme": programme, "preview": preview},
        )
    try:
        round_ = rounds.start_round(programme=programme, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("matching:rounds", slug=slug)
    return redirect("matching:round", slug=slug, number=round_.number)


def _round_context(round_: MatchingRound) -> dict[str, Any]:
    from binome.matching.matchcsv import describe

    ids = {p["mentor"] for p in round_.pairs} | {p["mentee"] for p in round_.pairs}
    ids |= {u["mentee"] for u in round_.unmatched} | set(
        round_.result.get("idle_mentors", [])
    )
    people = {
        e.pk: e
        for e in Enrolment.objects.filter(pk__in=ids).select_related(
            "person__department"
        )
    }
    decisions = {
        (d.mentor_id, d.mentee_id): d.kind
        for d in round_.programme.pair_decisions.all()
    }
    pairs = [
        {
            **p,
            "mentor_enrolment": people.get(p["mentor"]),
            "mentee_enrolment": people.get(p["mentee"]),
            "sentences": [describe(code) for code in p["reasons"]],
            "decision": decisions.get((p["mentor"], p["mentee"])),
            "components_list": [
                (MATCHING_WEIGHTS[k][0], v)
                for k, v in p["components"].items()
                if k in MATCHING_WEIGHTS
            ],
        }
        for p in sorted(round_.pairs, key=lambda p: -p["score"])
    ]
    unmatched = [
        {"enrolment": people.get(u["mentee"]), "reason": describe(u["reason"])}
        for u in round_.unmatched
    ]
    idle = [people[pk] for pk in round_.result.get("idle_mentors", []) if pk in people]
    return {
        "round": round_,
        "programme": round_.programme,
        "pairs": pairs,
        "unmatched": unmatched,
        "idle_mentors": idle,
        "totals": round_.totals,
        "engine": round_.result.get("engine", {}),
        "others": round_.programme.matching_rounds.exclude(pk=round_.pk).filter(
            status=MatchingRound.Status.DONE
        ),
    }


@login_required
def round_detail(request: AuthenticatedRequest, slug: str, number: int) -> HttpResponse:
    round_ = _get_round(request, slug, number)
    if request.htmx and request.GET.get("progress"):
        if round_.is_finished:
            # The whole page changes: reload it.
            response = HttpResponse("")
            response["HX-Refresh"] = "true"
            return response
        return render(request, "matching/round.html#progress", {"round": round_})
    return render(request, "matching/round.html", _round_context(round_))


@login_required
@require_POST
def round_action(request: AuthenticatedRequest, slug: str, number: int) -> HttpResponse:
    """Lock, forbid, remove or swap pairs in a finished round."""
    round_ = _get_round(request, slug, number)
    action = request.POST.get("action", "")

    def number_of(name: str) -> int:
        value = request.POST.get(name, "")
        if not value.isdigit():
            raise ValidationError(_("Choose the people concerned."))
        return int(value)

    try:
        if action in ("lock", "forbid"):
            rounds.decide_pair(
                round_=round_,
                mentor_id=number_of("mentor"),
                mentee_id=number_of("mentee"),
                kind=action,
                by=request.user,
            )
            messages.success(
                request,
                _("Pair locked: the next rounds keep it.")
                if action == "lock"
                else _("Pair forbidden: no round will propose it again."),
            )
        elif action == "undo":
            rounds.undo_decision(
                programme=round_.programme,
                mentor_id=number_of("mentor"),
                mentee_id=number_of("mentee"),
            )
            messages.success(request, _("The decision is withdrawn."))
        elif action == "remove" and request.POST.get("confirm") != "1":
            return _confirm_removal(request, round_, number_of("mentee"))
        elif action == "remove":
            rounds.remove_pair(round_=round_, mentee_id=number_of("mentee"))
            messages.success(request, _("The pair is removed from this proposal."))
        elif action == "swap":
            warnings = rounds.swap_mentees(
                round_=round_,
                mentee_a=number_of("mentee_a"),
                mentee_b=number_of("mentee_b"),
                by=request.user,
            )
            if warnings:
                messages.warning(
                    request,
                    _(
                        "Mentees swapped and both pairs locked, but a hard rule "
                        "is broken: %(rules)s."
                    )
                    % {
                        "rules": ", ".join(str(RULE_LABELS.get(w, w)) for w in warnings)
                    },
                )
            else:
                messages.success(
                    request,
                    _("Mentees swapped; both pairs are locked for the next rounds."),
                )
        else:
            raise ValidationError(_("Unknown action."))
    except (ValidationError, Enrolment.DoesNotExist) as error:
        text = (
            " ".join(error.messages)
            if isinstance(error, ValidationError)
            else _("This person is not in the programme.")
        )
        messages.error(request, text)
    if request.POST.get("next") == "list":
        return redirect("matching:rounds", slug=slug)
    return redirect("matching:round", slug=slug, number=number)


def _confirm_removal(
    request: AuthenticatedRequest, round_: MatchingRound, mentee_id: int
) -> HttpResponse:
    rounds.check_editable(round_)
    pair = next((p for p in round_.pairs if p["mentee"] == mentee_id), None)
    if pair is None:
        raise ValidationError(_("This pair is not in the round."))
    people = {
        e.pk: e
        for e in Enrolment.objects.filter(
            pk__in=[pair["mentor"], pair["mentee"]]
        ).select_related("person")
    }
    return render(
        request,
        "matching/round_remove_confirm.html",
        {
            "programme": round_.programme,
            "round": round_,
            "pair": pair,
            "mentor": people.get(pair["mentor"]),
            "mentee": people.get(pair["mentee"]),
            "locked": round_.programme.pair_decisions.filter(
                mentor_id=pair["mentor"], mentee_id=pair["mentee"], kind="lock"
            ).exists(),
        },
    )


@login_required
def round_compare(
    request: AuthenticatedRequest, slug: str, number: int, other: int
) -> HttpResponse:
    a = _get_round(request, slug, number)
    b = _get_round(request, slug, other)
    diff = rounds.compare(a, b)
    ids = {x for pair in diff["only_a"] + diff["only_b"] for x in pair}
    names = {
        e.pk: e.person.full_name
        for e in Enrolment.objects.filter(pk__in=ids).select_related("person")
    }

    def named(pairs: list[tuple[int, int]]) -> list[tuple[str, str]]:
        return [(names.get(m, "?"), names.get(e, "?")) for m, e in pairs]

    return render(
        request,
        "matching/round_compare.html",
        {
            "programme": a.programme,
            "a": a,
            "b": b,
            "kept": len(diff["kept"]),
            "only_a": named(diff["only_a"]),
            "only_b": named(diff["only_b"]),
        },
    )


# « Café virtuel » -----------------------------------------------------------------


def _coffee_form(
    enrolment: Enrolment, mentor: Enrolment, data: Any = None
) -> CoffeeRequestForm:
    """The invitation form for one shortlisted mentor, with the times both
    are usually free over the next two weeks; ids unique on the page."""
    return CoffeeRequestForm(
        data,
        slots=services.coffee_slots(mentee=enrolment.person, mentor=mentor.person),
        initial={"mentor": mentor.pk},
        auto_id=f"id_%s_{mentor.pk}",
    )


def _coffee_context(
    enrolment: Enrolment, bound: CoffeeRequestForm | None = None
) -> dict[str, object]:
    from binome.matching.adapter import shortlist
    from binome.matching.matchcsv import describe

    programme = enrolment.programme
    open_for_coffee = programme.coffee_enabled and programme.status in (
        Programme.Status.RECRUITING,
        Programme.Status.MATCHING,
    )
    chats = CoffeeChat.objects.select_related("mentor__person", "mentee__person")
    if enrolment.role == Enrolment.Role.MENTEE:
        chats = chats.filter(mentee=enrolment)
        asked = {c.mentor_id: c for c in chats}
        picks = []
        if open_for_coffee and enrolment.status in (
            Enrolment.Status.VOLUNTEERED,
            Enrolment.Status.ACCEPTED,
        ):
            picks = [
                {
                    "mentor": r.mentor,
                    "score": r.score,
                    "reasons": [describe(code) for code in r.reasons],
                    "chat": asked.get(r.mentor.pk),
                    "form": bound
                    if bound is not None
                    and bound.data.get("mentor") == str(r.mentor.pk)
                    else _coffee_form(enrolment, r.mentor),
                }
                for r in shortlist(enrolment)
            ]
    else:
        chats = chats.filter(mentor=enrolment)
        picks = []
    return {
        "enrolment": enrolment,
        "open_for_coffee": open_for_coffee,
        "picks": picks,
        "chats": list(chats),
        "verdict_form": VerdictForm(),
    }


@login_required
def coffee(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Shortlist and « café virtuel »: mentees invite a mentor at a time both
    are free, mentors answer, both say if it clicked. The answers feed the
    final matching; contact details are shared once a coffee is accepted."""
    enrolment = _get_enrolment_for_user(request, pk)
    if not enrolment.programme.coffee_enabled:
        raise Http404
    return render(request, "matching/coffee.html", _coffee_context(enrolment))


@login_required
@require_POST
def coffee_request(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    enrolment = _get_enrolment_for_user(request, pk)
    if (
        enrolment.role != Enrolment.Role.MENTEE
        or not enrolment.programme.coffee_enabled
    ):
        raise Http404
    from binome.matching.adapter import shortlist

    allowed = {r.mentor.pk: r.mentor for r in shortlist(enrolment)}
    mentor_pk = request.POST.get("mentor", "")
    mentor = allowed.get(int(mentor_pk)) if mentor_pk.isdigit() else None
    if mentor is None:
        messages.error(request, _("You can only ask mentors from your shortlist."))
        return redirect("matching:coffee", pk=pk)
    form = _coffee_form(enrolment, mentor, request.POST)
    if form.is_valid():
        try:
            services.request_coffee(
                mentee=enrolment,
                mentor=mentor,
                message=form.cleaned_data["message"],
                shortlist=list(allowed),
                starts_at=form.starts_at(),
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                form.add_error("other_time", error.error_dict.get("starts_at", []))
            else:
                messages.error(request, " ".join(error.messages))
                return redirect("matching:coffee", pk=pk)
        else:
            messages.success(
                request,
                _("Your invitation is sent to %(name)s.")
                % {"name": mentor.person.full_name},
            )
            return redirect("matching:coffee", pk=pk)
    # Errors next to the fields of that mentor's form.
    return render(
        request, "matching/coffee.html", _coffee_context(enrolment, bound=form)
    )


@login_required
@require_POST
def coffee_answer(request: AuthenticatedRequest, pk: int, chat_pk: int) -> HttpResponse:
    enrolment = _get_enrolment_for_user(request, pk)
    chat = get_object_or_404(CoffeeChat, pk=chat_pk, mentor=enrolment)
    try:
        services.answer_coffee(chat=chat, accept=request.POST.get("answer") == "accept")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("matching:coffee", pk=pk)


@login_required
@require_POST
def coffee_verdict(
    request: AuthenticatedRequest, pk: int, chat_pk: int
) -> HttpResponse:
    enrolment = _get_enrolment_for_user(request, pk)
    chat = get_object_or_404(
        CoffeeChat.objects.filter(Q(mentor=enrolment) | Q(mentee=enrolment)), pk=chat_pk
    )
    form = VerdictForm(request.POST)
    if form.is_valid():
        try:
            services.give_verdict(
                chat=chat, enrolment=enrolment, verdict=form.cleaned_data["verdict"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("Thank you: your answer will help form the pairs.")
            )
    else:
        messages.error(request, _("Choose an answer."))
    return redirect("matching:coffee", pk=pk)
