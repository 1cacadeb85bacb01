"""Leadership skills get their own scale; « not rated » becomes an answer.

The default scale describes the CRCN bands (digital skills). The skills that
seniors offer back are not measured that way: each gets a plain-language
descriptor per level, in French and English, written for the person who
rates themselves (usually a junior mentor learning from a senior). A company
can edit them in the admin like the rest of the catalogue.

An assessed skill may now have no level: the person chose « not rated ». It
is not a 0 and not a 1, and it counts in no average.

The data is written here, not imported, so that this migration never changes
meaning when the code moves on.
"""

from django.db import migrations, models

# level, French label, English label: the same steps for every leadership skill.
LABELS = [
    (0, "Aucune", "None"),
    (1, "Découverte", "Discovering"),
    (2, "En pratique", "Practising"),
    (3, "Confirmé", "Proficient"),
    (4, "Référent", "Role model"),
]

# skill code -> five (French, English) descriptions, level 0 to 4.
DESCRIPTIONS = {
    "strategic-vision": [
        ("Je ne relie pas encore mon travail à la stratégie de l'entreprise.",
         "I do not yet link my work to the company's strategy."),
        ("Je connais les grandes orientations de l'entreprise et je sais les expliquer simplement.",
         "I know the company's main directions and can explain them simply."),
        ("Je relie les priorités de mon équipe à la stratégie et je repère les tendances de mon marché.",
         "I link my team's priorities to the strategy and spot the trends in my market."),
        ("Je construis une feuille de route à deux ou trois ans et j'arbitre entre court et long terme.",
         "I build a two-to-three-year roadmap and weigh the short term against the long term."),
        ("Je définis une vision, je la fais partager et je l'ajuste quand l'environnement change.",
         "I set a vision, get others to share it and adjust it when the environment changes."),
    ],
    "leadership": [
        ("Je n'ai pas encore eu l'occasion d'entraîner un groupe.",
         "I have not yet had the chance to lead a group."),
        ("Je prends en charge une tâche collective ponctuelle et je tiens les autres informés.",
         "I take charge of a one-off group task and keep the others informed."),
        ("J'anime un petit projet : je répartis le travail, je donne du feedback et je tiens le cap.",
         "I run a small project: I share out the work, give feedback and keep it on course."),
        ("J'entraîne une équipe dans la durée, je délègue et je fais grandir chacun.",
         "I lead a team over time, delegate and help each person grow."),
        ("J'embarque des équipes au-delà de mon périmètre, y compris dans le changement, et j'accompagne d'autres managers.",
         "I bring teams beyond my own remit along, through change too, and coach other managers."),
    ],
    "decision-making": [
        ("Je laisse en général les autres trancher.",
         "I usually leave the decisions to others."),
        ("Je prends des décisions simples dans mon périmètre, en m'appuyant sur des règles connues.",
         "I make simple decisions within my remit, following known rules."),
        ("Je pèse les options et leurs risques, je décide à temps et j'explique mon choix.",
         "I weigh the options and their risks, decide in time and explain my choice."),
        ("Je décide dans l'incertitude, avec des données incomplètes, et j'assume les arbitrages.",
         "I decide under uncertainty, with incomplete data, and own the trade-offs."),
        ("Je prends des décisions qui engagent l'entreprise et j'organise la façon dont les autres décident.",
         "I make decisions that commit the company and shape how others decide."),
    ],
    "negotiation": [
        ("Je n'ai pas encore mené de négociation.",
         "I have not yet led a negotiation."),
        ("Je prépare une demande simple et je sais dire ce que je veux obtenir.",
         "I prepare a simple request and can say what I want to get."),
        ("Je prépare mes marges, j'écoute les intérêts de l'autre partie et je conclus des accords courants.",
         "I prepare my room for manoeuvre, listen to the other side's interests and reach everyday agreements."),
        ("Je mène des négociations à fort enjeu, je gère les tensions et je crée des options gagnant-gagnant.",
         "I lead high-stakes negotiations, handle tension and create win-win options."),
        ("Je négocie des accords complexes entre plusieurs parties et j'aide les autres à préparer les leurs.",
         "I negotiate complex agreements between several parties and help others prepare theirs."),
    ],
    "public-speaking": [
        ("Je n'ai pas encore pris la parole devant un groupe.",
         "I have not yet spoken in front of a group."),
        ("Je présente un point court devant mon équipe, avec mes notes.",
         "I present a short item to my team, with my notes."),
        ("Je fais une présentation structurée et je réponds aux questions avec aisance.",
         "I give a structured presentation and answer questions with ease."),
        ("Je convaincs un public exigeant ou nombreux (comité de direction, client, convention) et j'adapte mon message en direct.",
         "I convince a demanding or large audience (executive committee, client, convention) and adapt my message live."),
        ("Je porte la parole de l'entreprise à l'extérieur (médias, salons, conférences) et j'entraîne d'autres orateurs.",
         "I speak for the company outside (media, trade shows, conferences) and coach other speakers."),
    ],
    "navigating-organisation": [
        ("Je connais surtout mon équipe.",
         "I mainly know my own team."),
        ("Je sais qui fait quoi autour de moi et à qui m'adresser pour une demande courante.",
         "I know who does what around me and whom to ask for an everyday request."),
        ("Je comprends les circuits de décision et les codes implicites, et je fais avancer un dossier entre plusieurs services.",
         "I understand how decisions are made and the unwritten rules, and move a file forward across departments."),
        ("Je mobilise les bons relais et sponsors pour faire aboutir un projet transverse.",
         "I enlist the right allies and sponsors to bring a cross-functional project through."),
        ("Je fais évoluer les circuits et la culture de l'organisation, et j'aide les nouveaux venus à en décoder les codes.",
         "I improve how the organisation works and its culture, and help newcomers decode its ways."),
    ],
    "networking": [
        ("Je n'entretiens pas encore de réseau professionnel.",
         "I do not yet keep up a professional network."),
        ("J'entretiens des contacts dans mon service et quelques-uns au-dehors.",
         "I keep in touch with people in my department and a few outside it."),
        ("Je développe des relations dans d'autres services et à l'extérieur, et je les sollicite à bon escient.",
         "I build relationships in other departments and outside, and call on them wisely."),
        ("Je fais vivre un réseau varié, je mets les gens en relation et je rends la pareille.",
         "I keep a varied network alive, introduce people to each other and return the favour."),
        ("Mon réseau est une ressource pour l'entreprise : j'ouvre des portes à d'autres et j'anime des communautés.",
         "My network is a resource for the company: I open doors for others and lead communities."),
    ],
    "career-advice": [
        ("Je n'ai pas encore réfléchi à mon évolution ni conseillé quelqu'un sur la sienne.",
         "I have not yet thought about my own development nor advised anyone on theirs."),
        ("Je connais les métiers et les parcours possibles autour de moi.",
         "I know the jobs and career paths around me."),
        ("Je construis mon propre plan de développement et je sais en parler avec mon manager.",
         "I build my own development plan and can discuss it with my manager."),
        ("J'aide un collègue à clarifier ses objectifs et à choisir ses prochaines étapes.",
         "I help a colleague clarify their goals and choose their next steps."),
        ("J'accompagne des parcours dans la durée et j'ouvre des opportunités à ceux que je conseille.",
         "I support careers over time and open opportunities to the people I advise."),
    ],
}


