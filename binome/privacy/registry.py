"""Every model of the project, declared once: personal data (with how it is
exported and how it is erased) or not personal (with the reason).

``binome/privacy/tests/test_registry.py`` fails as soon as a model is
installed without an entry here, so a new table of personal data cannot be
forgotten by the export or the erasure.

Erasure keeps what the aggregates need (binome/insights counts enrolments,
pairs, sessions, ratings, scores, skill levels, departments and levels), as
rows that no longer name anyone: the names, emails and every free text the
person wrote are removed. The partner's own data are kept; the erased
person's identifiers are redacted inside them.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from binome.accounts.models import AuditEvent, SentNotification
from binome.matching.models import MatchingRound, PairDecision
from binome.pairs.models import (
    ActionItem,
    AgendaItem,
    Assistant,
    Certificate,
    Charter,
    CharterChange,
    ClosingSurvey,
    Concern,
    ContributionShare,
    Feedback,
    GlossaryTerm,
    Kpi,
    Meeting,
    PairPause,
    PrivateNote,
    PulseCheckIn,
    ReminderPreference,
    SentReminder,
    TalentFlag,
)
from binome.people.models import Organisation
from binome.programs.models import (
    CastingReview,
    CoffeeChat,
    ConsentRecord,
    Goal,
    Invitation,
    PeopleImport,
    PreparationCompletion,
    ProfileCorrection,
    Programme,
    SkillWish,
)
from binome.skills.models import Assessment, ResourceRating

from .subject import (
    ERASED_FIRST_NAME,
    ERASED_LAST_NAME,
    Subject,
    erased_email,
    mentions,
    redact,
    redact_json,
    row,
)

Rows = list[dict[str, Any]]
Exporter = Callable[[Subject], Rows]
Eraser = Callable[[Subject], int]


@dataclass(frozen=True)
class Entry:
    label: str  # app_label.model_name, lower case
    personal: bool
    reason: str  # what the table holds, or why it is not personal
    export: Exporter | None = None
    erase: Eraser | None = None
    part_of: str = ""  # exported and erased with this other entry


REGISTRY: dict[str, Entry] = {}


def personal(label: str, reason: str, *, export: Exporter, erase: Eraser) -> None:
    REGISTRY[label] = Entry(label, True, reason, export, erase)


def part_of(label: str, parent: str, reason: str) -> None:
    REGISTRY[label] = Entry(label, True, reason, part_of=parent)


def not_personal(label: str, reason: str) -> None:
    REGISTRY[label] = Entry(label, False, reason)


def _model(label: str) -> type[models.Model] | None:
    try:
        return apps.get_model(label)
    except LookupError:
        return None


# --- Not personal ------------------------------------------------------------

not_personal("auth.permission", "Permission names: code, not people.")
not_personal("auth.group", "Group names; membership is erased with the account.")
not_personal("contenttypes.contenttype", "Model names.")
not_personal(
    "people.organisation",
    "The employer's name; its HR administrators are account links, exported "
    "and erased with the account.",
)
not_personal("people.department", "The organisation chart, without people.")
not_personal("people.site", "Workplaces, without people.")
not_personal("skills.skillarea", "The skills catalogue.")
not_personal("skills.skill", "The skills catalogue.")
not_personal("skills.leveldescriptor", "The skills catalogue's scale.")
not_personal("skills.resource", "Learning resources (content, not people).")
not_personal(
    "programs.programme",
    "Programme settings; its managers, panel and sponsors are account links, "
    "exported and erased with the account.",
)
not_personal("programs.preparationstep", "Content of the mentors' module.")
not_personal("programs.preparationchoice", "Content of the mentors' module.")
not_personal("programs.goalexample", "Example goals: content, not people.")
not_personal("accounts.emailtext", "E-mail wording written by HR: content, not people.")
not_personal(
    "accounts.cacheentry",
    "The shared cache: rate-limit counters (times of recent requests) under a "
    "hash of the address typed or under the network address, second-factor "
    "codes already used (with an account number) and single sign-on tokens "
    "already seen, for minutes or an hour at most; expired rows go when read "
    "again, when the table passes 10,000 rows, and with the expired sessions "
    "(apply_retention, category sessions). No name, nothing to export.",
)
not_personal("pairs.programmewebhook", "A channel's address, not a person's.")
not_personal("socialaccount.socialapp", "Identity-provider configuration.")
not_personal(
    "ops.jobrun",
    "The last run of each periodic job: times and an exception class, no people.",
)


# --- Accounts ----------------------------------------------------------------


def _export_user(s: Subject) -> Rows:
    if s.user is None:
        return []
    u = s.user

    def names(qs: Iterable[Programme]) -> list[str]:
        return sorted(p.name for p in qs)

    return [
        row(
            u,
            "id",
            "email",
            "first_name",
            "last_name",
            "language",
            "date_joined",
            "last_login",
            "is_active",
            "is_staff",
            "is_superuser",
            groups=sorted(g.name for g in u.groups.all()),
            manages=names(u.managed_programmes.all()),
            casting_panels=names(u.casting_panels.all()),
            sponsors=names(u.sponsored_programmes.all()),
            administers=sorted(o.name for o in u.administered_organisations.all()),
        )
    ]


def _erase_user(s: Subject) -> int:
    if s.user is None:
        return 0
    u = s.user
    u.email = erased_email()
    u.first_name = ""
    u.last_name = ""
    u.set_unusable_password()
    u.is_active = u.is_staff = u.is_superuser = False
    u.last_login = None
    u.save()
    u.groups.clear()
    u.user_permissions.clear()
    for through in (
        Programme.managers.through,
        Programme.panel.through,
        Programme.sponsors.through,
        Organisation.administrators.through,
    ):
        through.objects.filter(user=u).delete()
    return 1


def audit_events(s: Subject) -> models.QuerySet[AuditEvent]:
    q = Q(target__in=s.labels)
    if s.user is not None:
        q |= Q(actor=s.user)
    for email in s.emails:
        q |= Q(details__username__iexact=email)
    return AuditEvent.objects.filter(q)


def _export_audit(s: Subject) -> Rows:
    me = s.user.pk if s.user else None
    rows = []
    for e in audit_events(s):
        if e.actor_id in (None, me):
            rows.append(
                row(
                    e,
                    "at",
                    "action",
                    "target",
                    "ip_address",
                    "details",
                    by_self=e.actor_id == me,
                )
            )
        else:
            # Done by someone else (an administrator's export or erasure):
            # their address and details are their own data, not the person's.
            rows.append(row(e, "at", "action", "target", by_self=False))
    return rows


def _erase_audit(s: Subject) -> int:
    """The audit log is append-only (AuditEvent refuses update and delete).
    This is its one documented exception: an erasure keeps every event (who
    did what, when: ids only) but removes the IP addresses and the attempted
    login names that identify the person."""
    # Bypasses the append-only guard.
    writable: models.QuerySet[AuditEvent] = models.QuerySet(model=AuditEvent)
    me = s.user.pk if s.user else None
    count = 0
    for event in audit_events(s):
        if event.actor_id in (None, me):
            details = redact_json(event.details, s.identifiers)
            writable.filter(pk=event.pk).update(ip_address=None, details=details)
        else:
            # Someone else acted on the person (an administrator's export):
            # the trail of who did it, from where, stays whole.
            details = redact_json(event.details, s.strong_identifiers)
            writable.filter(pk=event.pk).update(details=details)
        count += 1
    return count


personal(
    "accounts.user",
    "The account: email, name, language, roles. Pseudonymised and deactivated.",
    export=_export_user,
    erase=_erase_user,
)
personal(
    "accounts.auditevent",
    "Events about the person (logins, exports…). Kept with ids only; IP "
    "addresses and attempted login names removed.",
    export=_export_audit,
    erase=_erase_audit,
)


# --- People and skills -------------------------------------------------------


def _export_person(s: Subject) -> Rows:
    if s.person is None:
        return []
    p = s.person
    return [
        row(
            p,
            "id",
            "employee_id",
            "first_name",
            "last_name",
            "email",
            "phone",
            "job_title",
            "level",
            "hire_year",
            "languages",
            "accepts_remote",
            "accepts_onsite",
            "availability",
            "interests",
            "created_at",
            "updated_at",
            organisation=p.organisation.name,
            department=p.department.name if p.department else None,
            site=p.site.name if p.site else None,
            line_manager=p.manager.full_name if p.manager else None,
        )
    ]


def _erase_person(s: Subject) -> int:
    """Department, site, level, languages, availability and formats stay: the
    participation funnel and the silo-crossing figures count them. Nothing
    left names the person."""
    if s.person is None:
        return 0
    p = s.person
    p.first_name = ERASED_FIRST_NAME
    p.last_name = ERASED_LAST_NAME
    p.email = ""
    p.phone = ""
    p.employee_id = ""
    p.job_title = ""
    p.manager = None
    p.hire_year = None
    p.interests = []
    p.save()
    return 1


personal(
    "people.person",
    "The HR profile. Pseudonymised: the fields that the aggregates count stay.",
    export=_export_person,
    erase=_erase_person,
)


def _export_assessments(s: Subject) -> Rows:
    if s.person is None:
        return []
    out = []
    for a in Assessment.objects.filter(person=s.person).prefetch_related(
        "items__skill"
    ):
        out.append(
            row(
                a,
                "phase",
                "assessed_on",
                "created_at",
                self_assessment=a.assessor_id is None,
                levels={i.skill.code: i.level for i in a.items.all()},
            )
        )
    return out


personal(
    "skills.assessment",
    "Skills assessments of the person. The levels stay for the progress "
    "figures, attached to the pseudonymised profile.",
    export=_export_assessments,
    erase=lambda s: 0,
)
part_of("skills.assessmentitem", "skills.assessment", "The levels of an assessment.")


def _export_ratings(s: Subject) -> Rows:
    return [
        row(r, "rating", "rated_at", resource=r.resource.title)
        for r in ResourceRating.objects.filter(s.user_q("user")).select_related(
            "resource"
        )
    ]


personal(
    "skills.resourcerating",
    "Ratings of learning resources. Kept (a number and an id) for the resources' "
    "averages.",
    export=_export_ratings,
    erase=lambda s: 0,
)


# --- Programmes ----------------------------------------------------------------


def _export_enrolments(s: Subject) -> Rows:
    return [
        row(
            e,
            "id",
            "role",
            "status",
            "consent_at",
            "consent_version",
            "motivation",
            "capacity",
            "created_at",
            "updated_at",
            "withdrawn_at",
            programme=e.programme.name,
        )
        for e in s.enrolments
    ]


def _erase_enrolments(s: Subject) -> int:
    from binome.programs.models import Enrolment

    return Enrolment.objects.filter(pk__in=s.enrolment_ids).update(motivation="")


def _invitations(s: Subject) -> models.QuerySet[Invitation]:
    if s.person is None:
        return Invitation.objects.none()
    return Invitation.objects.filter(person=s.person).select_related("programme")


def _export_invitations(s: Subject) -> Rows:
    return [
        row(
            i,
            "email",
            "created_at",
            "sent_at",
            "send_count",
            "opened_at",
            "joined_at",
            "declined_at",
            programme=i.programme.name,
        )
        for i in _invitations(s)
    ]


def _erase_invitations(s: Subject) -> int:
    return int(_invitations(s).delete()[0])


personal(
    "programs.invitation",
    "Invitations by e-mail and what became of them (opened, joined, "
    "declined). Deleted: they only serve the recruitment follow-up.",
    export=_export_invitations,
    erase=_erase_invitations,
)


personal(
    "programs.enrolment",
    "Participations: role, status, consent, motivation. The motivation is "
    "erased; role, status and dates stay for the funnel.",
    export=_export_enrolments,
    erase=_erase_enrolments,
)


def _export_wishes(s: Subject) -> Rows:
    return [
        row(w, "intent", "priority", enrolment=w.enrolment_id, skill=w.skill.code)
        for w in SkillWish.objects.filter(enrolment__in=s.enrolment_ids).select_related(
            "skill"
        )
    ]


personal(
    "programs.skillwish",
    "Skills to learn or teach (catalogue codes, no text). Kept for the funnel.",
    export=_export_wishes,
    erase=lambda s: 0,
)


def _export_goals(s: Subject) -> Rows:
    return [
        row(
            g,
            "title",
            "kpi",
            "target_value",
            "unit",
            "due_date",
            "created_at",
            enrolment=g.enrolment_id,
            skill=g.skill.code if g.skill else None,
        )
        for g in Goal.objects.filter(enrolment__in=s.enrolment_ids).select_related(
            "skill"
        )
    ]


def _erase_goals(s: Subject) -> int:
    # The row stays (a charter KPI points to it and counts by its skill).
    return Goal.objects.filter(enrolment__in=s.enrolment_ids).update(
        title="", kpi="", unit=""
    )


personal(
    "programs.goal",
    "Goals written by the person. Texts erased; skill and target stay.",
    export=_export_goals,
    erase=_erase_goals,
)


def _export_casting(s: Subject) -> Rows:
    if not settings.PRIVACY_EXPORT_CASTING_REVIEWS:
        return []
    fields = [
        *CastingReview.CRITERIA,
        *(f"{c}_comment" for c in CastingReview.CRITERIA),
    ]
    return [
        row(r, *fields, "comment", "created_at", enrolment=r.enrolment_id)
        for r in CastingReview.objects.filter(enrolment__in=s.enrolment_ids)
    ]


personal(
    "programs.castingreview",
    "Casting grids about the person as a mentor candidate (never the assessor's "
    "name). Deleted: no aggregate uses them.",
    export=_export_casting,
    erase=lambda s: CastingReview.objects.filter(
        enrolment__in=s.enrolment_ids
    ).delete()[0],
)


def _export_preparation(s: Subject) -> Rows:
    if s.person is None:
        return []
    return [
        row(c, "completed_at", step=c.step.title_fr)
        for c in PreparationCompletion.objects.filter(person=s.person).select_related(
            "step"
        )
    ]


personal(
    "programs.preparationcompletion",
    "Steps of the mentors' module the person completed. Deleted.",
    export=_export_preparation,
    erase=lambda s: (
        PreparationCompletion.objects.filter(person=s.person).delete()[0]
        if s.person
        else 0
    ),
)


def _corrections(s: Subject) -> models.QuerySet[ProfileCorrection]:
    if s.person is None:
        return ProfileCorrection.objects.none()
    return ProfileCorrection.objects.filter(person=s.person)


personal(
    "programs.profilecorrection",
    "The person's requests to correct their HR data (field, values, comment, "
    "HR's answer; never the decider's name). Deleted: an accepted change "
    "stays in the audit log, with ids only.",
    export=lambda s: [
        row(
            c,
            "field",
            "current_value",
            "proposed_value",
            "comment",
            "status",
            "created_at",
            "decided_at",
            "answer",
        )
        for c in _corrections(s)
    ],
    erase=lambda s: _corrections(s).delete()[0],
)


def _coffees(s: Subject) -> models.QuerySet[CoffeeChat]:
    ids = s.enrolment_ids
    return CoffeeChat.objects.filter(Q(mentee__in=ids) | Q(mentor__in=ids))


def _export_coffees(s: Subject) -> Rows:
    out = []
    for c in _coffees(s).select_related("mentee__person", "mentor__person"):
        mine = "mentee" if c.mentee_id in s.enrolment_ids else "mentor"
        partner = c.mentor if mine == "mentee" else c.mentee
        out.append(
            row(
                c,
                "status",
                "message",
                "starts_at",
                "requested_at",
                "answered_at",
                role=mine,
                partner=partner.person.full_name,
                my_verdict=getattr(c, f"{mine}_verdict"),
            )
        )
    return out


def _erase_coffees(s: Subject) -> int:
    ids = s.enrolment_ids
    n = CoffeeChat.objects.filter(mentee__in=ids).update(message="", mentee_verdict="")
    return n + CoffeeChat.objects.filter(mentor__in=ids).update(mentor_verdict="")


personal(
    "programs.coffeechat",
    "« Cafés virtuels »: the mentee's message and each side's verdict. The "
    "person's message and verdict are erased; the partner's verdict stays.",
    export=_export_coffees,
    erase=_erase_coffees,
)


def _decisions(s: Subject) -> models.QuerySet[PairDecision]:
    ids = s.enrolment_ids
    return PairDecision.objects.filter(Q(mentor__in=ids) | Q(mentee__in=ids))


personal(
    "matching.pairdecision",
    "A manager's decision to lock or forbid a pair with the person (the other "
    "person is not named in the export). Deleted.",
    export=lambda s: [
        row(d, "kind", "created_at", programme=d.programme.name)
        for d in _decisions(s).select_related("programme")
    ],
    erase=lambda s: _decisions(s).delete()[0],
)


def _rounds(s: Subject) -> models.QuerySet[MatchingRound]:
    programmes = {e.programme_id for e in s.enrolments}
    return MatchingRound.objects.filter(programme__in=programmes)


def _export_rounds(s: Subject) -> Rows:
    out = []
    for r in _rounds(s).select_related("programme"):
        mine = [
            p
            for p in r.pairs
            if p.get("mentor") in s.enrolment_ids or p.get("mentee") in s.enrolment_ids
        ]
        unmatched = [u for u in r.unmatched if u.get("mentee") in s.enrolment_ids]
        verdicts = _round_verdicts(r, s)
        if mine or unmatched or verdicts:
            out.append(
                row(
                    r,
                    "number",
                    "created_at",
                    "published_at",
                    programme=r.programme.name,
                    proposals=mine,
                    unmatched=unmatched,
                    coffee_verdicts=verdicts,
                )
            )
    # The rounds the person cancelled, as a manager.
    for r in MatchingRound.objects.filter(s.user_q("cancelled_by")).select_related(
        "programme"
    ):
        out.append(
            row(
                r,
                "number",
                "status",
                "cancelled_at",
                programme=r.programme.name,
                cancelled_by_you=True,
            )
        )
    return out


def _round_verdicts(r: MatchingRound, s: Subject) -> list[list[Any]]:
    """The café-virtuel verdicts the round was computed with, about the person."""
    return [
        f
        for f in r.settings_snapshot.get("feedback", [])
        if f[0] in s.enrolment_ids or f[1] in s.enrolment_ids
    ]


def _erase_rounds(s: Subject) -> int:
    # The result holds enrolment ids only; an error message may hold a name.
    # Who cancelled a round is forgotten.
    count = MatchingRound.objects.filter(s.user_q("cancelled_by")).update(
        cancelled_by=None
    )
    # The café verdicts a round kept go, as the cafés' own do.
    for r in _rounds(s):
        mine = _round_verdicts(r, s)
        if mine:
            snapshot = dict(r.settings_snapshot)
            snapshot["feedback"] = [f for f in snapshot["feedback"] if f not in mine]
            MatchingRound.objects.filter(pk=r.pk).update(settings_snapshot=snapshot)
            count += 1
    for r in _rounds(s).exclude(error=""):
        if mentions(r.error, s.strong_identifiers):
            MatchingRound.objects.filter(pk=r.pk).update(
                error=redact(r.error, s.strong_identifiers)
            )
            count += 1
    return count


personal(
    "matching.matchinground",
    "Matching proposals (scores and reasons) about the person's enrolments, "
    "the café-virtuel verdicts a round was computed with, and the rounds the "
    "person cancelled. Ids only are kept; names in error messages are "
    "redacted, the verdicts erased, who cancelled a round forgotten.",
    export=_export_rounds,
    erase=_erase_rounds,
)


def _import_mentions(upload: PeopleImport, s: Subject) -> bool:
    from binome.programs.imports import read_rows

    try:
        _headers, rows = read_rows(bytes(upload.content), upload.file_name)
    except Exception:
        return mentions(bytes(upload.content).decode("utf-8", "ignore"), s.identifiers)
    strong = {i.lower() for i in s.emails}
    if s.person is not None and s.person.employee_id:
        strong.add(s.person.employee_id.lower())
    names = {i.lower() for i in s.identifiers}
    for cells in rows:
        values = {str(c).strip().lower() for c in cells if c is not None}
        if values & strong or len(values & names) >= 2:
            return True
    return False


def _imports(s: Subject) -> list[PeopleImport]:
    if s.person is None:
        return []
    return [
        u
        for u in PeopleImport.objects.filter(
            programme__organisation=s.person.organisation_id
        )
        if _import_mentions(u, s)
    ]


personal(
    "programs.peopleimport",
    "HR files uploaded by managers, which hold a row about the person. "
    "Deleted (the audit log keeps that an import took place).",
    export=lambda s: [
        row(u, "file_name", "created_at", "applied_at") for u in _imports(s)
    ],
    erase=lambda s: PeopleImport.objects.filter(
        pk__in=[u.pk for u in _imports(s)]
    ).delete()[0],
)


# --- Pairs and their workspace ----------------------------------------------------


def _export_pairs(s: Subject) -> Rows:
    return [
        row(
            p,
            "id",
            "status",
            "started_on",
            "closed_on",
            programme=p.mentee.programme.name,
            role=s.side(p),
            partner=s.partner(p).person.full_name,
        )
        for p in s.pairs
    ]


personal(
    "pairs.pair",
    "The pairs the person belongs to. Kept (ids, status, dates): the pair "
    "counts and the partner's workspace need them.",
    export=_export_pairs,
    erase=lambda s: 0,
)


def _charters(s: Subject) -> models.QuerySet[Charter]:
    return Charter.objects.filter(pair__in=[p.pk for p in s.pairs])


def _export_charters(s: Subject) -> Rows:
    return [
        row(
            c,
            *Charter.EDITABLE_FIELDS,
            "mentor_accepted_at",
            "mentee_accepted_at",
            "created_at",
            "updated_at",
            pair=c.pair_id,
        )
        for c in _charters(s)
    ]


def _erase_charters(s: Subject) -> int:
    count = 0
    sides = {p.pk: s.side(p) for p in s.pairs}
    for charter in _charters(s):
        setattr(charter, f"{sides[charter.pair_id]}_objectives", "")
        for name in (
            "mentee_objectives",
            "mentor_objectives",
            "location",
            "ground_rules",
        ):
            setattr(charter, name, redact(getattr(charter, name), s.identifiers))
        charter.save()
        mine = f"{sides[charter.pair_id]}_objectives"
        for change in CharterChange.objects.filter(charter=charter):
            changes = {
                k: (["", ""] if k == mine else redact_json(v, s.identifiers))
                for k, v in change.changes.items()
            }
            if changes != change.changes:
                CharterChange.objects.filter(pk=change.pk).update(changes=changes)
        count += 1
    return count


personal(
    "pairs.charter",
    "The pair's charter, written together. The person's objectives are "
    "erased; the shared text stays for the partner, the person's name redacted.",
    export=_export_charters,
    erase=_erase_charters,
)
personal(
    "pairs.charterchange",
    "Edits of the charter made by the person.",
    export=lambda s: [
        row(c, "changed_at", "changes", charter=c.charter_id)
        for c in CharterChange.objects.filter(s.user_q("changed_by"))
    ],
    erase=lambda s: 0,  # with pairs.charter
)


def _kpis(s: Subject) -> models.QuerySet[Kpi]:
    q = Q(pk__in=[])
    for p in s.pairs:
        q |= Q(charter__pair=p, direction=s.side(p))
    return Kpi.objects.filter(q)


personal(
    "pairs.kpi",
    "The person's KPIs in the charter. Texts erased; values stay for the "
    "« goals reached » figures.",
    export=lambda s: [
        row(
            k,
            "direction",
            "title",
            "kpi",
            "target_value",
            "unit",
            "due_date",
            "current_value",
            "done",
            "progress_updated_at",
            pair=k.charter.pair_id,
        )
        for k in _kpis(s).select_related("charter")
    ],
    erase=lambda s: _kpis(s).update(title="", kpi="", unit=""),
)


def _meetings(s: Subject) -> models.QuerySet[Meeting]:
    return Meeting.objects.filter(pair__in=[p.pk for p in s.pairs])


def _export_meetings(s: Subject) -> Rows:
    sides = {p.pk: s.side(p) for p in s.pairs}
    return [
        row(
            m,
            "starts_at",
            "duration_minutes",
            "status",
            "held_minutes",
            "moved_from",
            "icebreaker",
            "notes",
            pair=m.pair_id,
            what_i_learned=getattr(m, f"{sides[m.pair_id]}_learned"),
        )
        for m in _meetings(s)
    ]


def _erase_meetings(s: Subject) -> int:
    sides = {p.pk: s.side(p) for p in s.pairs}
    count = 0
    for m in _meetings(s):
        setattr(m, f"{sides[m.pair_id]}_learned", "")
        for name in ("icebreaker", "notes", "mentor_learned", "mentee_learned"):
            setattr(m, name, redact(getattr(m, name), s.identifiers))
        # Through update(): status, lengths and dates, which the cadence
        # figures count, are left exactly as they were.
        Meeting.objects.filter(pk=m.pk).update(
            version=F("version") + 1,  # open forms must not write the text back
            icebreaker=m.icebreaker,
            notes=m.notes,
            mentor_learned=m.mentor_learned,
            mentee_learned=m.mentee_learned,
        )
        count += 1
    return count


personal(
    "pairs.meeting",
    "Sessions: dates, status, shared notes and what the person learned (the "
    "partner's side is not exported). The person's side is erased; shared "
    "notes stay for the partner, the person's name redacted.",
    export=_export_meetings,
    erase=_erase_meetings,
)


def _agenda(s: Subject) -> models.QuerySet[AgendaItem]:
    return AgendaItem.objects.filter(s.user_q("author"))


personal(
    "pairs.agendaitem",
    "Topics and questions the person wrote. Deleted; the partner's are kept.",
    export=lambda s: [
        row(a, "kind", "text", "created_at", session=a.meeting_id) for a in _agenda(s)
    ],
    erase=lambda s: _agenda(s).delete()[0] + _redact_partner_texts(s, AgendaItem),
)


def _private_notes(s: Subject) -> models.QuerySet[PrivateNote]:
    return PrivateNote.objects.filter(author__in=s.enrolment_ids)


personal(
    "pairs.privatenote",
    "The person's private notes on sessions, seen by nobody else (never the "
    "partner's). Deleted.",
    export=lambda s: [
        row(n, "text", "updated_at", session=n.meeting_id) for n in _private_notes(s)
    ],
    erase=lambda s: _private_notes(s).delete()[0],
)


def _redact_partner_texts(s: Subject, model: type[models.Model]) -> int:
    """Redact the person's name in the partner's texts of their sessions."""
    meetings = _meetings(s).values("pk")
    count = 0
    field_name = "text" if model is not Feedback else "comment"
    for obj in model.objects.filter(meeting__in=meetings):  # type: ignore[attr-defined]
        text = getattr(obj, field_name)
        if mentions(text, s.identifiers):
            model.objects.filter(pk=obj.pk).update(  # type: ignore[attr-defined]
                **{field_name: redact(text, s.identifiers)}
            )
            count += 1
    return count


def _actions(s: Subject) -> models.QuerySet[ActionItem]:
    return ActionItem.objects.filter(owner__in=s.enrolment_ids)


personal(
    "pairs.actionitem",
    "Action items the person owns. Deleted; the partner's are kept.",
    export=lambda s: [
        row(a, "text", "due_date", "done_at", "created_at", session=a.meeting_id)
        for a in _actions(s)
    ],
    erase=lambda s: _actions(s).delete()[0] + _redact_partner_texts(s, ActionItem),
)


def _feedback(s: Subject) -> models.QuerySet[Feedback]:
    return Feedback.objects.filter(author__in=s.enrolment_ids)


personal(
    "pairs.feedback",
    "The person's own feedback on sessions (never the partner's). The comment "
    "is erased; rating and usefulness stay for the satisfaction figures.",
    export=lambda s: [
        row(f, "rating", "useful", "comment", "created_at", session=f.meeting_id)
        for f in _feedback(s)
    ],
    erase=lambda s: (
        _feedback(s).update(comment="") + _redact_partner_texts(s, Feedback)
    ),
)


def _checkins(s: Subject) -> models.QuerySet[PulseCheckIn]:
    return PulseCheckIn.objects.filter(author__in=s.enrolment_ids)


personal(
    "pairs.pulsecheckin",
    "The person's own check-in answers (never the partner's). The comment is "
    "erased (and with the texts of closed programmes, retention "
    "« closed_programmes »); the scores stay for the health figures.",
    export=lambda s: [
        row(
            c,
            "round",
            "useful",
            "rhythm",
            "safety",
            "comment",
            "share_comment",
            "answered_at",
            pair=c.pair_id,
        )
        for c in _checkins(s)
    ],
    erase=lambda s: _checkins(s).update(comment="", share_comment=False),
)


def _pauses(s: Subject) -> models.QuerySet[PairPause]:
    return PairPause.objects.filter(by__in=s.enrolment_ids)


personal(
    "pairs.pairpause",
    "Pauses the person made, with their private reason. The reason is erased "
    "(and with the texts of closed programmes); the dates stay, as they "
    "shape the pair's cadence.",
    export=lambda s: [
        row(p, "starts_on", "until", "ended_on", "reason", "created_at", pair=p.pair_id)
        for p in _pauses(s)
    ],
    erase=lambda s: _pauses(s).exclude(reason="").update(reason=""),
)


def _concerns_raised(s: Subject) -> models.QuerySet[Concern]:
    return Concern.objects.filter(reporter__in=s.enrolment_ids)


def _erase_concerns(s: Subject) -> int:
    """The person's own concerns lose their texts (category, status and dates
    stay for the counts); in the concerns their partner raised, the person's
    name is redacted, the rest stays with its author."""
    count = (
        _concerns_raised(s)
        .filter(~Q(text="") | ~Q(reply="") | Q(wants_contact=True))
        .update(text="", reply="", wants_contact=False)
    )
    about = Concern.objects.filter(pair__in=[p.pk for p in s.pairs]).exclude(
        reporter__in=s.enrolment_ids
    )
    for concern in about:
        if mentions(concern.text, s.identifiers) or mentions(
            concern.reply, s.identifiers
        ):
            Concern.objects.filter(pk=concern.pk).update(
                text=redact(concern.text, s.identifiers),
                reply=redact(concern.reply, s.identifiers),
            )
            count += 1
    return count


personal(
    "pairs.concern",
    "Confidential concerns the person raised, with the team's answer. Exported "
    "to their author only: a concern about the person is never in their own "
    "copy (it would reveal it). Erased: the texts go (and with the texts of "
    "closed programmes, retention « closed_programmes »); the person's name is "
    "redacted in the concerns their partner raised.",
    export=lambda s: [
        row(
            c,
            "category",
            "text",
            "wants_contact",
            "status",
            "reply",
            "created_at",
            "closed_at",
            pair=c.pair_id,
        )
        for c in _concerns_raised(s)
    ],
    erase=_erase_concerns,
)


def _shares(s: Subject) -> models.QuerySet[ContributionShare]:
    return ContributionShare.objects.filter(enrolment__in=s.enrolment_ids)


personal(
    "pairs.contributionshare",
    "A mentor's consent to share their contribution with their line manager. "
    "Deleted on erasure: nothing is shared any more (the consent register "
    "keeps the dates).",
    export=lambda s: [
        row(c, "consented_at", "sent_at", enrolment=c.enrolment_id) for c in _shares(s)
    ],
    erase=lambda s: _shares(s).delete()[0],
)
not_personal(
    "pairs.pulsequestion",
    "The wording of the check-in questions, written by HR.",
)


def _assistants(s: Subject) -> models.QuerySet[Assistant]:
    return Assistant.objects.filter(
        s.user_q("user") | Q(pair__in=[p.pk for p in s.pairs])
    )


personal(
    "pairs.assistant",
    "Assistants who see the dates of a pair, or pairs the person assists. Deleted.",
    export=lambda s: [
        row(a, "granted_at", pair=a.pair_id, assistant=str(a.user))
        for a in _assistants(s).select_related("user")
    ],
    erase=lambda s: _assistants(s).delete()[0],
)
personal(
    "pairs.reminderpreference",
    "Which reminders the person wants, and the calendar feed key. Deleted.",
    export=lambda s: [
        row(
            p,
            "session_tomorrow",
            "agenda_empty",
            "actions_due",
            "log_missing",
            "inactive",
        )
        for p in ReminderPreference.objects.filter(s.user_q("user"))
    ],
    erase=lambda s: ReminderPreference.objects.filter(s.user_q("user")).delete()[0],
)
personal(
    "pairs.sentreminder",
    "Reminders sent to the person. Deleted.",
    export=lambda s: [
        row(r, "kind", "key", "sent_at")
        for r in SentReminder.objects.filter(s.user_q("user"))
    ],
    erase=lambda s: SentReminder.objects.filter(s.user_q("user")).delete()[0],
)
personal(
    "accounts.sentnotification",
    "The e-mails of a notification task already sent to the person's address, "
    "so that a task run again after its worker died sends none twice. "
    "Deleted; also deleted with the task results (retention « task_results »).",
    export=lambda s: [
        row(n, "key", "email", "claimed_at", "sent_at")
        for n in SentNotification.objects.filter(email__in=s.emails)
    ],
    erase=lambda s: SentNotification.objects.filter(email__in=s.emails).delete()[0],
)
not_personal(
    "accounts.taskheartbeat",
    "Last sign of life of a running background task (its id and a time); "
    "deleted when the task ends.",
)
personal(
    "pairs.glossaryterm",
    "Glossary terms the person suggested (shared content). The link to the "
    "person is removed; the term stays.",
    export=lambda s: [
        row(t, "term", "kind", "definition_fr", "status", "created_at")
        for t in GlossaryTerm.objects.filter(s.user_q("suggested_by"))
    ],
    erase=lambda s: GlossaryTerm.objects.filter(s.user_q("suggested_by")).update(
        suggested_by=None
    ),
)
personal(
    "pairs.closingsurvey",
    "The person's end-of-programme survey. The comment is erased; the scores "
    "stay for the survey figures.",
    export=lambda s: [
        row(
            c,
            "confidence_before",
            "confidence_after",
            "satisfaction",
            "would_recommend",
            "comment",
            "answered_at",
            pair=c.pair_id,
        )
        for c in ClosingSurvey.objects.filter(author__in=s.enrolment_ids)
    ],
    erase=lambda s: ClosingSurvey.objects.filter(author__in=s.enrolment_ids).update(
        comment=""
    ),
)
personal(
    "pairs.certificate",
    "The mentor's certificate of participation. Deleted.",
    export=lambda s: [
        row(c, "number", "issued_at", "sessions_held", "minutes_held", "skills")
        for c in Certificate.objects.filter(enrolment__in=s.enrolment_ids)
    ],
    erase=lambda s: Certificate.objects.filter(enrolment__in=s.enrolment_ids).delete()[
        0
    ],
)
not_personal(
    "pairs.programmeclosing",
    "What a programme's closing did, as ids of pairs, sessions and certificates "
    "and dates; who closed or reopened it is in the audit log.",
)
personal(
    "pairs.talentflag",
    "The mentor's opt-in « futurs talents » and HR's flag. Deleted (the consent "
    "register keeps the dates).",
    export=lambda s: [
        row(t, "opted_in_at", "flagged_at", enrolment=t.enrolment_id)
        for t in TalentFlag.objects.filter(enrolment__in=s.enrolment_ids)
    ],
    erase=lambda s: TalentFlag.objects.filter(enrolment__in=s.enrolment_ids).delete()[
        0
    ],
)


# --- Consents ------------------------------------------------------------------------


def _consents(s: Subject) -> models.QuerySet[ConsentRecord]:
    if s.person is None:
        return ConsentRecord.objects.none()
    return ConsentRecord.objects.filter(person=s.person)


personal(
    "programs.consentrecord",
    "The consent register. Kept as proof (ids, notice versions, dates); open "
    "consents are marked withdrawn.",
    export=lambda s: [
        row(
            c,
            "kind",
            "notice_version",
            "given_at",
            "withdrawn_at",
            enrolment=c.enrolment_id,
        )
        for c in _consents(s)
    ],
    erase=lambda s: 0,  # closed by the erasure service before the registry runs
)


# --- Other apps' tables --------------------------------------------------------------


def _by_user(label: str, user_field: str, fields: list[str], reason: str) -> None:
    """A table of rows owned by an account: exported, then deleted."""

    def rows(s: Subject) -> models.QuerySet[Any] | None:
        model = _model(label)
        if model is None or s.user is None:
            return None
        return model._default_manager.filter(**{user_field: s.user})

    def export(s: Subject) -> Rows:
        found = rows(s)
        return [] if found is None else [row(o, *fields) for o in found]

    def erase(s: Subject) -> int:
        found = rows(s)
        return 0 if found is None else found.delete()[0]

    personal(label, reason, export=export, erase=erase)


_by_user(
    "accounts.apitoken",
    "owner",
    [
        "name",
        "prefix",
        "scopes",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    ],
    "The person's API tokens (never the secret). Deleted.",
)
_by_user(
    "account.emailaddress",
    "user",
    ["email", "verified", "primary"],
    "Email addresses known to the login system. Deleted.",
)
part_of("account.emailconfirmation", "account.emailaddress", "Confirmation keys.")
_by_user(
    "socialaccount.socialaccount",
    "user",
    ["provider", "uid", "last_login", "date_joined", "extra_data"],
    "Links to the company's identity provider (SSO). Deleted.",
)
part_of("socialaccount.socialtoken", "socialaccount.socialaccount", "SSO tokens.")
_by_user(
    "mfa.authenticator",
    "user",
    ["type", "created_at", "last_used_at"],
    "Second-factor devices (never their secrets). Deleted.",
)
_by_user(
    "usersessions.usersession",
    "user",
    ["ip", "user_agent", "created_at", "last_seen_at"],
    "Open sessions as the login system lists them. Deleted.",
)


def _admin_entries(s: Subject) -> models.QuerySet[Any]:
    from django.contrib.admin.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    q = Q(pk__in=[])
    for obj in (s.user, s.person):
        if obj is not None:
            ct = ContentType.objects.get_for_model(obj)
            q |= Q(content_type=ct, object_id=str(obj.pk))
    for ident in s.identifiers:
        if " " in ident or "@" in ident:  # full names and emails: specific enough
            q |= Q(object_repr__icontains=ident) | Q(change_message__icontains=ident)
    return LogEntry.objects.filter(q)


def _erase_admin_log(s: Subject) -> int:
    from django.contrib.admin.models import LogEntry

    count = 0
    for entry in _admin_entries(s):
        LogEntry.objects.filter(pk=entry.pk).update(
            object_repr=REDACTED_REPR,
            change_message=redact(entry.change_message, s.strong_identifiers),
        )
        count += 1
    return count


REDACTED_REPR = f"{ERASED_FIRST_NAME} {ERASED_LAST_NAME}"

personal(
    "admin.logentry",
    "Changes made in the administration to the person's account or profile "
    "(not who made them). Kept; names redacted.",
    export=lambda s: [
        row(e, "action_time", "action_flag", "object_repr", "change_message")
        for e in _admin_entries(s)
    ],
    erase=_erase_admin_log,
)


def _sessions(s: Subject) -> list[Any]:
    from django.contrib.sessions.models import Session

    if s.user is None:
        return []
    found = []
    for session in Session.objects.all().iterator():
        with contextlib.suppress(Exception):
            if session.get_decoded().get("_auth_user_id") == str(s.user.pk):
                found.append(session)
    return found


def _erase_sessions(s: Subject) -> int:
    from django.contrib.sessions.models import Session

    keys = [x.session_key for x in _sessions(s)]
    return Session.objects.filter(session_key__in=keys).delete()[0]


personal(
    "sessions.session",
    "Open login sessions (an id and an expiry date). Ended.",
    export=lambda s: [{"expire_date": x.expire_date.isoformat()} for x in _sessions(s)],
    erase=_erase_sessions,
)


def _axes(label: str, fields: list[str]) -> None:
    """axes' tables: rows keyed by the login name (the email address)."""

    def rows(s: Subject) -> models.QuerySet[Any]:
        model = _model(label)
        assert model is not None  # axes is always installed
        q = Q(pk__in=[])
        for email in s.emails:
            q |= Q(username__iexact=email)
        return model._default_manager.filter(q)

    personal(
        label,
        "Logins and failed logins with the person's address (lockout after "
        "repeated failures). Deleted.",
        export=lambda s: [row(o, *fields) for o in rows(s)],
        erase=lambda s: rows(s).delete()[0],
    )


