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

# (term, kind, definition and example in French, then in English)
GLOSSARY = [
    (
        "CRUD",
        "tech",
        "Créer, lire, modifier, supprimer : les quatre opérations de "
        "base sur des données.",
        "« L'appli ne fait que du CRUD sur les contrats. »",
        "Create, read, update, delete: the four basic operations on data.",
        "“The app only does CRUD on contracts.”",
    ),
    (
        "Growth hacking",
        "tech",
        "Des techniques peu coûteuses pour faire croître vite "
        "le nombre d'utilisateurs.",
        "« Un mois offert par filleul, c'est du growth hacking. »",
        "Cheap techniques to grow the number of users fast.",
        "“A free month for each friend you refer: that's growth hacking.”",
    ),
    (
        "Prompt",
        "tech",
        "La consigne écrite que l'on donne à une IA générative.",
        "« Précise le format attendu dans ton prompt. »",
        "The written instruction you give a generative AI.",
        "“Say which format you expect in your prompt.”",
    ),
    (
        "No-code",
        "tech",
        "Créer une application ou un automatisme sans écrire de "
        "code, avec des blocs visuels.",
        "« On a fait le formulaire en no-code. »",
        "Building an app or an automation without writing code, with visual blocks.",
        "“We built the form with a no-code tool.”",
    ),
    (
        "API",
        "tech",
        "Une porte d'entrée qui permet à deux logiciels d'échanger des données.",
        "« Le CRM récupère les commandes par l'API. »",
        "A doorway that lets two pieces of software exchange data.",
        "“The CRM gets the orders through the API.”",
    ),
    (
        "Cloud",
        "tech",
        "Des serveurs loués et accessibles par Internet plutôt "
        "qu'installés dans l'entreprise.",
        "« Nos fichiers sont dans le cloud. »",
        "Servers rented and reached over the Internet rather than installed "
        "in the company.",
        "“Our files are in the cloud.”",
    ),
    (
        "COMEX",
        "corporate",
        "Le comité exécutif : les dirigeants qui prennent les grandes décisions.",
        "« Le projet passe en COMEX jeudi. »",
        "The executive committee: the leaders who take the big decisions.",
        "“The project goes to the COMEX on Thursday.”",
    ),
    (
        "P&L",
        "corporate",
        "Le compte de résultat : ce qu'une activité gagne et dépense.",
        "« Elle est responsable du P&L de sa BU. »",
        "Profit and loss: what a business earns and spends.",
        "“She is accountable for her BU's P&L.”",
    ),
    (
        "BU",
        "corporate",
        "Business unit : une division de l'entreprise qui gère son "
        "activité et ses résultats.",
        "« La BU Industrie recrute. »",
        "Business unit: a division of the company that runs its own business "
        "and results.",
        "“The Industry BU is hiring.”",
    ),
    (
        "Capex / Opex",
        "corporate",
        "Les investissements (capex) et les dépenses courantes (opex).",
        "« Ce logiciel en abonnement passe en opex. »",
        "Investments (capex) and running costs (opex).",
        "“This subscription software is booked as opex.”",
    ),
    (
        "Reporting",
        "corporate",
        "Le compte rendu chiffré régulier d'une activité.",
        "« Le reporting mensuel part le 5. »",
        "The regular report, in figures, on an activity.",
        "“The monthly reporting goes out on the 5th.”",
    ),
    (
        "Arbitrage",
        "corporate",
        "La décision de choisir entre plusieurs options, souvent budgétaires.",
        "« Le DAF rendra l'arbitrage la semaine prochaine. »",
        "The decision between several options, often about budgets.",
        "“The CFO will make the call next week.”",
    ),
]

# A suggestion waiting for the pilot's managers.
SUGGESTED_TERM = (
    "Onboarding",
    "corporate",
    "L'accueil et l'intégration d'un nouveau salarié.",
    "« Son onboarding dure deux semaines. »",
    "Welcoming a new employee and helping them settle in.",
    "“Her onboarding lasts two weeks.”",
)

