"""The JSON API, version 1 (django-ninja), mounted at ``/api/v1/``.

Every operation acts as the calling user, with the object permissions of the
pages (django-rules, through ``programs.access``); objects outside the user's
reach are 404, as if they did not exist. A token must also hold the
operation's scope, checked first, so that a missing scope reveals nothing.
"""

import csv
import io
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, CharField, Q, QuerySet, Value, When
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from ninja import NinjaAPI, Query, Schema
from ninja.pagination import paginate
from ninja.params import functions as params
from ninja.responses import Status

from binome.accounts.models import Scope
from binome.http import AuthenticatedRequest
from binome.insights import indicators
from binome.insights.privacy import Figure
from binome.matching import rounds
from binome.matching.matchcsv import describe
from binome.matching.models import MatchingRound
from binome.pairs import publishing
from binome.programs import access, imports
from binome.programs.models import Enrolment, Programme

from . import errors
from .auth import SessionAuth, TokenAuth, require_scope
from .docs import LocalSwagger
from .errors import ApiError, ErrorOut
from .pagination import CursorPagination, MappedQuerySet
from .schemas import (
    EnrolmentOut,
    IdPath,
    ImportIn,
    ImportOut,
    IndicatorsOut,
    MeOut,
    NumberPath,
    ProgrammeOut,
    PublishOut,
    RoundOut,
    RoundSummaryOut,
    SlugPath,
)

DESCRIPTION = """
JSON API of Binôme. Authenticate with a personal access token
(`Authorization: Bearer bnm_…`, created in « Mon compte › Jetons d'API »)
or with the browser session (writes then need the `X-CSRFToken` header).

**Scopes**: `read` (every GET), `people:import` (HRIS import), `matching`
(run rounds, publish pairs), `write` (every write: implies `people:import`
and `matching`).

**Pagination**: lists return `{"items": [...], "next": "<cursor>"}`; pass
`?cursor=<next>` for the next page until `next` is null. Items are in a
stable order (creation order).

**Errors**: `{"error": {"code": "...", "message": "...", "details": []}}`.
Codes:
""" + "\n".join(
    f"- `{code}` ({status}): {meaning}"
    for code, (status, meaning) in errors.CODES.items()
)

api = NinjaAPI(
    title="Binôme API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=[TokenAuth(), SessionAuth()],
    docs=LocalSwagger(),
    docs_url="/docs",
    openapi_url="/openapi.json",
    # The schema and its docs are public; they are read, never posted to.
    docs_decorator=require_safe,
)
errors.install(api)

# Error responses every authenticated operation may give.
READ_ERRORS: dict[int, Any] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    422: ErrorOut,
    500: ErrorOut,
}
WRITE_ERRORS: dict[int, Any] = {**READ_ERRORS, 409: ErrorOut}

# ninja.Path(...) calls this same function; its type-checking alias cannot be
# called.
SLUG = params.Path(..., description="The programme's short name.")


# --- Access -------------------------------------------------------------------


def _programme(request: HttpRequest, slug: str, permission: str) -> Programme:
    """The programme if the user holds the permission on it; 404 otherwise,
    whether it exists or not (the pages' helper; Http404 becomes our JSON)."""
    return access.programme_or_404(request, slug, permission)


def _visible_programmes(user: Any) -> QuerySet[Programme]:
    managed = Programme.objects.managed_by(user).values("pk")
    sponsored = Programme.objects.sponsored_by(user).values("pk")
    return Programme.objects.filter(Q(pk__in=managed) | Q(pk__in=sponsored)).annotate(
        your_role=Case(
            When(pk__in=managed, then=Value("manager")),
            default=Value("sponsor"),
            output_field=CharField(),
        )
    )


# --- Who am I ------------------------------------------------------------------


@api.get("/me", response={200: MeOut, **READ_ERRORS}, tags=["account"])
def me(request: AuthenticatedRequest) -> dict[str, Any]:
    """The user the request acts as, and the scopes it holds."""
    token = getattr(request, "api_token", None)
    user = request.user
    return {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "auth": "token" if token else "session",
        "token_prefix": token.prefix if token else None,
        "scopes": sorted(token.scopes) if token else list(Scope.values),
    }


