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