def load(apps, schema_editor):
    Skill = apps.get_model("skills", "Skill")
    LevelDescriptor = apps.get_model("skills", "LevelDescriptor")
    # A company may have renamed or removed a skill since: only those present.
    for skill in Skill.objects.filter(code__in=DESCRIPTIONS):
        for (level, label_fr, label_en), (desc_fr, desc_en) in zip(
            LABELS, DESCRIPTIONS[skill.code], strict=True
        ):
            LevelDescriptor.objects.update_or_create(
                skill=skill,
                level=level,
                defaults={
                    "label_fr": label_fr,
                    "label_en": label_en,
                    "description_fr": desc_fr,
                    "description_en": desc_en,
                },
            )


def unload(apps, schema_editor):
    LevelDescriptor = apps.get_model("skills", "LevelDescriptor")
    AssessmentItem = apps.get_model("skills", "AssessmentItem")
    LevelDescriptor.objects.filter(skill__code__in=DESCRIPTIONS).delete()
    # The older schema has no way to say « not rated »: such answers cannot
    # go back as a level (that would invent one), so they go.
    AssessmentItem.objects.filter(level__isnull=True).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('skills', '0004_english_resource_translations'),
    ]

    operations = [
        migrations.AlterField(
            model_name='assessmentitem',
            name='level',
            field=models.PositiveSmallIntegerField(blank=True, help_text='Empty: not rated, which is no level (neither 0 nor 1).', null=True, verbose_name='level'),
        ),
        migrations.RunPython(load, unload),
    ]
