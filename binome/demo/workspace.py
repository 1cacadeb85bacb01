"""Demo data of the pair workspaces: charters, sessions, feedback, glossary,
resources. Idempotent: a pair that already has sessions is left as it is."""

from __future__ import annotations

import datetime
import random
import zoneinfo

from django.db import transaction
from django.utils import timezone

from binome.pairs import services
from binome.pairs.models import (
    ActionItem,
    AgendaItem,
    Feedback,
    GlossaryTerm,
    Meeting,
    Pair,
)
from binome.programs.models import Programme
from binome.skills.models import Resource, ResourceRating, Skill

PARIS = zoneinfo.ZoneInfo("Europe/Paris")

# (topic, skill code, what the mentee learned, what the mentor learned, action)
SESSIONS = [
    (
        "Écrire un bon prompt",
        "generative-ai",
        "Structurer un prompt : rôle, contexte, format attendu",
        "Comment le comité de direction arbitre un budget",
        "Tester trois prompts sur un vrai compte rendu",
    ),
    (
        "Publier sur LinkedIn sans y passer des heures",
        "linkedin",
        "Un post court avec une image fait mieux qu'un long texte",
        "Préparer une prise de parole en cinq minutes",
        "Publier un premier post sur le projet en cours",
    ),
    (
        "Lire un tableau de bord Power BI",
        "dataviz",
        "Filtrer un rapport et exporter une vue",
        "Ce qu'un directeur attend d'un tableau de bord",
        "Refaire le tableau des ventes avec un filtre par région",
    ),
    (
        "Automatiser une tâche répétitive",
        "automation",
        "Un flux Power Automate qui classe les pièces jointes",
        "Négocier un délai sans braquer son interlocuteur",
        "Créer le flux pour les factures fournisseurs",
    ),
    (
        "Les bons réflexes de cyber-hygiène",
        "cyber-hygiene",
        "Repérer un hameçonnage, activer la double authentification",
        "Comment se construit une décision en COMEX",
        "Activer la double authentification sur les comptes pros",
    ),
    (
        "Travailler en mode agile",
        "agile",
        "Un rituel court : ce qui est fait, la suite, les blocages",
        "Construire son réseau interne",
        "Essayer un point d'équipe de quinze minutes",
    ),
]

GLOSSARY = [
    (
        "CRUD",
        "tech",
        "Créer, lire, modifier, supprimer : les quatre opérations de "
        "base sur des données.",
        "« L'appli ne fait que du CRUD sur les contrats. »",
    ),
    (
        "Growth hacking",
        "tech",
        "Des techniques peu coûteuses pour faire croître vite "
        "le nombre d'utilisateurs.",
        "« Un mois offert par filleul, c'est du growth hacking. »",
    ),
    (
        "Prompt",
        "tech",
        "La consigne écrite que l'on donne à une IA générative.",
        "« Précise le format attendu dans ton prompt. »",
    ),
    (
        "No-code",
        "tech",
        "Créer une application ou un automatisme sans écrire de "
        "code, avec des blocs visuels.",
        "« On a fait le formulaire en no-code. »",
    ),
    (
        "API",
        "tech",
        "Une porte d'entrée qui permet à deux logiciels d'échanger des données.",
        "« Le CRM récupère les commandes par l'API. »",
    ),
    (
        "Cloud",
        "tech",
        "Des serveurs loués et accessibles par Internet plutôt "
        "qu'installés dans l'entreprise.",
        "« Nos fichiers sont dans le cloud. »",
    ),
    (
        "COMEX",
        "corporate",
        "Le comité exécutif : les dirigeants qui prennent les grandes décisions.",
        "« Le projet passe en COMEX jeudi. »",
    ),
    (
        "P&L",
        "corporate",
        "Le compte de résultat : ce qu'une activité gagne et dépense.",
        "« Elle est responsable du P&L de sa BU. »",
    ),
    (
        "BU",
        "corporate",
        "Business unit : une division de l'entreprise qui gère son "
        "activité et ses résultats.",
        "« La BU Industrie recrute. »",
    ),
    (
        "Capex / Opex",
        "corporate",
        "Les investissements (capex) et les dépenses courantes (opex).",
        "« Ce logiciel en abonnement passe en opex. »",
    ),
    (
        "Reporting",
        "corporate",
        "Le compte rendu chiffré régulier d'une activité.",
        "« Le reporting mensuel part le 5. »",
    ),
    (
        "Arbitrage",
        "corporate",
        "La décision de choisir entre plusieurs options, souvent budgétaires.",
        "« Le DAF rendra l'arbitrage la semaine prochaine. »",
    ),
]

RESOURCES = [
    (
        "Guide du prompt en 10 exemples",
        "article",
        "generative-ai",
        "https://www.cnil.fr/fr/intelligence-artificielle",
    ),
    (
        "Bien démarrer sur LinkedIn",
        "video",
        "linkedin",
        "https://www.linkedin.com/help/linkedin",
    ),
    (
        "Créer son premier tableau de bord",
        "module",
        "dataviz",
        "https://learn.microsoft.com/fr-fr/power-bi/",
    ),
    (
        "Automatiser avec Power Automate",
        "exercise",
        "automation",
        "https://learn.microsoft.com/fr-fr/power-automate/",
    ),
    (
        "Les 10 règles de la cyber-hygiène",
        "article",
        "cyber-hygiene",
        "https://www.cybermalveillance.gouv.fr/",
    ),
    (
        "Pix : évaluer ses compétences numériques",
        "module",
        "crcn-1-1",
        "https://pix.fr/",
    ),
]


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, 0), tzinfo=PARIS)