_axes(
    "axes.accessattempt",
    ["attempt_time", "ip_address", "user_agent", "path_info", "failures_since_start"],
)
_axes("axes.accesslog", ["attempt_time", "logout_time", "ip_address", "user_agent"])
_axes(
    "axes.accessfailurelog", ["attempt_time", "ip_address", "user_agent", "locked_out"]
)
part_of("axes.accessattemptexpiration", "axes.accessattempt", "Lockout expiry.")


def _tasks(s: Subject) -> list[Any]:
    model = _model("django_tasks_database.dbtaskresult")
    if model is None or not s.identifiers:
        return []
    # A DBTaskResult of django-tasks-db, found by its label.
    results: Iterator[Any] = model._default_manager.all().iterator()
    return [
        t
        for t in results
        if mentions(
            f"{t.args_kwargs} {t.return_value} {t.traceback}", s.strong_identifiers
        )
        or any(e in str(t.args_kwargs).lower() for e in s.emails)
    ]


def _erase_tasks(s: Subject) -> int:
    """Emails to the person are dropped (sent or not); other people's emails
    that name the person keep their place in the queue, the name redacted."""
    count = 0
    for t in _tasks(s):
        to_person = any(e in str(t.args_kwargs).lower() for e in s.emails)
        if to_person or t.finished_at is not None:
            t.delete()
        else:
            type(t)._default_manager.filter(pk=t.pk).update(
                args_kwargs=redact_json(t.args_kwargs, s.strong_identifiers)
            )
        count += 1
    return count


