"""Zéphyrine Quillebeuf, a mentee of Inès in the pilot, has left a trace in
every table that can hold personal data. Each of her own texts carries the
word PLANTED; Inès's private texts carry INES-…-PRIVATE (never in
Zéphyrine's export) and her shared ones INES-…-KEEP (kept after an erasure).
"""

import datetime
from decimal import Decimal

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from binome.accounts.models import AuditEvent, SentNotification
from binome.insights.tests.conftest import dataset, sponsor  # noqa: F401
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
    Pair,
    PairPause,
    PrivateNote,
    PulseCheckIn,
    ReminderPreference,
    SentReminder,
    TalentFlag,
)
from binome.programs.models import (
    CastingReview,
    CoffeeChat,
    Enrolment,
    Goal,
    Invitation,
    PeopleImport,
    PreparationCompletion,
    PreparationStep,
    ProfileCorrection,
    SkillWish,
)
from binome.skills.models import (
    Assessment,
    AssessmentItem,
    Resource,
    ResourceRating,
    Skill,
)
from conftest import DAY, _person

EMAIL = "zephyrine.quillebeuf@planted.example"
# What must be gone from the whole database after her erasure (lower case).
NEEDLES = ["planted", "zéphyrine", "zephyrine", "quillebeuf"]
PARTNER_PRIVATE = [
    "INES-PRIVATE-NOTE",
    "INES-LEARNED-PRIVATE",
    "INES-FEEDBACK-PRIVATE",
    "INES-SURVEY-PRIVATE",
    "INES-PULSE-PRIVATE",
    "INES-CONCERN-PRIVATE",
]
PARTNER_KEPT = [
    "INES-PRIVATE-NOTE",
    "INES-LEARNED-PRIVATE",
    "INES-FEEDBACK-PRIVATE",
    "INES-SURVEY-PRIVATE",
    "INES-PULSE-PRIVATE",
    "INES-CONCERN-PRIVATE",
    "INES-AGENDA-KEEP",
    "INES-ACTION-KEEP",
    "INES-KPI-KEEP",
    "INES-OBJECTIVE-KEEP",
]