# --- Programmes ----------------------------------------------------------------


@api.get(
    "/programmes",
    response={200: list[ProgrammeOut], **READ_ERRORS},
    tags=["programmes"],
)
@paginate(CursorPagination)
def list_programmes(request: HttpRequest) -> QuerySet[Programme]:
    """Programmes the user manages or sponsors."""
    require_scope(request, Scope.READ)
    return _visible_programmes(request.user)


@api.get(
    "/programmes/{slug}",
    response={200: ProgrammeOut, **READ_ERRORS},
    tags=["programmes"],
)
def get_programme(request: HttpRequest, slug: SlugPath = SLUG) -> Programme:
    require_scope(request, Scope.READ)
    programme = _programme(request, slug, "programs.view_results")
    visible = _visible_programmes(request.user).filter(pk=programme.pk).first()
    if visible is None:  # the rules and the querysets disagree: stay closed
        raise errors.not_found()
    return visible


# --- Enrolments ----------------------------------------------------------------


class EnrolmentFilter(Schema):
    role: Enrolment.Role | None = None
    status: Enrolment.Status | None = None


def _enrolments(programme: Programme) -> QuerySet[Enrolment]:
    return programme.enrolments.select_related("person__department")


def _enrolment_out(enrolment: Enrolment) -> dict[str, Any]:
    person = enrolment.person
    return {
        "id": enrolment.pk,
        "role": enrolment.role,
        "status": enrolment.status,
        "consent_at": enrolment.consent_at,
        "created_at": enrolment.created_at,
        "person": {
            "employee_id": person.employee_id,
            "first_name": person.first_name,
            "last_name": person.last_name,
            "email": person.email,
            "department": person.department.name if person.department else None,
            "level": person.level,
        },
    }


@api.get(
    "/programmes/{slug}/enrolments",
    response={200: list[EnrolmentOut], **READ_ERRORS},
    tags=["enrolments"],
)
@paginate(CursorPagination)
def list_enrolments(
    request: HttpRequest,
    slug: SlugPath = SLUG,
    filters: Query[EnrolmentFilter] = None,  # type: ignore[assignment]
) -> Any:
    """Enrolments of a programme the user manages."""
    require_scope(request, Scope.READ)
    programme = _programme(request, slug, "programs.manage_programme")
    queryset = _enrolments(programme)
    if filters is not None and filters.role:
        queryset = queryset.filter(role=filters.role)
    if filters is not None and filters.status:
        queryset = queryset.filter(status=filters.status)
    return MappedQuerySet(queryset, _enrolment_out)


@api.get(
    "/programmes/{slug}/enrolments/{enrolment_id}",
    response={200: EnrolmentOut, **READ_ERRORS},
    tags=["enrolments"],
)
def get_enrolment(
    request: HttpRequest, enrolment_id: IdPath, slug: SlugPath = SLUG
) -> dict[str, Any]:
    require_scope(request, Scope.READ)
    programme = _programme(request, slug, "programs.manage_programme")
    enrolment = _enrolments(programme).filter(pk=enrolment_id).first()
    if enrolment is None:
        raise errors.not_found()
    access.require(request.user, "programs.view_enrolment", enrolment)
    return _enrolment_out(enrolment)


# --- People import (HRIS sync) --------------------------------------------------

IMPORT_COLUMNS = [
    "employee_id",
    "first_name",
    "last_name",
    "email",
    "job_title",
    "department",
    "site",
    "level",
    "manager_id",
    "hire_year",
    "languages",
    "role",
]


