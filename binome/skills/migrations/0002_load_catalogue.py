"""Load the default skills catalogue.

The catalogue is data that each company can edit afterwards (admin). It holds:
the five CRCN domains (the French adaptation of DigComp, décret 2019-919) with
their 16 competences, concrete practice topics, and the leadership skills that
seniors offer back. Levels use a 0–4 scale: 0 is none, 1–4 are the four CRCN
bands (novice, indépendant, avancé, expert).

The data is written here, not imported, so that this migration never changes
meaning when the code moves on.
"""

from django.db import migrations

AREAS = [
    # code, kind, position, French (CRCN), English (DigComp)
    ("information-data", "digital", 1, "Informations et données", "Information and data literacy"),
    ("communication-collaboration", "digital", 2, "Communication et collaboration", "Communication and collaboration"),
    ("content-creation", "digital", 3, "Création de contenus", "Digital content creation"),
    ("safety", "digital", 4, "Protection et sécurité", "Safety"),
    ("digital-environment", "digital", 5, "Environnement numérique", "Problem solving"),
    ("leadership-business", "leadership", 6, "Leadership et entreprise", "Leadership and business"),
]

# code, area, kind, French name, English name
SKILLS = [
    # CRCN competences
    ("crcn-1-1", "information-data", "competence", "Mener une recherche et une veille d'information", "Browsing, searching and monitoring information"),
    ("crcn-1-2", "information-data", "competence", "Gérer des données", "Managing data"),
    ("crcn-1-3", "information-data", "competence", "Traiter des données", "Processing data"),
    ("crcn-2-1", "communication-collaboration", "competence", "Interagir", "Interacting through digital technologies"),
    ("crcn-2-2", "communication-collaboration", "competence", "Partager et publier", "Sharing and publishing"),
    ("crcn-2-3", "communication-collaboration", "competence", "Collaborer", "Collaborating through digital technologies"),
    ("crcn-2-4", "communication-collaboration", "competence", "S'insérer dans le monde numérique", "Engaging in the digital world"),
    ("crcn-3-1", "content-creation", "competence", "Développer des documents textuels", "Developing text documents"),
    ("crcn-3-2", "content-creation", "competence", "Développer des documents multimédia", "Developing multimedia content"),
    ("crcn-3-3", "content-creation", "competence", "Adapter les documents à leur finalité", "Adapting content to its purpose"),
    ("crcn-3-4", "content-creation", "competence", "Programmer", "Programming"),
    ("crcn-4-1", "safety", "competence", "Sécuriser l'environnement numérique", "Protecting devices"),
    ("crcn-4-2", "safety", "competence", "Protéger les données personnelles et la vie privée", "Protecting personal data and privacy"),
    ("crcn-4-3", "safety", "competence", "Protéger la santé, le bien-être et l'environnement", "Protecting health, well-being and the environment"),
    ("crcn-5-1", "digital-environment", "competence", "Résoudre des problèmes techniques", "Solving technical problems"),
    ("crcn-5-2", "digital-environment", "competence", "Construire un environnement numérique", "Building a digital environment"),
    # Practice topics that mentees ask for
    ("linkedin", "communication-collaboration", "topic", "LinkedIn et personal branding", "LinkedIn and personal branding"),
    ("social-networks", "communication-collaboration", "topic", "Instagram et réseaux sociaux", "Instagram and social networks"),
    ("generative-ai", "content-creation", "topic", "IA générative (ChatGPT et autres)", "Generative AI (ChatGPT and others)"),
    ("dataviz", "information-data", "topic", "Data visualisation (Tableau, Power BI)", "Data visualisation (Tableau, Power BI)"),
    ("spreadsheet-formulas", "information-data", "topic", "Formules de tableur", "Spreadsheet formulas"),
    ("automation", "digital-environment", "topic", "Automatisation (Zapier, Power Automate)", "Automation (Zapier, Power Automate)"),
    ("seo", "content-creation", "topic", "Référencement naturel (SEO)", "Search engine optimisation (SEO)"),
    ("growth-hacking", "communication-collaboration", "topic", "Growth hacking", "Growth hacking"),
    ("agile", "communication-collaboration", "topic", "Méthodes agiles", "Agile ways of working"),
    ("collaboration-tools", "communication-collaboration", "topic", "Outils collaboratifs (Slack, Teams, Loom)", "Collaboration tools (Slack, Teams, Loom)"),
    ("tech-watch", "information-data", "topic", "Veille technologique", "Technology watch"),
    ("cyber-hygiene", "safety", "topic", "Cyber-hygiène", "Cyber-hygiene"),
    ("chatbots", "digital-environment", "topic", "Chatbots", "Chatbots"),
    ("blockchain", "digital-environment", "topic", "Bases de la blockchain", "Blockchain basics"),
    # What seniors offer back
    ("strategic-vision", "leadership-business", "offered", "Vision stratégique", "Strategic vision"),
    ("leadership", "leadership-business", "offered", "Leadership", "Leadership"),
    ("decision-making", "leadership-business", "offered", "Prise de décision", "Decision-making"),
    ("negotiation", "leadership-business", "offered", "Négociation", "Negotiation"),
    ("public-speaking", "leadership-business", "offered", "Prise de parole en public", "Public speaking"),
    ("navigating-organisation", "leadership-business", "offered", "Comprendre l'organisation et ses codes", "Navigating the organisation"),
    ("networking", "leadership-business", "offered", "Développer son réseau", "Building a network"),
    ("career-advice", "leadership-business", "offered", "Conseil de carrière", "Career advice"),
]

# level, French label, English label, French description, English description
LEVELS = [
    (0, "Aucune", "None",
     "Je ne connais pas encore ce sujet.",
     "I do not know this topic yet."),
    (1, "Novice", "Novice",
     "Je réalise des tâches simples, avec de l'aide (niveaux 1–2 du CRCN).",
     "I carry out simple tasks, with help (levels 1–2)."),
    (2, "Indépendant", "Independent",
     "Je me débrouille seul sur des tâches courantes (niveaux 3–4 du CRCN).",
     "I handle everyday tasks on my own (levels 3–4)."),
    (3, "Avancé", "Advanced",
     "Je maîtrise des tâches complexes et j'aide les autres (niveaux 5–6 du CRCN).",
     "I master complex tasks and help others (levels 5–6)."),
    (4, "Expert", "Expert",
     "Je résous des situations nouvelles et je fais évoluer les pratiques (niveaux 7–8 du CRCN).",
     "I solve new situations and improve how others work (levels 7–8)."),
]


def load(apps, schema_editor):
    SkillArea = apps.get_model("skills", "SkillArea")
    Skill = apps.get_model("skills", "Skill")
    LevelDescriptor = apps.get_model("skills", "LevelDescriptor")
    areas = {}
    for code, kind, position, name_fr, name_en in AREAS:
        areas[code], _ = SkillArea.objects.update_or_create(
            code=code,
            defaults={"kind": kind, "position": position, "name_fr": name_fr, "name_en": name_en},
        )
    for position, (code, area, kind, name_fr, name_en) in enumerate(SKILLS):
        Skill.objects.update_or_create(
            code=code,
            defaults={
                "area": areas[area],
                "kind": kind,
                "name_fr": name_fr,
                "name_en": name_en,
                "position": position,
            },
        )
    for level, label_fr, label_en, desc_fr, desc_en in LEVELS:
        LevelDescriptor.objects.update_or_create(
            skill=None,
            level=level,
            defaults={
                "label_fr": label_fr,
                "label_en": label_en,
                "description_fr": desc_fr,
                "description_en": desc_en,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("skills", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
