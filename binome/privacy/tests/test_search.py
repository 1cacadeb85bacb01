"""The privacy office's search: anyone in the HR file, account or not."""

import html

import pytest
from django.urls import reverse

from binome.people.models import Organisation, Person
from binome.privacy.search import find, fold, word_pattern

from .conftest import GASPARD_EMAIL, GASPARD_ID

INDEX = "privacy:admin_index"


@pytest.fixture
def office(client, admin_user):
    client.force_login(admin_user)
    return client


def _search(client, q):
    response = client.get(reverse(INDEX), {"q": q})
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def _person_url(person):
    return reverse("privacy:admin_person_overview", args=[person.pk])


def test_fold_removes_accents_case_and_ligatures():
    assert fold("Œillet-DUPRÉ Ça") == "oeillet-dupre ca"


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ("zephyrine", "Zéphyrine"),
        ("ZÉPHYRINE", "zephyrine"),
        ("oeillet", "Œillet"),
        ("œillet", "OEILLET"),
        ("noel", "Noël"),
    ],
)
def test_a_word_matches_whatever_its_accents(query, text):
    import re

    assert re.search(word_pattern(query), text)
    assert not re.search(word_pattern(query), text.replace(text[-1], "#"))


@pytest.mark.parametrize(
    "query",
    [
        "Gaspard",
        "gaspard œillet-dupré",
        "OEILLET-DUPRE",
        "dupre gaspard",
        GASPARD_EMAIL.upper(),
        "oeillet-dupre@planted",
        GASPARD_ID,
        "gaspard-0042",
    ],
)
def test_finds_a_person_without_account(office, gaspard, query):
    page = _search(office, query)
    assert _person_url(gaspard["person"]) in page
    row = page[page.index(_person_url(gaspard["person"])) :]
    row = row[: row.index("</tr>")]
    for shown in ("Gaspard Œillet-Dupré", GASPARD_EMAIL, GASPARD_ID, "Finance"):
        assert shown in row
    assert "Groupe Test" in row
    assert "<td>non</td>" in row  # « compte : non »
    # Enough to tell people apart, nothing more.
    assert "GASPARD-PLANTED-JOB" not in page and "Contrôleur" not in page


def test_a_person_with_an_account_says_so(office, people):
    page = _search(office, "Rivière")
    row = page[page.index(_person_url(people["camille"])) :]
    assert "<td>oui</td>" in row[: row.index("</tr>")]
    assert "Comptes trouvés" not in page and "1 personne trouvée" in page


def test_the_account_address_finds_the_person_too(office, people):
    camille = people["camille"]
    camille.user.email = "c.riviere@perso.example"
    camille.user.save()
    assert _person_url(camille) in _search(office, "c.riviere@perso")


def test_namesakes_are_told_apart(office, org, departments):
    other_org = Organisation.objects.create(name="Filiale Sud", slug="sud")
    first = Person.objects.create(
        organisation=org,
        first_name="Marie",
        last_name="Martin",
        email="marie.martin@test.example",
        employee_id="RH-1",
        department=departments["rh"],
    )
    second = Person.objects.create(
        organisation=other_org, first_name="Marie", last_name="Martin"
    )
    page = _search(office, "marie martin")
    assert "2 personnes trouvées" in page
    for person in (first, second):
        assert _person_url(person) in page
    second_row = page[page.index(_person_url(second)) :]
    second_row = second_row[: second_row.index("</tr>")]
    assert "Filiale Sud" in second_row and "RH-1" not in second_row
    assert "<td>—</td>" in second_row  # no address, no employee ID


def test_no_match_says_so_in_french_and_escapes_the_query(office, people):
    response = office.get(reverse(INDEX), {"q": "<b>Zorglub</b> 🦄"})
    assert response.status_code == 200
    raw = response.content.decode()
    assert "<b>Zorglub" not in raw and "&lt;b&gt;Zorglub&lt;/b&gt; 🦄" in raw
    text = html.unescape(raw)
    assert (
        "Personne, dans le fichier RH ni parmi les comptes, ne correspond à "
        "« <b>Zorglub</b> 🦄 »."
    ) in text


def test_punctuation_and_emoji_are_plain_characters(office, org):
    person = Person.objects.create(
        organisation=org, first_name="Ana", last_name="Lima", employee_id="A.1+(2)"
    )
    assert _person_url(person) in _search(office, "a.1+(2)")
    assert _person_url(person) not in _search(office, "a11+(2)")
    assert "ne correspond" in _search(office, "🙂 .* [a-z] %")


@pytest.mark.parametrize("query", ["", "   "])
def test_an_empty_query_asks_for_one(office, people, query):
    page = _search(office, query)
    assert "Tapez un nom, une adresse e-mail ou un matricule." in page
    assert "trouvée" not in page


def test_a_huge_query_is_refused_politely(office, people):
    page = _search(office, "x" * 201)
    assert "au plus 200 caractères" in page
    page = _search(office, " ".join(["bernard"] * 11))
    assert "Utilisez au plus 10 mots." in page
    assert _person_url(people["bernard"]) not in page


def test_many_matches_are_capped(office, org):
    Person.objects.bulk_create(
        Person(organisation=org, first_name=f"Jean{n:02}", last_name="Dupont")
        for n in range(53)
    )
    page = _search(office, "dupont")
    assert "53 personnes trouvées" in page
    assert page.count("/confidentialite/personnes/") == 50
    assert "Seules les 50 premières sur 53 sont affichées" in page
    assert find("dupont", limit=50).total == 53


def test_an_erased_person_is_not_listed(office, org):
    Person.objects.create(organisation=org, first_name="Personne", last_name="effacée")
    assert "ne correspond" in _search(office, "effacée")