personal(
    "django_tasks_database.dbtaskresult",
    "Background tasks (emails) addressed to or naming the person. Deleted, or "
    "the name redacted in another person's pending email.",
    export=lambda s: [
        {
            "task": t.task_path,
            "status": t.status,
            "enqueued_at": t.enqueued_at.isoformat(),
        }
        for t in _tasks(s)
    ],
    erase=_erase_tasks,
)


not_personal(
    "insights.dashboardsnapshot",
    "Dashboards of large programmes computed in advance: what the page "
    "publishes (hidden figures stored without their values) and the pairs at "
    "risk by pair id with their session counts, pseudonymous as the pairs "
    "themselves are after an erasure; names are read when a manager opens the "
    "page.",
)


# Titles of the export's sections, in the order of the export and of the
# erasure (the account and the profile come last: the other handlers still
# read them).
SECTIONS: list[tuple[str, Any]] = [
    ("people.person", _("Profile")),
    ("programs.consentrecord", _("Consents")),
    ("programs.invitation", _("Invitations received")),
    ("programs.enrolment", _("Participations")),
    ("skills.assessment", _("Skills assessments")),
    ("programs.skillwish", _("Skills to learn or teach")),
    ("programs.goal", _("Goals")),
    ("programs.castingreview", _("Casting grids about you")),
    ("programs.preparationcompletion", _("Mentors' preparation")),
    ("programs.coffeechat", _("« Cafés virtuels »")),
    ("programs.profilecorrection", _("Corrections of your HR data")),
    ("matching.pairdecision", _("Pairing decisions")),
    ("matching.matchinground", _("Matching proposals")),
    ("programs.peopleimport", _("HR files that mention you")),
    ("pairs.pair", _("Pairs")),
    ("pairs.charter", _("Charters")),
    ("pairs.charterchange", _("Your edits of charters")),
    ("pairs.kpi", _("Your KPIs")),
    ("pairs.meeting", _("Sessions")),
    ("pairs.agendaitem", _("Your agenda items")),
    ("pairs.privatenote", _("Your private notes on sessions")),
    ("pairs.actionitem", _("Your action items")),
    ("pairs.feedback", _("Your feedback on sessions")),
    ("pairs.closingsurvey", _("Your end-of-programme surveys")),
    ("pairs.pulsecheckin", _("Your check-in answers")),
    ("pairs.pairpause", _("Your pauses of a pair")),
    ("pairs.concern", _("Your confidential concerns")),
    ("pairs.contributionshare", _("Your contribution shared with your line manager")),
    ("pairs.certificate", _("Certificates")),
    ("pairs.talentflag", _("« Futurs talents »")),
    ("pairs.assistant", _("Assistants")),
    ("pairs.reminderpreference", _("Reminder preferences")),
    ("pairs.sentreminder", _("Reminders sent")),
    ("accounts.sentnotification", _("Notification e-mails sent")),
    ("pairs.glossaryterm", _("Glossary terms you suggested")),
    ("skills.resourcerating", _("Ratings of resources")),
    ("accounts.apitoken", _("API tokens")),
    ("account.emailaddress", _("Login addresses")),
    ("socialaccount.socialaccount", _("Company login (SSO)")),
    ("mfa.authenticator", _("Second factor")),
    ("usersessions.usersession", _("Login sessions")),
    ("sessions.session", _("Open sessions")),
    ("axes.accessattempt", _("Failed logins")),
    ("axes.accesslog", _("Logins")),
    ("axes.accessfailurelog", _("Failed logins (history)")),
    ("accounts.auditevent", _("Audit log")),
    ("admin.logentry", _("Changes in the administration")),
    ("django_tasks_database.dbtaskresult", _("Emails waiting or sent")),
    ("accounts.user", _("Account")),
]


def installed_entries() -> list[tuple[Entry, Any]]:
    """The personal entries whose model is installed, in section order."""
    return [
        (REGISTRY[label], title)
        for label, title in SECTIONS
        if REGISTRY[label].personal and _model(label) is not None
    ]


def erase_order() -> list[Entry]:
    """The personal entries to erase: the account and the profile last."""
    last = ["people.person", "accounts.user"]
    entries = [e for e, _t in installed_entries() if e.label not in last]
    return entries + [REGISTRY[label] for label in last]


def unregistered(models_: Any) -> list[str]:
    """The labels of these models that the registry does not declare."""
    return sorted(
        m._meta.label_lower for m in models_ if m._meta.label_lower not in REGISTRY
    )
