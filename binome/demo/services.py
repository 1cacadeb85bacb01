"""Demo data: a fictional French company running reverse-mentoring programmes.

Everything is keyed on stable identifiers (employee IDs, emails, slugs) and
drawn from a seeded random generator, so loading twice changes nothing.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction

from binome.accounts.models import User
from binome.demo.insights import load_insights_demo
from binome.demo.workspace import load_workspace_demo
from binome.pairs.models import Pair
from binome.people.models import SLOT_CODES, Department, Organisation, Person, Site
from binome.programs.models import (
    CastingReview,
    CoffeeChat,
    ConsentRecord,
    Enrolment,
    Goal,
    PreparationCompletion,
    PreparationStep,
    Programme,
    SkillWish,
)
from binome.skills.models import Assessment, AssessmentItem, Skill, SkillArea

DEMO_PASSWORD = "mentorat-inverse"
DEMO_DOMAIN = "binome.example"
CONSENT_VERSION = "2026-09"
SEED = 2026

# code, name, parent code
DEPARTMENTS = [
    ("dg", "Direction générale", None),
    ("finance", "Finance", None),
    ("rh", "Ressources humaines", None),
    ("dsi", "Systèmes d'information", None),
    ("data-ia", "Data et IA", "dsi"),
    ("infra", "Infrastructure et cloud", "dsi"),
    ("marketing", "Marketing et communication", None),
    ("digital", "Marketing digital", "marketing"),
    ("commercial", "Commercial", None),
    ("juridique", "Juridique et conformité", None),
    ("operations", "Opérations et supply chain", None),
    ("relation-client", "Relation client", None),
    ("innovation", "Innovation et R&D", None),
]
# Headcount per department, excluding its head.
HEADCOUNT = {
    "dg": 4,
    "finance": 18,
    "rh": 12,
    "dsi": 8,
    "data-ia": 12,
    "infra": 10,
    "marketing": 10,
    "digital": 10,
    "commercial": 20,
    "juridique": 8,
    "operations": 18,
    "relation-client": 16,
    "innovation": 10,
}
SITES = [
    ("Paris La Défense", "Puteaux"),
    ("Lyon Part-Dieu", "Lyon"),
    ("Nantes Euronantes", "Nantes"),
    ("Lille Euralille", "Lille"),
    ("Bordeaux Bastide", "Bordeaux"),
]
FIRST_NAMES = [
    "Léa",
    "Hugo",
    "Chloé",
    "Lucas",
    "Manon",
    "Louis",
    "Emma",
    "Gabriel",
    "Jade",
    "Arthur",
    "Louise",
    "Jules",
    "Alice",
    "Raphaël",
    "Lina",
    "Adam",
    "Rose",
    "Paul",
    "Anna",
    "Nathan",
    "Zoé",
    "Tom",
    "Sarah",
    "Théo",
    "Juliette",
    "Maxime",
    "Clara",
    "Antoine",
    "Margaux",
    "Nicolas",
    "Sophie",
    "Julien",
    "Nathalie",
    "Philippe",
    "Isabelle",
    "Christophe",
    "Sandrine",
    "Laurent",
    "Valérie",
    "Éric",
    "Catherine",
    "Pascal",
    "Sylvie",
    "Thierry",
    "Véronique",
    "Olivier",
    "Martine",
    "Patrick",
    "Hélène",
    "François",
    "Yasmine",
    "Karim",
    "Fatou",
    "Mamadou",
    "Mei",
    "Thomas",
    "Aurélie",
    "Sébastien",
    "Élodie",
    "Guillaume",
    "Agathe",
    "Benoît",
    "Delphine",
    "Mathieu",
    "Océane",
    "Rémi",
    "Amandine",
    "Yann",
    "Soline",
    "Damien",
]
LAST_NAMES = [
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefebvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Lefèvre",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "François",
    "Martinez",
    "Legrand",
    "Garnier",
    "Faure",
    "Rousseau",
    "Blanc",
    "Guérin",
    "Muller",
    "Henry",
    "Roussel",
    "Nicolas",
    "Perrin",
    "Morin",
    "Mathieu",
    "Clément",
    "Gauthier",
    "Dumont",
    "Lopez",
    "Fontaine",
    "Chevalier",
    "Robin",
    "Masson",
    "Sanchez",
    "Gérard",
    "Nguyen",
    "Boyer",
    "Denis",
    "Lemaire",
    "Duval",
    "Joly",
    "Gautier",
    "Roger",
    "Roche",
    "Roy",
    "Benali",
    "Diallo",
    "Haddad",
    "Traoré",
    "Kaci",
    "Le Gall",
    "Kerbrat",
]
JOB_TITLES = {
    1: [
        "Chargé·e de mission",
        "Analyste",
        "Assistant·e chef de projet",
        "Alternant·e",
        "Développeur·se",
        "Chargé·e de communication digitale",
        "Data analyst junior",
    ],
    2: [
        "Chef·fe de projet",
        "Consultant·e interne",
        "Ingénieur·e",
        "Contrôleur·se de gestion",
        "Chargé·e de clientèle",
        "Juriste",
        "Acheteur·se",
    ],
    3: ["Responsable d'équipe", "Manager", "Responsable de service"],
    4: ["Directeur·rice adjoint·e", "Directeur·rice de département"],
    5: ["Directeur·rice", "Membre du comité exécutif"],
}
INTERESTS = [
    "course à pied",
    "cuisine",
    "photographie",
    "musique",
    "jeux vidéo",
    "voyages",
    "cinéma",
    "lecture",
    "randonnée",
    "théâtre",
    "jardinage",
    "escalade",
    "podcasts",
    "échecs",
    "vélo",
    "bénévolat",
    "football",
    "yoga",
]
GOAL_TEMPLATES = {
    "linkedin": (
        "Être visible sur LinkedIn",
        "Publier un post LinkedIn par semaine",
        4,
        "posts",
    ),
    "generative-ai": (
        "Utiliser l'IA générative au quotidien",
        "Préparer 5 notes avec un assistant IA",
        5,
        "notes",
    ),
    "automation": (
        "Automatiser les tâches répétitives",
        "Automatiser 3 tâches avec Zapier",
        3,
        "tâches",
    ),
    "dataviz": (
        "Piloter avec des tableaux de bord",
        "Construire 2 tableaux de bord Power BI",
        2,
        "tableaux",
    ),
    "collaboration-tools": (
        "Animer une équipe à distance",
        "Tenir 4 réunions avec Teams et Loom",
        4,
        "réunions",
    ),
    "social-networks": (
        "Comprendre Instagram",
        "Publier 6 stories pour la marque employeur",
        6,
        "stories",
    ),
    "cyber-hygiene": (
        "Adopter les bons réflexes de sécurité",
        "Activer la double authentification sur 5 comptes",
        5,
        "comptes",
    ),
    "public-speaking": (
        "Prendre la parole avec aisance",
        "Présenter 2 fois en réunion de direction",
        2,
        "présentations",
    ),
    "strategic-vision": (
        "Comprendre la stratégie du groupe",
        "Résumer le plan stratégique en une page",
        1,
        "synthèse",
    ),
    "networking": (
        "Développer son réseau interne",
        "Rencontrer 5 managers d'autres directions",
        5,
        "rencontres",
    ),
    "negotiation": (
        "Mieux négocier",
        "Préparer 2 négociations avec la méthode apprise",
        2,
        "négociations",
    ),
    "career-advice": (
        "Construire son projet de carrière",
        "Écrire un plan de carrière à 3 ans",
        1,
        "plan",
    ),
}


@dataclass
class DemoSummary:
    people: int = 0
    users: int = 0
    programmes: list[str] = field(default_factory=list)
    pairs: int = 0
    enrolments: int = 0
    accounts: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class _Ctx:
    rng: random.Random
    org: Organisation
    password_hash: str
    # Set every demo account's password, not only new accounts' (a password
    # other than the public DEMO_PASSWORD replaces it on an existing demo).
    reset_password: bool
    departments: dict[str, Department]
    sites: list[Site]
    today: datetime.date


def _slots(rng: random.Random) -> list[str]:
    return sorted(rng.sample(SLOT_CODES, rng.randint(3, 6)), key=SLOT_CODES.index)


def _languages(rng: random.Random, level: int) -> list[str]:
    languages = ["fr"]
    if rng.random() < (0.85 if level <= 2 else 0.6):
        languages.append("en")
    if rng.random() < 0.15:
        languages.append(rng.choice(["es", "de", "it", "ar", "pt"]))
    return languages


def _hire_year(rng: random.Random, level: int, today: datetime.date) -> int:
    ranges = {1: (0, 4), 2: (3, 10), 3: (7, 18), 4: (12, 28), 5: (15, 35)}
    low, high = ranges[level]
    return today.year - rng.randint(low, high)


def _user(ctx: _Ctx, email: str, first: str, last: str, **extra: object) -> User:
    user, created = User.objects.get_or_create(
        email=email,
        defaults={
            "first_name": first,
            "last_name": last,
            "password": ctx.password_hash,
            **extra,
        },
    )
    if not created:
        if ctx.reset_password:
            extra = {**extra, "password": ctx.password_hash}
        User.objects.filter(pk=user.pk).update(
            first_name=first, last_name=last, **extra
        )
    return user


def _person(
    ctx: _Ctx,
    *,
    employee_id: str,
    first: str,
    last: str,
    email: str,
    department: str,
    level: int,
    manager: Person | None,
    site: Site | None = None,
    job_title: str | None = None,
) -> Person:
    rng = ctx.rng
    # Draw every random value even when the person exists, so that the
    # sequence (and thus everyone else's data) never depends on the database.
    values = {
        "first_name": first,
        "last_name": last,
        "email": email,
        "department": ctx.departments[department],
        "site": site or rng.choice(ctx.sites),
        "level": level,
        "manager": manager,
        "job_title": job_title or rng.choice(JOB_TITLES[level]),
        "hire_year": _hire_year(rng, level, ctx.today),
        "languages": _languages(rng, level),
        "accepts_remote": rng.random() < 0.9,
        "accepts_onsite": True,
        "availability": _slots(rng),
        "interests": sorted(rng.sample(INTERESTS, rng.randint(2, 4))),
    }
    if not values["accepts_remote"]:
        values["accepts_onsite"] = True
    elif rng.random() < 0.15:
        values["accepts_onsite"] = False
    person, _created = Person.objects.update_or_create(
        organisation=ctx.org, employee_id=employee_id, defaults=values
    )
    return person


def _build_company(ctx: _Ctx) -> tuple[list[Person], dict[str, Person]]:
    """Create the employees; returns them all, and the named demo cast."""
    rng = ctx.rng
    people: list[Person] = []
    names = [(f, last) for last in LAST_NAMES for f in FIRST_NAMES]
    rng.shuffle(names)
    used: set[tuple[str, str]] = set()
    counter = iter(range(1, 10_000))

    def next_name() -> tuple[str, str]:
        while True:
            name = names.pop()
            if name not in used and name[1] != "Bernard":
                used.add(name)
                return name

    def employee(dept: str, level: int, manager: Person | None, **kw: Any) -> Person:
        first, last = kw.pop("name", None) or next_name()
        number = next(counter)
        email = kw.pop("email", None) or _email(first, last)
        person = _person(
            ctx,
            employee_id=f"E{number:05d}",
            first=first,
            last=last,
            email=str(email),
            department=dept,
            level=level,
            manager=manager,
            **kw,
        )
        people.append(person)
        return person

    ceo = employee("dg", 5, None, job_title="Président·e-directeur·rice général·e")
    heads: dict[str, Person] = {}
    for code, _name, parent in DEPARTMENTS:
        if code == "dg":
            heads[code] = ceo
            continue
        boss = heads[parent] if parent else ceo
        level = 4 if parent else 5
        heads[code] = employee(code, level, boss)

    cast: dict[str, Person] = {}
    # The named cast of the demo and of the tests' stories.
    cast["bernard"] = _replace_head(
        ctx, heads["finance"], "Bernard", "Lemoine", "bernard"
    )
    cast["odile"] = _replace_head(ctx, heads["rh"], "Odile", "Marchand", "rh")
    for code, _name, _parent in DEPARTMENTS:
        head = heads[code]
        managers: list[Person] = []
        n = HEADCOUNT[code]
        n_managers = max(2, n // 5)
        for _ in range(n_managers):
            managers.append(employee(code, 3, head))
        for i in range(n - n_managers):
            level = 1 if i % 5 in (0, 1, 3) else 2
            if i % 7 == 6:
                level = 4
            employee(code, level, managers[i % len(managers)])
    # Camille: a junior in IT (data and AI), the pilot's star mentor.
    data_manager = next(
        p
        for p in people
        if p.department is not None and p.department.code == "data-ia" and p.level == 3
    )
    cast["camille"] = employee(
        "data-ia",
        1,
        data_manager,
        name=("Camille", "Rivière"),
        email=f"camille@{DEMO_DOMAIN}",
        job_title="Data analyst junior",
    )
    digital_manager = next(
        p
        for p in people
        if p.department is not None and p.department.code == "digital" and p.level == 3
    )
    cast["ines"] = employee(
        "digital",
        1,
        digital_manager,
        name=("Inès", "Benhamou"),
        email=f"ines@{DEMO_DOMAIN}",
        job_title="Chargée de communication digitale",
    )
    return people, cast


def _replace_head(
    ctx: _Ctx, head: Person, first: str, last: str, local_part: str
) -> Person:
    head.first_name, head.last_name = first, last
    head.email = f"{local_part}@{DEMO_DOMAIN}"
    head.save(update_fields=["first_name", "last_name", "email"])
    return head


def _email(first: str, last: str) -> str:
    import unicodedata

    def ascii_part(text: str) -> str:
        plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
        return plain.lower().replace(" ", "-").replace("'", "")

    return f"{ascii_part(first)}.{ascii_part(last)}@{DEMO_DOMAIN}"


def _assess(ctx: _Ctx, person: Person, skills: list[Skill], on: datetime.date) -> None:
    """A baseline self-assessment: juniors strong on digital, seniors on leadership."""
    rng = ctx.rng
    digital_base = {1: 3.2, 2: 2.6, 3: 1.8, 4: 1.3, 5: 1.0}[person.level]
    leadership_base = {1: 0.7, 2: 1.3, 3: 2.3, 4: 3.0, 5: 3.5}[person.level]
    levels = {}
    for skill in skills:
        base = (
            leadership_base
            if skill.area.kind == SkillArea.Kind.LEADERSHIP
            else digital_base
        )
        levels[skill.pk] = max(0, min(4, round(rng.gauss(base, 0.8))))
    assessment, created = Assessment.objects.get_or_create(
        person=person,
        phase=Assessment.Phase.BASELINE,
        assessed_on=on,
        assessor=None,
    )
    if created:
        AssessmentItem.objects.bulk_create(
            AssessmentItem(assessment=assessment, skill_id=pk, level=level)
            for pk, level in levels.items()
        )


def _enrol(
    ctx: _Ctx,
    programme: Programme,
    person: Person,
    role: str,
    *,
    status: str,
    consent_at: datetime.datetime,
    skills_by_code: dict[str, Skill],
    capacity: int | None = None,
) -> Enrolment:
    rng = ctx.rng
    digital = [
        c for c, s in skills_by_code.items() if s.area.kind == SkillArea.Kind.DIGITAL
    ]
    leadership = [
        c for c, s in skills_by_code.items() if s.area.kind == SkillArea.Kind.LEADERSHIP
    ]
    if role == Enrolment.Role.MENTEE:
        learn = rng.sample(digital, 3)
        teach = rng.sample(leadership, 2)
        motivation = (
            "Je veux comprendre les usages numériques de mes équipes et de nos clients."
        )
    else:
        learn = rng.sample(leadership, 2)
        teach = rng.sample(digital, 4)
        motivation = (
            "J'aime transmettre et je veux mieux comprendre le fonctionnement "
            "de l'entreprise."
        )
    enrolment, _created = Enrolment.objects.update_or_create(
        programme=programme,
        person=person,
        role=role,
        defaults={
            "status": status,
            "consent_at": consent_at,
            "consent_version": CONSENT_VERSION,
            "motivation": motivation,
            "capacity": capacity,
        },
    )
    for priority, code in zip((3, 2, 1), learn, strict=False):
        SkillWish.objects.update_or_create(
            enrolment=enrolment,
            skill=skills_by_code[code],
            intent=SkillWish.Intent.LEARN,
            defaults={"priority": priority},
        )
    for code in teach:
        SkillWish.objects.update_or_create(
            enrolment=enrolment,
            skill=skills_by_code[code],
            intent=SkillWish.Intent.TEACH,
            defaults={"priority": 2},
        )
    goal_code = next((c for c in learn if c in GOAL_TEMPLATES), None)
    if goal_code:
        title, kpi, target, unit = GOAL_TEMPLATES[goal_code]
        start = programme.start_date or ctx.today
        Goal.objects.update_or_create(
            enrolment=enrolment,
            title=title,
            defaults={
                "kpi": kpi,
                "target_value": target,
                "unit": unit,
                "due_date": start + datetime.timedelta(days=60),
                "skill": skills_by_code[goal_code],
            },
        )
    return enrolment


def _pick(
    people: list[Person],
    levels: set[int],
    exclude: set[int],
    n: int,
    rng: random.Random,
) -> list[Person]:
    pool = [p for p in people if p.level in levels and p.pk not in exclude]
    return rng.sample(pool, n)


def _consent_register(*programmes: Programme) -> None:
    """The register's record of each consent the demo enrolments carry (made
    once: a second load finds them)."""
    recorded = set(
        ConsentRecord.objects.filter(
            kind=ConsentRecord.Kind.ENROLMENT, enrolment__programme__in=programmes
        ).values_list("enrolment_id", flat=True)
    )
    records = []
    for e in Enrolment.objects.filter(
        programme__in=programmes, consent_at__isnull=False
    ).exclude(pk__in=recorded):
        assert e.consent_at is not None  # consent_at__isnull=False above
        records.append(
            ConsentRecord(
                person_id=e.person_id,
                enrolment=e,
                kind=ConsentRecord.Kind.ENROLMENT,
                notice_version=e.consent_version[:20],
                given_at=e.consent_at,
                withdrawn_at=e.withdrawn_at,
            )
        )
    ConsentRecord.objects.bulk_create(records)


@transaction.atomic
def load_demo(
    *, today: datetime.date | None = None, password: str = DEMO_PASSWORD
) -> DemoSummary:
    """Create or update the demo company and its programmes. Idempotent.

    Every demo account gets ``password``: the public ``DEMO_PASSWORD`` by
    default (DEBUG only, see the ``demo`` command); any other password is also
    set on the demo accounts that already exist.
    """
    today = today or datetime.date(2026, 11, 22)
    rng = random.Random(SEED)
    org, _ = Organisation.objects.update_or_create(
        slug="groupe-aurore", defaults={"name": "Groupe Aurore"}
    )
    departments: dict[str, Department] = {}
    for code, name, parent in DEPARTMENTS:
        departments[code], _ = Department.objects.update_or_create(
            organisation=org,
            code=code,
            defaults={"name": name, "parent": departments[parent] if parent else None},
        )
    sites = [
        Site.objects.update_or_create(
            organisation=org, name=name, defaults={"city": city}
        )[0]
        for name, city in SITES
    ]
    ctx = _Ctx(
        rng,
        org,
        make_password(password),
        password != DEMO_PASSWORD,
        departments,
        sites,
        today,
    )
    people, cast = _build_company(ctx)

    skills = list(Skill.objects.active().select_related("area"))
    skills_by_code = {s.code: s for s in skills}
    baseline_day = datetime.date(2026, 9, 1)

    rh_user = _user(ctx, f"rh@{DEMO_DOMAIN}", "Odile", "Marchand")
    _link(cast["odile"], rh_user)
    admin = _user(
        ctx, f"admin@{DEMO_DOMAIN}", "Admin", "Binôme", is_staff=True, is_superuser=True
    )

    pilot, _ = Programme.objects.update_or_create(
        slug="pilote-2026",
        defaults={
            "organisation": org,
            "name": "Pilote mentorat inversé 2026",
            "description": (
                "Huit binômes pour tester le mentorat inversé : des jeunes talents "
                "du numérique accompagnent des membres du comité de direction."
            ),
            "status": Programme.Status.RUNNING,
            "is_pilot": True,
            "start_date": datetime.date(2026, 9, 14),
            "end_date": datetime.date(2026, 12, 18),
            "format": Programme.Format.HYBRID,
            "mentor_max_level": 2,
            "mentee_min_level": 4,
        },
    )
    wave, _ = Programme.objects.update_or_create(
        slug="vague-2027",
        defaults={
            "organisation": org,
            "name": "Mentorat inversé — vague 2027",
            "description": (
                "Ouverte à tous les volontaires : les collaborateurs à l'aise avec le "
                "numérique partagent leurs savoir-faire avec les managers."
            ),
            "status": Programme.Status.RECRUITING,
            "is_pilot": False,
            "start_date": datetime.date(2027, 1, 18),
            "end_date": datetime.date(2027, 7, 16),
            "format": Programme.Format.HYBRID,
            "mentor_max_level": 2,
            "mentee_min_level": 3,
            "cloned_from": pilot,
            "open_call": True,
            "require_preparation": True,
            "coffee_enabled": True,
        },
    )
    sponsor = _user(ctx, f"sponsor@{DEMO_DOMAIN}", "Sophie", "Garnier")
    for programme in (pilot, wave):
        programme.managers.add(rh_user)
        programme.sponsors.add(sponsor)

    consent_pilot = datetime.datetime(2026, 9, 2, 9, 30, tzinfo=datetime.UTC)
    consent_wave = datetime.datetime(2026, 11, 3, 10, 0, tzinfo=datetime.UTC)
    taken = {cast["camille"].pk, cast["bernard"].pk, cast["ines"].pk, cast["odile"].pk}

    # The pilot: Camille mentors Bernard, plus seven more pairs that respect the
    # hard rules (another department, no reporting line), as published pairs do.
    mentors = [cast["camille"], *_pick(people, {1, 2}, taken, 7, rng)]
    taken |= {p.pk for p in mentors}
    senior_pool = [p for p in people if p.level in {4, 5} and p.pk not in taken]
    rng.shuffle(senior_pool)
    mentees = [cast["bernard"]]
    for mentor in mentors[1:]:
        mentee = next(
            p
            for p in senior_pool
            if p not in mentees
            and p.department_id != mentor.department_id
            and not mentor.in_reporting_line_with(p)
        )
        mentees.append(mentee)
    taken |= {p.pk for p in mentees}
    for mentor, mentee in zip(mentors, mentees, strict=True):
        m_enrol = _enrol(
            ctx,
            pilot,
            mentor,
            Enrolment.Role.MENTOR,
            status=Enrolment.Status.ACCEPTED,
            consent_at=consent_pilot,
            skills_by_code=skills_by_code,
        )
        e_enrol = _enrol(
            ctx,
            pilot,
            mentee,
            Enrolment.Role.MENTEE,
            status=Enrolment.Status.ACCEPTED,
            consent_at=consent_pilot,
            skills_by_code=skills_by_code,
        )
        Pair.objects.get_or_create(
            mentor=m_enrol,
            mentee=e_enrol,
            defaults={"started_on": datetime.date(2026, 9, 21)},
        )
    for person in (*mentors, *mentees):
        _link(person, _user(ctx, person.email, person.first_name, person.last_name))

    # The 2027 wave: 60 volunteers ready to be matched, Inès among them.
    wave_mentors = [cast["ines"], *_pick(people, {1, 2}, taken, 25, rng)]
    taken |= {p.pk for p in wave_mentors}
    wave_mentees = _pick(people, {3, 4, 5}, taken, 34, rng)
    taken |= {p.pk for p in wave_mentees}
    for i, person in enumerate(wave_mentors):
        _enrol(
            ctx,
            wave,
            person,
            Enrolment.Role.MENTOR,
            status=Enrolment.Status.ACCEPTED,
            consent_at=consent_wave,
            skills_by_code=skills_by_code,
            capacity=2 if i % 3 == 0 else None,
        )
    for person in wave_mentees:
        _enrol(
            ctx,
            wave,
            person,
            Enrolment.Role.MENTEE,
            status=Enrolment.Status.ACCEPTED,
            consent_at=consent_wave,
            skills_by_code=skills_by_code,
        )
    for person in (*wave_mentors, *wave_mentees):
        _link(person, _user(ctx, person.email, person.first_name, person.last_name))
    # Accepted mentors have done the preparation (the wave requires it), and
    # half of them already have a casting grid from HR.
    steps = list(PreparationStep.objects.filter(is_active=True))
    for i, person in enumerate(wave_mentors):
        for step in steps:
            PreparationCompletion.objects.get_or_create(person=person, step=step)
        if i % 2 == 0:
            enrolment = wave.enrolments.get(person=person, role=Enrolment.Role.MENTOR)
            scores = [2 + (i + k) % 3 for k in range(5)]
            CastingReview.objects.update_or_create(
                enrolment=enrolment,
                reviewer=rh_user,
                defaults=dict(zip(CastingReview.CRITERIA, scores, strict=True))
                | {"comment": "Pédagogue et disponible."},
            )

    # Volunteers at every earlier stage of the journey, so the demo shows it all.
    stages = _journey_stages(ctx, wave, people, taken, consent_wave)
    for person in (*mentors, *mentees, *wave_mentors, *wave_mentees, *stages):
        _assess(ctx, person, skills, baseline_day)
    _coffees(wave, wave_mentees[:3])
    # The pilot's pairs have lived two months: charters, sessions, feedback.
    load_workspace_demo(pilot, today=today)
    # Mid-way assessments, KPI progress and end-of-programme answers for the charts.
    load_insights_demo(pilot, wave, today=today)
    _consent_register(pilot, wave)

    return DemoSummary(
        people=Person.objects.filter(organisation=org).count(),
        users=User.objects.count(),
        programmes=[pilot.name, wave.name],
        pairs=Pair.objects.in_programme(pilot).active().count(),
        enrolments=wave.enrolments.filter(status=Enrolment.Status.ACCEPTED).count(),
        accounts=[
            (
                f"rh@{DEMO_DOMAIN}",
                "Odile Marchand — responsable RH des deux programmes",
            ),
            (f"camille@{DEMO_DOMAIN}", "Camille Rivière — mentor junior (pilote)"),
            (
                f"bernard@{DEMO_DOMAIN}",
                "Bernard Lemoine — mentoré, directeur financier",
            ),
            (f"ines@{DEMO_DOMAIN}", "Inès Benhamou — volontaire de la vague 2027"),
            (sponsor.email, "Sophie Garnier — sponsor (résultats agrégés)"),
            (admin.email, "administrateur technique (/admin/)"),
        ],
    )


def _coffees(wave: Programme, mentees: list[Person]) -> None:
    """A few « cafés virtuels » in the wave: asked, held and liked, declined."""
    from binome.matching.adapter import shortlist

    outcomes: list[dict[str, str]] = [
        {"status": CoffeeChat.Status.REQUESTED},
        {
            "status": CoffeeChat.Status.ACCEPTED,
            "mentee_verdict": CoffeeChat.Verdict.PREFER,
            "mentor_verdict": CoffeeChat.Verdict.PREFER,
        },
        {"status": CoffeeChat.Status.DECLINED},
    ]
    for person, outcome in zip(mentees, outcomes, strict=False):
        enrolment = wave.enrolments.get(person=person, role=Enrolment.Role.MENTEE)
        picks = shortlist(enrolment)
        if picks:
            CoffeeChat.objects.update_or_create(
                mentee=enrolment,
                mentor=picks[0].mentor,
                defaults={"message": "Un café la semaine prochaine ?", **outcome},
            )


def _journey_stages(
    ctx: _Ctx,
    wave: Programme,
    people: list[Person],
    taken: set[int],
    consent_at: datetime.datetime,
) -> list[Person]:
    """Create wave volunteers stopped at each step; returns those who have
    already filled in their self-assessment."""
    rng = ctx.rng
    juniors = _pick(people, {1, 2}, taken, 5, rng)
    seniors = _pick(people, {3, 4, 5}, taken, 4, rng)
    taken |= {p.pk for p in (*juniors, *seniors)}
    # (person, role, status, stage): stage is where they stopped.
    plan = [
        (juniors[0], "mentor", "invited", "invited"),
        (seniors[0], "mentee", "invited", "invited"),
        (juniors[1], "mentor", "volunteered", "profile"),
        (seniors[1], "mentee", "volunteered", "profile"),
        (juniors[2], "mentor", "volunteered", "assessment"),
        (seniors[2], "mentee", "volunteered", "goals"),
        (juniors[3], "mentor", "volunteered", "goals"),
        (juniors[4], "mentor", "withdrawn", "withdrawn"),
        (seniors[3], "mentee", "declined", "declined"),
    ]
    assessed = []
    for person, role, status, stage in plan:
        invited = status == "invited"
        enrolment, _created = Enrolment.objects.update_or_create(
            programme=wave,
            person=person,
            role=role,
            defaults={
                "status": status,
                "consent_at": None if invited else consent_at,
                "consent_version": "" if invited else CONSENT_VERSION,
                "withdrawn_at": consent_at if status == "withdrawn" else None,
            },
        )
        if stage == "profile":
            Person.objects.filter(pk=person.pk).update(availability=[])
        if stage == "goals":
            assessed.append(person)
            # They chose what to learn, but wrote no goal yet.
            kind = (
                SkillArea.Kind.DIGITAL
                if role == "mentee"
                else SkillArea.Kind.LEADERSHIP
            )
            skill = Skill.objects.filter(area__kind=kind).order_by("position").first()
            SkillWish.objects.get_or_create(
                enrolment=enrolment,
                skill=skill,
                intent="learn",
                defaults={"priority": 3},
            )
        if not invited:
            _link(person, _user(ctx, person.email, person.first_name, person.last_name))
    return assessed


def _link(person: Person, user: User) -> None:
    if person.user_id != user.pk:
        person.user = user
        person.save(update_fields=["user"])