# (title in French, in English, kind, skill codes, link, language of the
# content, description in French, in English). The leadership ones are what
# seniors share with juniors.
RESOURCES = [
    (
        "Guide du prompt en 10 exemples",
        "A prompt guide in 10 examples",
        "article",
        ["generative-ai"],
        "https://www.cnil.fr/fr/intelligence-artificielle",
        "fr",
        "Rôle, contexte, format attendu : dix consignes commentées.",
        "Role, context, expected format: ten instructions explained.",
    ),
    (
        "Bien démarrer sur LinkedIn",
        "Getting started on LinkedIn",
        "video",
        ["linkedin"],
        "https://www.linkedin.com/help/linkedin",
        "fr",
        "Un profil clair, un premier post, les bons réglages de visibilité.",
        "A clear profile, a first post, the right visibility settings.",
    ),
    (
        "Créer son premier tableau de bord",
        "Building your first dashboard",
        "module",
        ["dataviz"],
        "https://learn.microsoft.com/fr-fr/power-bi/",
        "fr",
        "Importer un fichier, choisir un visuel, filtrer par région.",
        "Import a file, pick a visual, filter by region.",
    ),
    (
        "Automatiser avec Power Automate",
        "Automating with Power Automate",
        "exercise",
        ["automation"],
        "https://learn.microsoft.com/fr-fr/power-automate/",
        "fr",
        "Un premier flux qui range les pièces jointes reçues par e-mail.",
        "A first flow that files the attachments you receive by e-mail.",
    ),
    (
        "Les 10 règles de la cyber-hygiène",
        "The 10 rules of cyber hygiene",
        "article",
        ["cyber-hygiene"],
        "https://www.cybermalveillance.gouv.fr/",
        "fr",
        "Mots de passe, double authentification, hameçonnage : l'essentiel.",
        "Passwords, two-factor authentication, phishing: the essentials.",
    ),
    (
        "Pix : évaluer ses compétences numériques",
        "Pix: assess your digital skills",
        "module",
        ["crcn-1-1"],
        "https://pix.fr/",
        "fr",
        "Le test public qui situe chacun sur le référentiel CRCN.",
        "The public test that places everyone on the CRCN framework.",
    ),
    # Leadership: from the senior to the junior.
    (
        "Donner un feedback utile",
        "Giving useful feedback",
        "article",
        ["leadership"],
        "https://rework.withgoogle.com/",
        "en",
        "Décrire un fait, son effet, et proposer une suite : un feedback qui "
        "aide au lieu de blesser.",
        "Describe a fact, its effect, and suggest what next: feedback that "
        "helps instead of hurting.",
    ),
    (
        "Animer une réunion efficace",
        "Running an effective meeting",
        "exercise",
        ["leadership", "decision-making"],
        "https://www.atlassian.com/fr/team-playbook",
        "fr",
        "Un objectif, un ordre du jour, un maître du temps, et des décisions "
        "écrites avant de se quitter.",
        "One goal, an agenda, a timekeeper, and decisions written down "
        "before everyone leaves.",
    ),
    (
        "Comprendre la stratégie de son entreprise",
        "Understanding your company's strategy",
        "module",
        ["strategic-vision"],
        "https://www.fun-mooc.fr/",
        "fr",
        "Lire un plan stratégique, relier ses missions aux priorités du groupe.",
        "Read a strategic plan and link your work to the group's priorities.",
    ),
    (
        "Développer son réseau dans l'entreprise",
        "Building your network inside the company",
        "article",
        ["networking", "navigating-organisation"],
        "https://www.apec.fr/",
        "fr",
        "Qui connaître au-delà de son équipe, et comment entretenir ces liens "
        "sans calcul.",
        "Whom to know beyond your team, and how to keep in touch without scheming.",
    ),
    (
        "Préparer une négociation",
        "Preparing a negotiation",
        "article",
        ["negotiation"],
        "https://www.pon.harvard.edu/",
        "en",
        "Connaître ses marges, l'intérêt de l'autre partie et sa solution de "
        "repli avant d'entrer dans la salle.",
        "Know your margins, the other side's interests and your fallback "
        "before you walk in.",
    ),
    (
        "Prendre la parole devant un comité",
        "Speaking up in front of a committee",
        "video",
        ["public-speaking"],
        "https://www.ted.com/",
        "en",
        "Trois messages, une recommandation, cinq minutes : s'adresser à des "
        "dirigeants.",
        "Three messages, one recommendation, five minutes: talking to executives.",
    ),
    (
        "Construire son projet professionnel",
        "Building your career plan",
        "module",
        ["career-advice"],
        "https://www.moncompteformation.gouv.fr/",
        "fr",
        "Faire le point sur ses envies, repérer les passerelles internes et "
        "les formations utiles.",
        "Take stock of what you want, spot the bridges inside the company "
        "and the useful training.",
    ),
]


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, 0), tzinfo=PARIS)


def _glossary_and_resources(pilot: Programme) -> None:
    """In French and English. Rows loaded by an older demo get the English
    they lack; nothing someone wrote is overwritten."""
    for term, kind, definition, example, definition_en, example_en in GLOSSARY:
        _bilingual(
            GlossaryTerm,
            {"term": term},
            {
                "kind": kind,
                "definition_fr": definition,
                "example_fr": example,
                "status": GlossaryTerm.Status.APPROVED,
            },
            {"definition_en": definition_en, "example_en": example_en},
        )
    term, kind, definition, example, definition_en, example_en = SUGGESTED_TERM
    _bilingual(
        GlossaryTerm,
        {"term": term},
        {
            "kind": kind,
            "definition_fr": definition,
            "example_fr": example,
            "programme": pilot,
        },
        {"definition_en": definition_en, "example_en": example_en},
    )
    skills = {s.code: s for s in Skill.objects.all()}
    for title, title_en, kind, codes, url, language, text, text_en in RESOURCES:
        resource, created = _bilingual(
            Resource,
            {"title_fr": title},
            {"kind": kind, "url": url, "language": language, "description_fr": text},
            {"title_en": title_en, "description_en": text_en},
        )
        if created:
            resource.skills.add(*(skills[c] for c in codes if c in skills))


def _bilingual[M: (GlossaryTerm, Resource)](
    model: type[M],
    key: dict[str, str],
    defaults: dict[str, object],
    english: dict[str, str],
) -> tuple[M, bool]:
    row, created = model.objects.get_or_create(**key, defaults=defaults | english)
    missing = [name for name in english if not getattr(row, name)]
    if missing:
        for name in missing:
            setattr(row, name, english[name])
        row.save(update_fields=missing)
    return row, created


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
