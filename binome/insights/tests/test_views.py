"""The dashboard, its exports and the comparison: who sees what."""

import csv
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from binome.programs.models import Programme

from .conftest import SECRET

pytestmark = pytest.mark.usefixtures("dataset")


def _names(dataset):
    people = [*dataset["mentors"], *dataset["mentees"]]
    return [p.last_name for p in people] + [p.first_name for p in people]


def _pdf_text(content: bytes, page: int = 0) -> str:
    return PdfReader(io.BytesIO(content)).pages[page].extract_text()


def test_outsiders_get_404(login, pilot, people, dataset):
    url = reverse("insights:dashboard", args=[pilot.slug])
    # A participant, a manager of another programme: no access.
    for who in ("camille", "victor"):
        client = login(people[who])
        assert client.get(url).status_code == 404
        assert client.get(url + "rapport.pdf").status_code == 404
        assert client.get(url + "export/progres.csv").status_code == 404


def test_anonymous_is_sent_to_log_in(client, pilot):
    response = client.get(reverse("insights:dashboard", args=[pilot.slug]))
    assert response.status_code == 302
    assert "/compte/" in response["Location"]


def test_manager_sees_charts_figures_and_pairs_at_risk(login, pilot, people, dataset):
    response = login(people["odile"]).get(
        reverse("insights:dashboard", args=[pilot.slug])
    )
    assert response.status_code == 200
    html = response.text
    # Seven charts: funnel, active pairs, cadence, progress both ways, goals,
    # survey; each an <img> with a text alternative, next to its data table.
    assert html.count('<img src="data:image/svg+xml;base64,') == 7
    # Pairs 6 and 7 fell behind: the manager sees their names.
    assert "Mentorname6 Mlast6" in html
    assert (
        "<script" not in html.split("<body", 1)[1].replace('src="/static/', "")
        or "htmx" in html
    )
    assert " style=" not in html


def test_sponsor_sees_the_figures_and_no_name(client, pilot, sponsor, dataset):
    client.force_login(sponsor)
    response = client.get(reverse("insights:dashboard", args=[pilot.slug]))
    assert response.status_code == 200
    html = response.text
    assert "Mentorname" not in html and "Menteename" not in html
    for name in _names(dataset):
        assert name not in html
    # The figures are there: 29 sessions held. The share keeping the rhythm
    # (5 of 7 pairs) is not: it would tell that 2 pairs fell behind.
    assert ">29<" in html
    assert "71 %" not in html and "71\xa0%" not in html
    assert reverse("programme_health", args=[pilot.slug]) not in html


def test_no_figure_uses_notes_or_comments(client, pilot, sponsor, login, people):
    client.force_login(sponsor)
    base = reverse("insights:dashboard", args=[pilot.slug])
    assert SECRET not in client.get(base).text
    for name in ("participation", "rythme", "progres", "objectifs", "satisfaction"):
        assert SECRET not in client.get(base + f"export/{name}.csv").text
    manager = login(people["odile"])
    assert SECRET not in manager.get(base).text


def test_csv_exports_follow_the_privacy_rules(client, pilot, sponsor):
    client.force_login(sponsor)
    base = reverse("insights:dashboard", args=[pilot.slug])
    response = client.get(base + "export/objectifs.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(
        csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";")
    )
    by_label = {row[0]: row[1:] for row in rows[1:]}
    # The skill goal is hidden because the lone unlinked goal is; the total
    # of 6 goals is shown, but not its share reached: 4 of 6 would tell that
    # 2 were not.
    assert ["masqué", "masqué"] in by_label.values()
    assert ["6", "masqué"] in by_label.values()
    assert not any(row[-1] in ("67 %", "67\xa0%") for row in rows)
    silos = client.get(base + "export/silos.csv").content.decode("utf-8-sig")
    assert "masqué" in silos and "Mlast" not in silos
    assert client.get(base + "export/inconnu.csv").status_code == 404


def test_pdf_report_renders_the_key_figures_on_page_one(
    client, pilot, sponsor, dataset
):
    client.force_login(sponsor)
    response = client.get(reverse("insights:report_pdf", args=[pilot.slug]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert reader.pages[0].mediabox.width == pytest.approx(595.28, abs=1)  # A4
    text = _pdf_text(response.content)
    assert pilot.name in text
    # At a glance: 7 pairs, 14 people, 29 sessions, 870 minutes; the shares
    # (5 of 7 keep the rhythm, 6 of 7 cross silos) would give counts away.
    for figure in ("29", "870"):
        assert figure in text
    assert "71 %" not in text and "86 %" not in text
    everything = "".join(page.extract_text() for page in reader.pages)
    assert "masqué" in everything
    for name in _names(dataset):
        assert name not in everything
    assert SECRET not in everything


def test_manager_pdf_has_no_names_either(login, pilot, people, dataset):
    response = login(people["odile"]).get(
        reverse("insights:report_pdf", args=[pilot.slug])
    )
    reader = PdfReader(io.BytesIO(response.content))
    everything = "".join(page.extract_text() for page in reader.pages)
    assert "Mentorname6" not in everything


def test_index_lists_only_the_programmes_one_may_see(
    client, pilot, sponsor, login, people, other_programme
):
    client.force_login(sponsor)
    html = client.get(reverse("insights:index")).text
    assert pilot.name in html and other_programme.name not in html
    assert login(people["camille"]).get(reverse("insights:index")).status_code == 404


def test_compare_a_pilot_and_its_clone(client, pilot, sponsor, org):
    wave = Programme.objects.create(
        organisation=org, name="Vague", slug="vague-x", cloned_from=pilot
    )
    wave.sponsors.add(sponsor)
    client.force_login(sponsor)
    response = client.get(reverse("insights:compare"))
    assert response.status_code == 200
    assert "Vague" in response.text and pilot.name in response.text
    assert "decision-" in response.text
    # A programme one does not sponsor cannot be compared.
    Programme.objects.create(organisation=org, name="Secret", slug="secret")
    response = client.get(reverse("insights:compare") + "?a=pilote&b=secret")
    assert response.status_code == 404


def test_hidden_figures_of_five_or_more_never_read_under_five(client, pilot, sponsor):
    """The sponsor's « Binômes qui tiennent le rythme » is 71 % (5 of 7
    pairs), hidden because 2 pairs fell behind: the page, the CSVs and the
    PDF say « masqué », with the note's reason, never « < 5 »."""
    client.force_login(sponsor)
    base = reverse("insights:dashboard", args=[pilot.slug])
    response = client.get(base)
    rhythm = response.context["board"].rhythm
    assert rhythm.hidden and rhythm.value >= 5
    html = response.text
    assert "&lt; 5" not in html and "< 5" not in html
    assert "masqué" in html
    assert "moins de 5 personnes, ou un chiffre qui permettrait de le retrouver" in (
        html.replace("\xa0", " ")
    )
    for name in ("participation", "rythme", "progres", "objectifs", "satisfaction"):
        text = client.get(base + f"export/{name}.csv").content.decode("utf-8-sig")
        assert "< 5" not in text
    everything = "".join(
        page.extract_text()
        for page in PdfReader(
            io.BytesIO(client.get(base + "rapport.pdf").content)
        ).pages
    )
    assert "< 5" not in everything and "masqué" in everything