def _as_csv(body: ImportIn) -> bytes:
    """The people as the CSV file the import reads: the API and the upload
    page share one validation and one writer."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(IMPORT_COLUMNS)
    for person in body.people:
        row = person.model_dump()
        row["languages"] = "|".join(person.languages)
        row["level"] = "" if person.level is None else str(person.level)
        row["hire_year"] = "" if person.hire_year is None else str(person.hire_year)
        writer.writerow([row[column] for column in IMPORT_COLUMNS])
    return buffer.getvalue().encode("utf-8")


def _import_report(
    plan: imports.ImportPlan, *, dry_run: bool, applied: bool
) -> dict[str, Any]:
    return {
        "dry_run": dry_run,
        "applied": applied,
        "counts": {
            a: plan.count(a) for a in ("create", "update", "unchanged", "reject")
        },
        "rows": [
            {
                "index": row.number - 2,
                "employee_id": row.employee_id,
                "action": row.action,
                "reasons": row.reasons,
                "warnings": row.warnings,
                "changes": row.changes,
            }
            for row in plan.rows
        ],
        "new_departments": plan.new_departments,
        "new_sites": plan.new_sites,
    }


def _rejected(plan: imports.ImportPlan) -> ApiError:
    details: list[dict[str, Any]] = [{"message": m} for m in plan.errors]
    details += [
        {"index": r.number - 2, "employee_id": r.employee_id, "reasons": r.reasons}
        for r in plan.rows
        if r.action == "reject"
    ]
    return ApiError(
        422,
        "import_rejected",
        _("Some rows are invalid; nothing was imported."),
        details,
    )


@api.post(
    "/programmes/{slug}/people/import",
    response={200: ImportOut, **WRITE_ERRORS},
    tags=["people"],
)
def import_people(
    request: HttpRequest, body: ImportIn, slug: SlugPath = SLUG
) -> dict[str, Any]:
    """Create or update people, keyed on the employee ID, and enrol them when
    a role is given. Dry run by default; with `dry_run: false` it writes
    everything or nothing: one invalid row and nothing is written."""
    require_scope(request, Scope.PEOPLE_IMPORT)
    programme = _programme(request, slug, "programs.manage_programme")
    content = _as_csv(body)
    plan = imports.plan_import(content, "api.csv", programme)
    if body.dry_run:
        return _import_report(plan, dry_run=True, applied=False)
    if plan.errors or plan.count("reject"):
        raise _rejected(plan)
    token = getattr(request, "api_token", None)
    file_name = f"api-{token.prefix if token else 'session'}.csv"
    try:
        with transaction.atomic():
            upload = imports.store_upload(
                programme=programme,
                content=content,
                file_name=file_name,
                by=request.user,
            )
            plan = imports.apply_import(upload=upload)
            if plan.count("reject"):
                # The data changed since the check above: write nothing.
                raise _rejected(plan)
    except ValidationError as error:
        raise ApiError(
            422,
            "import_rejected",
            " ".join(error.messages),
            [{"message": m} for m in error.messages],
        ) from None
    return _import_report(plan, dry_run=False, applied=True)


# --- Matching rounds ------------------------------------------------------------


def _round(programme: Programme, number: int) -> MatchingRound:
    round_ = programme.matching_rounds.filter(number=number).first()
    if round_ is None:
        raise errors.not_found()
    return round_


def _round_out(round_: MatchingRound) -> dict[str, Any]:
    ids = {p["mentor"] for p in round_.pairs} | {p["mentee"] for p in round_.pairs}
    ids |= {u["mentee"] for u in round_.unmatched}
    people = {
        e.pk: e.person.full_name
        for e in Enrolment.objects.filter(pk__in=ids).select_related("person")
    }

    def participant(pk: int) -> dict[str, Any]:
        return {"enrolment_id": pk, "name": people.get(pk, "")}

    def reason(code: str) -> dict[str, str]:
        return {"code": code, "text": describe(code)}

    return {
        **_round_summary(round_),
        "error": round_.error,
        "totals": round_.totals,
        "pairs": [
            {
                "mentor": participant(p["mentor"]),
                "mentee": participant(p["mentee"]),
                "score": p["score"],
                "locked": bool(p.get("locked")),
                "reasons": [reason(code) for code in p.get("reasons", [])],
            }
            for p in round_.pairs
        ],
        "unmatched": [
            {"mentee": participant(u["mentee"]), "reason": reason(u["reason"])}
            for u in round_.unmatched
        ],
    }


def _round_summary(round_: MatchingRound) -> dict[str, Any]:
    return {
        "number": round_.number,
        "status": round_.status,
        "progress": round_.progress,
        "created_at": round_.created_at,
        "finished_at": round_.finished_at,
        "published_at": round_.published_at,
    }


@api.get(
    "/programmes/{slug}/rounds",
    response={200: list[RoundSummaryOut], **READ_ERRORS},
    tags=["matching"],
)
@paginate(CursorPagination)
def list_rounds(request: HttpRequest, slug: SlugPath = SLUG) -> Any:
    require_scope(request, Scope.READ)
    programme = _programme(request, slug, "programs.manage_programme")
    return MappedQuerySet(programme.matching_rounds.all(), _round_summary)


@api.post(
    "/programmes/{slug}/rounds",
    response={202: RoundOut, **WRITE_ERRORS},
    tags=["matching"],
)
def start_round(request: HttpRequest, slug: SlugPath = SLUG) -> Status[dict[str, Any]]:
    """Queue a matching round; poll it until its status is done or failed."""
    require_scope(request, Scope.MATCHING)
    programme = _programme(request, slug, "programs.manage_programme")
    try:
        round_ = rounds.start_round(programme=programme, by=request.user)
    except ValidationError as error:
        raise errors.conflict(error) from None
    return Status(202, _round_out(round_))


@api.get(
    "/programmes/{slug}/rounds/{number}",
    response={200: RoundOut, **READ_ERRORS},
    tags=["matching"],
)
def get_round(request: HttpRequest, number: NumberPath, slug: SlugPath = SLUG) -> Any:
    """A round's status and, once done, its pairs with the reasons."""
    require_scope(request, Scope.READ)
    programme = _programme(request, slug, "programs.manage_programme")
    return _round_out(_round(programme, number))