def _glossary_and_resources(pilot: Programme) -> None:
    for term, kind, definition, example in GLOSSARY:
        GlossaryTerm.objects.get_or_create(
            term=term,
            defaults={
                "kind": kind,
                "definition_fr": definition,
                "example_fr": example,
                "status": GlossaryTerm.Status.APPROVED,
            },
        )
    GlossaryTerm.objects.get_or_create(
        term="Onboarding",
        defaults={
            "kind": "corporate",
            "definition_fr": "L'accueil et l'intégration d'un nouveau salarié.",
            "example_fr": "« Son onboarding dure deux semaines. »",
            "programme": pilot,
        },
    )
    skills = {s.code: s for s in Skill.objects.all()}
    for title, kind, code, url in RESOURCES:
        resource, created = Resource.objects.get_or_create(
            title=title, defaults={"kind": kind, "url": url}
        )
        if created and code in skills:
            resource.skills.add(skills[code])


def _fill(
    pair: Pair, meeting: Meeting, index: int, rng: random.Random, missed: bool
) -> None:
    if missed:
        meeting.status = Meeting.Status.MISSED
        meeting.save()
        return
    topic, code, mentee_learned, mentor_learned, action = SESSIONS[
        index % len(SESSIONS)
    ]
    skill = Skill.objects.filter(code=code).first()
    mentee_user = pair.mentee.person.user
    AgendaItem.objects.create(
        meeting=meeting, kind="topic", text=topic, skill=skill, author=mentee_user
    )
    AgendaItem.objects.create(
        meeting=meeting,
        kind="question",
        text="Par où commencer dès demain ?",
        author=mentee_user,
    )
    meeting.icebreaker = rng.choice(
        ["Nouvelles du week-end", "Un café avant de commencer", "Le dernier film vu"]
    )
    meeting.notes = f"{topic} : démonstration, puis essai en direct."
    meeting.mentee_learned = mentee_learned
    meeting.mentor_learned = mentor_learned
    meeting.status = Meeting.Status.HELD
    meeting.held_minutes = rng.choice([25, 30, 30, 35, 40])
    meeting.save()
    item = ActionItem.objects.create(
        meeting=meeting,
        text=action,
        owner=pair.mentee,
        due_date=timezone.localdate(meeting.starts_at) + datetime.timedelta(days=7),
    )
    if index % 3 != 2:
        item.done_at = meeting.starts_at + datetime.timedelta(days=5)
        item.save(update_fields=["done_at"])
    for author in (pair.mentor, pair.mentee):
        Feedback.objects.create(
            meeting=meeting,
            author=author,
            rating=rng.choice([3, 4, 4, 5, 5]),
            useful=rng.random() < 0.9,
        )


@transaction.atomic
def load_workspace_demo(
    pilot: Programme, *, today: datetime.date | None = None
) -> None:
    """Give the pilot's pairs a lived-in workspace. Idempotent."""
    today = today or timezone.localdate()
    _glossary_and_resources(pilot)
    pairs = (
        Pair.objects.in_programme(pilot)
        .active()
        .select_related("mentor__person__user", "mentee__person__user")
        .order_by("mentee__person__last_name", "pk")
    )
    for number, pair in enumerate(pairs):
        if pair.meetings.exists():
            continue
        rng = random.Random(f"workspace-{pair.mentor.person.email}")
        charter = services.get_or_create_charter(pair=pair)
        charter.mentee_objectives = (
            "Gagner en autonomie sur les outils numériques du quotidien."
        )
        charter.mentor_objectives = (
            "Comprendre comment se prennent les décisions et développer son réseau."
        )
        charter.video_link = f"https://visio.example/binome-{pair.pk}"
        accepted = _at(pair.started_on, 11)
        charter.mentor_accepted_at = charter.mentee_accepted_at = accepted
        charter.save()
        start = _at(pair.started_on, 9 + number % 8)
        # Planned that morning: the story starts on the pair's first day.
        meetings = services.plan_meetings(pair=pair, first_at=start, now=start)
        # One pair drifts away: its recent sessions were missed (at risk).
        drifting = number == len(pairs) - 1
        past = [m for m in meetings if timezone.localdate(m.starts_at) < today]
        for index, meeting in enumerate(past):
            missed = (drifting and index >= 2) or (
                not drifting and index == 3 and number % 3 == 1
            )
            _fill(pair, meeting, index + number, rng, missed)
    _rate_resources(pilot)


def _rate_resources(pilot: Programme) -> None:
    users = [
        u
        for pair in Pair.objects.in_programme(pilot).select_related(
            "mentor__person__user", "mentee__person__user"
        )
        for u in (pair.mentor.person.user, pair.mentee.person.user)
        if u is not None
    ]
    for position, resource in enumerate(Resource.objects.order_by("pk")):
        for offset, user in enumerate(users[position : position + 4]):
            ResourceRating.objects.get_or_create(
                resource=resource,
                user=user,
                defaults={"rating": 3 + (position + offset) % 3},
            )
