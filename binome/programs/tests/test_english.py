"""In English, what the programme pages suggest is in English."""

from django.urls import reverse

from binome.programs import services


def _english(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    return client


def test_the_goal_examples_are_in_english(login, recruiting, people):
    mentee = services.volunteer(
        programme=recruiting, person=people["bernard"], role="mentee", consent=True
    )
    client = _english(login(people["bernard"]))
    url = reverse("programs:goals", args=[mentee.pk])
    html = client.get(url).text
    assert "publish one LinkedIn post a week for a month" in html
    assert "Publish one LinkedIn post a week" in html
    for french in ("publier", "par semaine", "Publier"):
        assert french not in html
    # An example chosen fills the form in English too.
    html = client.get(url + "?exemple=0").text
    assert 'value="Be visible on LinkedIn"' in html
    assert 'value="posts"' in html


def test_the_casting_grid_speaks_english(recruiting):
    from binome.programs.models import CastingReview

    with_translation = CastingReview._meta.get_field("posture").help_text
    from django.utils import translation

    with translation.override("en"):
        assert str(with_translation) == (
            "« Neither arrogant nor a hotline »: respectful and firm."
        )
    with translation.override("fr"):
        assert (
            str(with_translation)
            == "« Ni arrogant, ni hotline » : respectueux et ferme."
        )