@api.post(
    "/programmes/{slug}/rounds/{number}/publish",
    response={200: PublishOut, **WRITE_ERRORS},
    tags=["matching"],
)
def publish_round(
    request: HttpRequest, number: NumberPath, slug: SlugPath = SLUG
) -> Any:
    """Create the round's pairs and tell both people (as the page does)."""
    require_scope(request, Scope.MATCHING)
    programme = _programme(request, slug, "programs.manage_programme")
    round_ = _round(programme, number)
    try:
        pairs = publishing.publish_round(round_=round_, by=request.user)
    except ValidationError as error:
        raise errors.conflict(error) from None
    round_.refresh_from_db()
    return {"round": _round_summary(round_), "pairs_created": len(pairs)}


# --- Indicators ---------------------------------------------------------------


def _figure(figure: Figure) -> dict[str, Any]:
    return {"value": figure.number, "hidden": figure.hidden, "display": str(figure)}


@api.get(
    "/programmes/{slug}/indicators",
    response={200: IndicatorsOut, **READ_ERRORS},
    tags=["indicators"],
)
def get_indicators(request: HttpRequest, slug: SlugPath = SLUG) -> dict[str, Any]:
    """Aggregate indicators, after the dashboard's privacy rules (groups under
    5 hidden). Never a name, for managers and sponsors alike."""
    require_scope(request, Scope.READ)
    programme = _programme(request, slug, "programs.view_results")
    today = timezone.localdate()
    headline = indicators.headline(programme)
    ratings = indicators.ratings(programme)
    # The headline's figures are published here too: never relied on hiding.
    funnel = indicators.funnel(
        programme, published=indicators.funnel_published(headline)
    )
    assert funnel.row_totals is not None
    return {
        "programme": programme.slug,
        "pairs": _figure(headline.pairs),
        "people": _figure(headline.people),
        "sessions_held": _figure(headline.sessions_held),
        "minutes_held": _figure(headline.minutes_held),
        "keeping_rhythm_percent": _figure(indicators.rhythm(programme, today)),
        "average_rating": _figure(ratings.average),
        "useful_percent": _figure(ratings.useful),
        "cross_department_percent": _figure(
            indicators.silos(programme, total_public=headline.pairs.shown).crossing
        ),
        "funnel": [
            {
                "step": step,
                "label": label,
                "mentor": _figure(funnel.cell(step, Enrolment.Role.MENTOR.value)),
                "mentee": _figure(funnel.cell(step, Enrolment.Role.MENTEE.value)),
                "total": _figure(funnel.row_totals[step]),
            }
            for step, label in funnel.rows
        ],
    }
