"""Default content of the mentors' didactics module (« formez les mentors à la
didactique »). Editable afterwards in the administration; written here, not
imported, so this migration keeps its meaning."""

from django.db import migrations

STEPS = [
    {
        "title_fr": "Expliquer sans jargon",
        "title_en": "Explaining without jargon",
        "body_fr": (
            "Votre mentoré connaît parfaitement l'entreprise, pas forcément les outils. "
            "Partez de ce qu'il fait déjà, donnez un exemple concret tiré de son métier, "
            "et remplacez chaque terme technique par une phrase simple. Si un mot "
            "technique est indispensable, définissez-le et ajoutez-le au lexique du binôme."
        ),
        "body_en": (
            "Your mentee knows the company inside out, not necessarily the tools. Start "
            "from what they already do, give a concrete example from their job, and "
            "replace each technical term with a plain sentence. If a technical word is "
            "needed, define it and add it to the pair's glossary."
        ),
        "question_fr": "Votre mentoré ne comprend pas le mot « prompt ». Que faites-vous ?",
        "question_en": "Your mentee does not understand the word “prompt”. What do you do?",
        "choices_fr": [
            "Je répète le mot plus lentement.",
            "Je l'explique avec un exemple de son quotidien : « la question que vous posez à l'assistant ».",
            "Je lui envoie un lien vers un article technique.",
        ],
        "choices_en": [
            "I repeat the word more slowly.",
            "I explain it with an everyday example: “the question you ask the assistant”.",
            "I send a link to a technical article.",
        ],
        "correct_choice": 1,
        "explanation_fr": "Un exemple concret, tiré de son métier, vaut mieux qu'une définition.",
        "explanation_en": "A concrete example from their job beats a definition.",
    },
    {
        "title_fr": "La patience, une compétence",
        "title_en": "Patience is a skill",
        "body_fr": (
            "Apprendre un nouvel outil à 55 ans demande du courage. Laissez le temps "
            "d'essayer, acceptez l'erreur et valorisez chaque progrès. Reformulez plutôt "
            "que de répéter, et vérifiez la compréhension par une question ouverte."
        ),
        "body_en": (
            "Learning a new tool at 55 takes courage. Leave time to try, accept mistakes "
            "and value each step forward. Rephrase rather than repeat, and check "
            "understanding with an open question."
        ),
        "question_fr": "Comment vérifier que votre mentoré a compris ?",
        "question_en": "How do you check that your mentee understood?",
        "choices_fr": [
            "Je demande : « C'est clair ? »",
            "Je lui demande de refaire la manipulation et de m'expliquer ce qu'il fait.",
            "Je passe à la suite : s'il n'a pas compris, il le dira.",
        ],
        "choices_en": [
            "I ask: “Is that clear?”",
            "I ask them to do it again and to explain what they are doing.",
            "I move on: if they did not understand, they will say so.",
        ],
        "correct_choice": 1,
        "explanation_fr": "Faire et expliquer montre la compréhension ; « c'est clair ? » appelle un oui poli.",
        "explanation_en": "Doing and explaining shows understanding; “is that clear?” invites a polite yes.",
    },
    {
        "title_fr": "La bonne posture : ni arrogant, ni hotline",
        "title_en": "The right posture: neither arrogant nor a helpdesk",
        "body_fr": (
            "Vous êtes l'expert du sujet, votre mentoré l'est de l'entreprise : l'échange "
            "va dans les deux sens. Restez humble et respectueux, mais vous n'êtes pas "
            "le support informatique : vous transmettez une compétence, vous ne réglez "
            "pas les problèmes à sa place. Vous avez le droit de dire non."
        ),
        "body_en": (
            "You are the expert on the topic, your mentee on the company: learning goes "
            "both ways. Stay humble and respectful, but you are not the IT helpdesk: you "
            "pass on a skill, you do not fix problems for them. You may say no."
        ),
        "question_fr": "Votre mentoré vous appelle pour réinstaller son imprimante. Que faites-vous ?",
        "question_en": "Your mentee calls you to reinstall their printer. What do you do?",
        "choices_fr": [
            "Je m'en occupe tout de suite, c'est un dirigeant.",
            "Je l'oriente vers le support et je propose d'en faire un sujet de séance s'il veut apprendre.",
            "Je refuse sans explication.",
        ],
        "choices_en": [
            "I do it at once: they are an executive.",
            "I point them to the helpdesk and offer to make it a session topic if they want to learn.",
            "I refuse without explanation.",
        ],
        "correct_choice": 1,
        "explanation_fr": "Le mentor n'est pas une hotline, mais il reste bienveillant.",
        "explanation_en": "The mentor is not a helpdesk, but stays kind.",
    },
    {
        "title_fr": "Préparer une séance de 30 minutes",
        "title_en": "Preparing a 30-minute session",
        "body_fr": (
            "Une séance courte se prépare : un objectif unique, un exercice concret, "
            "une petite mission pour la prochaine fois. Commencez par un court échange "
            "informel, gardez 5 minutes pour conclure et noter les actions. L'ordre du "
            "jour est préparé à l'avance, surtout par le mentoré."
        ),
        "body_en": (
            "A short session needs preparation: a single goal, a hands-on exercise, a "
            "small assignment for next time. Open with a short informal chat, keep 5 "
            "minutes to wrap up and write down the actions. The agenda is prepared in "
            "advance, mostly by the mentee."
        ),
        "question_fr": "Quel est le meilleur programme pour 30 minutes ?",
        "question_en": "What is the best plan for 30 minutes?",
        "choices_fr": [
            "Un tour complet de tous les réseaux sociaux.",
            "Un seul objectif, un exercice pratique et une action à faire avant la prochaine séance.",
            "Une présentation de 30 diapositives.",
        ],
        "choices_en": [
            "A full tour of every social network.",
            "One goal, one hands-on exercise and one action before the next session.",
            "A 30-slide presentation.",
        ],
        "correct_choice": 1,
        "explanation_fr": "Un objectif par séance : c'est ce qui tient dans 30 minutes.",
        "explanation_en": "One goal per session is what fits in 30 minutes.",
    },
    {
        "title_fr": "Des méthodes actives : le mentoré fait, le mentor guide",
        "title_en": "Active methods: the mentee does, the mentor guides",
        "body_fr": (
            "On apprend en faisant. Ne prenez pas le clavier : guidez votre mentoré pas "
            "à pas pendant qu'il manipule lui-même. Proposez un exercice à partir de ses "
            "propres documents et laissez-le chercher avant de donner la réponse."
        ),
        "body_en": (
            "People learn by doing. Do not take the keyboard: guide your mentee step by "
            "step while they do it themselves. Offer an exercise based on their own "
            "documents and let them search before giving the answer."
        ),
        "question_fr": "Votre mentoré bloque sur une formule de tableur. Que faites-vous ?",
        "question_en": "Your mentee is stuck on a spreadsheet formula. What do you do?",
        "choices_fr": [
            "Je prends le clavier et j'écris la formule.",
            "Je le guide par des questions pendant qu'il écrit lui-même la formule.",
            "Je lui dis de chercher une vidéo en ligne.",
        ],
        "choices_en": [
            "I take the keyboard and write the formula.",
            "I guide them with questions while they write the formula themselves.",
            "I tell them to look for a video online.",
        ],
        "correct_choice": 1,
        "explanation_fr": "Le mentor ne prend pas le clavier : c'est le mentoré qui fait l'exercice.",
        "explanation_en": "The mentor never takes the keyboard: the mentee does the exercise.",
    },
]


def load(apps, schema_editor):
    PreparationStep = apps.get_model("programs", "PreparationStep")
    for position, step in enumerate(STEPS, start=1):
        PreparationStep.objects.update_or_create(
            title_fr=step["title_fr"], defaults={**step, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [("programs", "0002_participant_journey")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
