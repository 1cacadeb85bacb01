"""The readable copy of the personal data (page and PDF): labels, local dates
in the reader's format, names instead of codes, no raw JSON, and emoji that
render."""

import io
import re
from typing import Any

from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from binome.pairs.models import Meeting
from binome.privacy.export import readable


def test_dates_are_local_and_in_the_readers_format():
    with translation.override("fr"):
        assert readable("2026-11-22T10:00:00+00:00") == "22 novembre 2026 11:00"
        assert readable("2026-07-01T10:00:00+00:00") == "1 juillet 2026 12:00"
        assert readable("2026-11-13") == "13 novembre 2026"
    with translation.override("en"):
        assert readable("2026-11-22T10:00:00+00:00") == "Nov. 22, 2026, 11:00"
        assert readable("2026-11-13") == "Nov. 13, 2026"


def test_codes_become_names_and_json_becomes_lists(db):
    with translation.override("fr"):
        assert readable(["fr", "en"], key="languages") == ["Français", "Anglais"]
        assert readable(["mon-am", "thu-pm"], key="availability") == [
            "lundi matin",
            "jeudi après-midi",
        ]
        skills = {"linkedin": "LinkedIn et personal branding"}
        assert readable("linkedin", key="skill", skills=skills) == (
            "LinkedIn et personal branding"
        )
        assert readable({"linkedin": 3}, key="levels", skills=skills) == [
            ("LinkedIn et personal branding", "3")
        ]
        assert readable({"format": "pdf", "when": "2026-11-13"}) == [
            ("format", "pdf"),
            ("when", "13 novembre 2026"),
        ]
        assert readable(4, key="pair") == "n° 4"
        assert readable(True) == "oui" and readable(None) == "—"
        assert readable("mentor", key="role") == "Mentor"


def test_the_page_shows_no_raw_json_nor_iso_dates(client, zephyrine):
    client.force_login(zephyrine["user"])
    html = client.get(reverse("privacy:report")).text
    main = html.split("<main", 1)[1]
    assert '["' not in main and '{"' not in main and "&quot;" not in main
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:", main)
    assert "Compétences à apprendre" in main or "Compétence" in main
    assert "Interagir" in main  # the skill crcn-2-1, by its name
    assert "crcn-2-1" not in main


def _pdf_text(content: bytes) -> tuple[str, set[str]]:
    reader = PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    fonts = set()
    for page in reader.pages:
        resources: Any = page["/Resources"]
        for font in resources["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    return text, fonts


def test_the_pdf_is_readable_and_its_emoji_render(client, zephyrine):
    meeting = Meeting.objects.get(notes__startswith="Notes partagées")
    meeting.notes = "Super séance 🎉\nÀ refaire ☕"
    meeting.save()
    client.force_login(zephyrine["user"])
    response = client.get(reverse("privacy:pdf"))
    text, fonts = _pdf_text(response.content)
    assert "Copie des données personnelles" in text
    assert "Intitulé de poste" in text and "Cheffe PLANTED-JOB" in text
    assert "Super séance" in text and "À refaire" in text
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:", text)  # no ISO date
    assert '["' not in text and '{"' not in text and "[\n" not in text
    assert "Interagir" in text and "crcn-2-1" not in text
    # The emoji are drawn with a colour emoji font, not as empty boxes.
    assert any("Emoji" in font for font in fonts), fonts


def test_the_pdf_follows_the_readers_language(client, zephyrine):
    zephyrine["user"].choose_language("en")
    client.force_login(zephyrine["user"])
    text, _fonts = _pdf_text(client.get(reverse("privacy:pdf")).content)
    assert "Copy of the personal data" in text and "Job title" in text
    assert "Interacting through digital technologies" in text
