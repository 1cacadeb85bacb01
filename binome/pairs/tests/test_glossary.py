from django.urls import reverse

from binome.pairs.models import GlossaryTerm


def test_a_suggestion_waits_for_the_manager_then_is_published(login, people, pair):
    client = login(people["bernard"])
    client.post(
        reverse("pairs:glossary"),
        {
            "term": "Growth hacking",
            "kind": "tech",
            "definition_fr": "Des techniques pour faire croître vite un produit.",
            "example_fr": "Un parrainage qui offre un mois gratuit.",
        },
    )
    term = GlossaryTerm.objects.get()
    assert term.status == "suggested" and term.programme == pair.programme
    assert (
        "Growth hacking" not in client.get(reverse("pairs:glossary")).content.decode()
    )

    approve = reverse("pairs:glossary_approve", args=[term.pk])
    assert client.post(approve).status_code == 404  # not a manager
    assert login(people["victor"]).post(approve).status_code == 404
    client = login(people["odile"])
    assert "Growth hacking" in client.get(reverse("pairs:glossary")).content.decode()
    client.post(approve)
    term.refresh_from_db()
    assert term.status == "approved"


def test_terms_are_filtered_by_direction_and_translated(login, people, settings):
    GlossaryTerm.objects.create(
        term="COMEX",
        kind="corporate",
        status="approved",
        definition_fr="Le comité exécutif.",
        definition_en="The executive committee.",
    )
    GlossaryTerm.objects.create(
        term="CRUD",
        kind="tech",
        status="approved",
        definition_fr="Créer, lire, modifier, supprimer.",
    )
    client = login(people["camille"])
    terms = client.get(reverse("pairs:glossary") + "?type=corporate").context["terms"]
    assert [t.term for t in terms] == ["COMEX"]
    from django.utils import translation

    with translation.override("en"):
        comex, crud = GlossaryTerm.objects.order_by("term")
        assert comex.definition == "The executive committee."
        assert crud.definition == "Créer, lire, modifier, supprimer."


def _english(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    return client


def test_the_glossary_page_follows_the_reader_and_marks_the_french_left(login, people):
    GlossaryTerm.objects.create(
        term="COMEX",
        kind="corporate",
        status="approved",
        definition_fr="Le comité exécutif.",
        example_fr="« Le projet passe en COMEX jeudi. »",
        definition_en="The executive committee.",
        example_en="“The project goes to the COMEX on Thursday.”",
    )
    GlossaryTerm.objects.create(
        term="CRUD",
        kind="tech",
        status="approved",
        definition_fr="Créer, lire, modifier, supprimer.",
    )
    html = _english(login(people["camille"])).get(reverse("pairs:glossary")).text
    assert '<html lang="en">' in html
    assert "<span>The executive committee.</span>" in html
    assert "<span>“The project goes to the COMEX on Thursday.”</span>" in html
    assert "Le comité exécutif" not in html and "passe en COMEX" not in html
    # No English yet: the French, marked as French for screen readers.
    assert '<span lang="fr">Créer, lire, modifier, supprimer.</span>' in html


def test_a_suggestion_can_come_with_its_english(login, people, pair):
    login(people["bernard"]).post(
        reverse("pairs:glossary"),
        {
            "term": "Run",
            "kind": "tech",
            "definition_fr": "L'exploitation courante d'un logiciel.",
            "definition_en": "Keeping software running day to day.",
            "example_en": "“The run team is on call.”",
        },
    )
    term = GlossaryTerm.objects.get()
    assert term.definition_en == "Keeping software running day to day."
    assert term.example_en == "“The run team is on call.”"