@pytest.fixture
def zephyrine(org, departments, people, pilot, recruiting, enrolments, settings):
    from binome.accounts.models import ApiToken
    from binome.programs.services import record_consent

    settings.PRIVACY_EXPORT_CASTING_REVIEWS = True
    z = _person(
        org,
        departments["finance"],
        "Zéphyrine",
        "Quillebeuf",
        4,
        hire_year=2001,
        employee_id="EMP-PLANTED-4242",
        job_title="Cheffe PLANTED-JOB",
        interests=["PLANTED-INTEREST"],
    )
    z.email = z.user.email = EMAIL
    z.save()
    z.user.save()
    user = z.user
    ines = enrolments["ines"]

    me = Enrolment.objects.create(
        programme=pilot,
        person=z,
        role="mentee",
        status="accepted",
        consent_at=DAY,
        consent_version="test",
        motivation="PLANTED-MOTIVATION",
    )
    record_consent(enrolment=me, kind="enrolment", version="2026-11")
    candidate = Enrolment.objects.create(
        programme=recruiting,
        person=z,
        role="mentor",
        status="volunteered",
        consent_at=DAY,
        consent_version="test",
        motivation="PLANTED-MOTIVATION-2",
    )
    Invitation.objects.create(
        programme=recruiting,
        person=z,
        email=EMAIL,
        invited_by=people["odile"].user,
        sent_at=DAY,
        opened_at=DAY,
    )
    skill = Skill.objects.get(code="crcn-2-1")
    SkillWish.objects.create(enrolment=me, skill=skill, intent="learn", priority=3)
    goal = Goal.objects.create(
        enrolment=me, title="PLANTED-GOAL-TITLE", kpi="PLANTED-GOAL-KPI", skill=skill
    )
    assessment = Assessment.objects.create(person=z, phase="baseline")
    AssessmentItem.objects.create(assessment=assessment, skill=skill, level=2)
    CastingReview.objects.create(
        enrolment=candidate,
        reviewer=people["odile"].user,
        expertise=3,
        teaching=2,
        communication=3,
        posture=3,
        availability=4,
        comment="PLANTED-CASTING",
    )
    TalentFlag.objects.create(enrolment=candidate)
    record_consent(enrolment=candidate, kind="talent_flag", version="2026-11")
    Certificate.objects.create(enrolment=candidate, sessions_held=3, minutes_held=90)
    step = PreparationStep.objects.first()
    assert step is not None  # loaded by a data migration
    PreparationCompletion.objects.create(person=z, step=step)
    CoffeeChat.objects.create(
        mentee=me,
        mentor=ines,
        status="accepted",
        message="PLANTED-COFFEE",
        # No verdicts: withdraw() cancels open coffees, and the database
        # refuses a verdict on a cancelled coffee (reported to the lead).
    )
    ProfileCorrection.objects.create(
        person=z,
        field="site",
        proposed_value="PLANTED-SITE",
        comment="PLANTED-CORRECTION",
        answer="PLANTED-HR-ANSWER",
    )
    PairDecision.objects.create(programme=pilot, mentor=ines, mentee=me, kind="lock")
    MatchingRound.objects.create(
        programme=pilot,
        number=1,
        status="failed",
        error="Zéphyrine Quillebeuf (locked to two different people)",
        result={"pairs": [{"mentor": ines.pk, "mentee": me.pk, "score": 0.8}]},
    )
    csv = f"matricule;prenom;nom;email\nEMP-PLANTED-4242;Zéphyrine;Quillebeuf;{EMAIL}\n"
    PeopleImport.objects.create(
        programme=pilot,
        uploaded_by=people["odile"].user,
        file_name="rh.csv",
        content=csv.encode(),
        sha256="0" * 64,
    )

    pair = Pair.objects.create(mentor=ines, mentee=me)
    charter = Charter.objects.create(
        pair=pair,
        mentee_objectives="PLANTED-OBJECTIVE",
        mentor_objectives="INES-OBJECTIVE-KEEP",
        ground_rules="On se tutoie, Zéphyrine et moi.",
    )
    CharterChange.objects.create(
        charter=charter,
        changed_by=user,
        changes={"mentee_objectives": ["", "PLANTED-OBJECTIVE"]},
    )
    Kpi.objects.create(
        charter=charter, goal=goal, direction="mentee", title="PLANTED-KPI", kpi="x"
    )
    Kpi.objects.create(
        charter=charter, direction="mentor", title="INES-KPI-KEEP", kpi="y"
    )
    meeting = Meeting.objects.create(
        pair=pair,
        starts_at=DAY + datetime.timedelta(days=14),
        status="held",
        held_minutes=30,
        icebreaker="Café avec Zéphyrine",
        notes="Notes partagées avec Zéphyrine Quillebeuf",
        mentee_learned="PLANTED-LEARNED",
        mentor_learned="INES-LEARNED-PRIVATE",
    )
    AgendaItem.objects.create(meeting=meeting, text="PLANTED-AGENDA", author=user)
    PrivateNote.objects.create(meeting=meeting, author=me, text="PLANTED-PRIVATE-NOTE")
    PrivateNote.objects.create(meeting=meeting, author=ines, text="INES-PRIVATE-NOTE")
    AgendaItem.objects.create(
        meeting=meeting, text="INES-AGENDA-KEEP", author=ines.person.user
    )
    ActionItem.objects.create(meeting=meeting, text="PLANTED-ACTION", owner=me)
    ActionItem.objects.create(meeting=meeting, text="INES-ACTION-KEEP", owner=ines)
    Feedback.objects.create(
        meeting=meeting, author=me, rating=4, useful=True, comment="PLANTED-FEEDBACK"
    )
    Feedback.objects.create(
        meeting=meeting,
        author=ines,
        rating=5,
        useful=True,
        comment="INES-FEEDBACK-PRIVATE",
    )
    for author, comment in ((me, "PLANTED-SURVEY"), (ines, "INES-SURVEY-PRIVATE")):
        ClosingSurvey.objects.create(
            pair=pair,
            author=author,
            confidence_before=2,
            confidence_after=4,
            satisfaction=5,
            would_recommend=True,
            comment=comment,
        )
    for author, comment in ((me, "PLANTED-PULSE"), (ines, "INES-PULSE-PRIVATE")):
        PulseCheckIn.objects.create(
            pair=pair,
            author=author,
            round=0,
            useful=4,
            rhythm=2,
            safety=5,
            comment=comment,
        )
    PairPause.objects.create(
        pair=pair,
        by=me,
        starts_on=pair.started_on,
        until=pair.started_on,
        reason=PairPause.Reason.LEAVE,
    )
    # A concern each: Zéphyrine's own is in her export; the one Inès raised
    # about her never is, and keeps its text (her name redacted) after an
    # erasure of Zéphyrine.
    Concern.objects.create(
        pair=pair,
        reporter=me,
        category="respect",
        text="PLANTED-CONCERN",
        reply="Réponse de l'équipe",
    )
    Concern.objects.create(
        pair=pair,
        reporter=ines,
        category="conduct",
        text="INES-CONCERN-PRIVATE à propos de Zéphyrine Quillebeuf",
    )
    ContributionShare.objects.create(enrolment=candidate)
    Assistant.objects.create(pair=pair, user=people["xavier"].user)
    ReminderPreference.for_user(user)
    SentReminder.objects.create(user=user, kind="inactive", key=f"pair:{pair.pk}")
    SentNotification.objects.create(key="0" * 32, email=user.email.lower())
    GlossaryTerm.objects.create(
        term="Onboarding", kind="corporate", definition_fr="Accueil", suggested_by=user
    )
    resource = Resource.objects.create(
        title_fr="Guide", kind="article", url="https://x.example"
    )
    ResourceRating.objects.create(resource=resource, user=user, rating=4)
    ApiToken.issue(owner=user, name="PLANTED-TOKEN", scopes=["read"], expires_at=None)

    AuditEvent.objects.create(
        action="login_failed", ip_address="203.0.113.7", details={"username": EMAIL}
    )
    AuditEvent.objects.create(
        action="login", actor=user, target=f"user:{user.pk}", ip_address="203.0.113.7"
    )
    from axes.models import AccessAttempt

    AccessAttempt.objects.create(
        username=EMAIL,
        ip_address="203.0.113.7",
        user_agent="PLANTED-BROWSER",
        failures_since_start=1,
        get_data="",
        post_data=f"username={EMAIL}",
    )
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.socialaccount.models import SocialAccount
    from axes.models import AccessFailureLog, AccessLog
    from django.contrib.sessions.backends.db import SessionStore

    AccessLog.objects.create(
        username=EMAIL, ip_address="203.0.113.7", user_agent="PLANTED-BROWSER"
    )
    AccessFailureLog.objects.create(
        username=EMAIL, ip_address="203.0.113.7", user_agent="PLANTED-BROWSER"
    )
    EmailAddress.objects.create(user=user, email=EMAIL, verified=True, primary=True)
    SocialAccount.objects.create(
        user=user,
        provider="openid_connect",
        uid="PLANTED-SSO-UID",
        extra_data={"name": "Zéphyrine Quillebeuf", "email": EMAIL},
    )
    Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": "PLANTEDSECRET"}
    )
    session = SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session.create()
    LogEntry.objects.create(
        user=people["odile"].user,
        content_type=ContentType.objects.get_for_model(z),
        object_id=str(z.pk),
        object_repr=str(z),
        action_flag=CHANGE,
        change_message="Changed job title of Zéphyrine Quillebeuf",
    )
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    DBTaskResult.objects.create(
        status="SUCCESSFUL",
        args_kwargs={
            "args": ["pair_inactive", [[EMAIL, "fr"]], {"name": "Zéphyrine"}],
            "kwargs": {},
        },
        task_path="binome.accounts.notifications.send_notification",
        backend_name="default",
        run_after=now,
        finished_at=now,
        return_value=1,
    )
    DBTaskResult.objects.create(
        status="READY",
        args_kwargs={
            "args": [
                "pair_inactive",
                [["ines@test.example", "fr"]],
                {"partner": "Zéphyrine Quillebeuf"},
            ],
            "kwargs": {},
        },
        task_path="binome.accounts.notifications.send_notification",
        backend_name="default",
        run_after=now,
    )
    from binome.insights import snapshots

    # The dashboard, as computed in advance for a large programme: the
    # erasure test finds no planted string in it (nothing personal is kept).
    snapshots.compute(pilot)
    return {
        "person": z,
        "user": user,
        "enrolment": me,
        "candidate": candidate,
        "pair": pair,
        "meeting": meeting,
        "target_value": Decimal(1),
    }


# Gaspard Œillet-Dupré is in the HR file (imported, then invited to the
# recruiting programme) but never activated an account. Each of his own
# texts carries the word GASPARD-PLANTED.
GASPARD_EMAIL = "gaspard.oeillet-dupre@planted.example"
GASPARD_ID = "RH-GASPARD-0042"
GASPARD_NEEDLES = [
    "gaspard",
    "œillet",
    "oeillet",
    "dupré",
    "dupre",
    GASPARD_ID.lower(),
]


@pytest.fixture
def admin_user(db):
    from binome.accounts.models import User

    return User.objects.create_superuser(email="ada@test.example", password="x" * 14)


@pytest.fixture
def gaspard(org, departments, people, pilot, recruiting, enrolments):
    from binome.people.models import Person

    g = Person.objects.create(
        organisation=org,
        first_name="Gaspard",
        last_name="Œillet-Dupré",
        email=GASPARD_EMAIL,
        employee_id=GASPARD_ID,
        job_title="Contrôleur GASPARD-PLANTED-JOB",
        department=departments["finance"],
        level=3,
        hire_year=2012,
        manager=people["bernard"],
        interests=["GASPARD-PLANTED-INTEREST"],
    )
    invited = Enrolment.objects.create(
        programme=recruiting,
        person=g,
        role="mentee",
        status="invited",
        motivation="GASPARD-PLANTED-MOTIVATION",
    )
    Invitation.objects.create(
        programme=recruiting,
        person=g,
        email=GASPARD_EMAIL,
        invited_by=people["odile"].user,
        sent_at=timezone.now(),
        opened_at=timezone.now(),
    )
    skill = Skill.objects.get(code="crcn-2-1")
    SkillWish.objects.create(enrolment=invited, skill=skill, intent="learn")
    Goal.objects.create(enrolment=invited, title="GASPARD-PLANTED-GOAL", skill=skill)
    mentor = Enrolment.objects.create(
        programme=recruiting, person=people["ines"], role="mentor", status="invited"
    )
    PairDecision.objects.create(
        programme=recruiting, mentor=mentor, mentee=invited, kind="forbid"
    )
    MatchingRound.objects.create(
        programme=recruiting,
        number=1,
        status="failed",
        error="Gaspard Œillet-Dupré (no mentor available)",
        result={"unmatched": [{"mentee": invited.pk}]},
    )
    assessment = Assessment.objects.create(person=g, phase="baseline")
    AssessmentItem.objects.create(assessment=assessment, skill=skill, level=1)
    csv = (
        "matricule;prenom;nom;email\n"
        f"{GASPARD_ID};Gaspard;Œillet-Dupré;{GASPARD_EMAIL}\n"
    )
    PeopleImport.objects.create(
        programme=recruiting,
        uploaded_by=people["odile"].user,
        file_name="rh-gaspard.csv",
        content=csv.encode(),
        sha256="1" * 64,
    )
    # Someone tried his address on the login page before he had an account.
    AuditEvent.objects.create(
        action="login_failed",
        ip_address="198.51.100.9",
        details={"username": GASPARD_EMAIL},
    )
    LogEntry.objects.create(
        user=people["odile"].user,
        content_type=ContentType.objects.get_for_model(g),
        object_id=str(g.pk),
        object_repr=str(g),
        action_flag=CHANGE,
        change_message="Changed the department of Gaspard Œillet-Dupré",
    )
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    DBTaskResult.objects.create(
        status="SUCCESSFUL",
        args_kwargs={
            "args": ["invitation", [[GASPARD_EMAIL, "fr"]], {"name": "Gaspard"}],
            "kwargs": {},
        },
        task_path="binome.accounts.notifications.send_notification",
        backend_name="default",
        run_after=now,
        finished_at=now,
        return_value=1,
    )
    return {"person": g, "enrolment": invited}
