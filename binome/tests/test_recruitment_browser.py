"""Acceptance of issue #14 in a real browser, on an install without demo data:
the first organisation and its HR administrator (activation e-mail), a
programme created through the UI, an HRIS import with bad rows, the
invitation of the imported people, and two of them (desktop, then a 390 px
wide phone) activating their account from the e-mail, reading the consent
notice, volunteering and withdrawing. E-mails leave through a real SMTP
server on loopback, queued by the database task worker; nothing is mocked.

With BINOME_SHOTS=<directory> (e.g. /tmp/accept-shots), screenshots of the
key pages, desktop and phone, land there for a human look."""

import io
import os
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import BrowserContext, expect

from binome.people.models import Organisation, Person
from binome.programs.models import Enrolment, Invitation, Programme
from conftest import assert_accessible

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("BINOME_SHOTS", "")
PASSWORD = "Un-vrai-secret-2026"
PROGRAMME = "Pilote Acme 2027"
SLUG = "pilote-acme"
# Good rows, a row without matricule, a bad address (both rejected), a row
# without e-mail (imported, but it cannot be invited).
CSV = (
    "matricule;prénom;nom;e-mail;niveau;rôle\n"
    "A1;Nadia;Sow;nadia.sow@acme.example;1;mentor\n"
    "A2;Hugo;Lenoir;hugo.lenoir@acme.example;5;mentoré\n"
    "A3;Inès;Faure;ines.faure@acme.example;1;mentor\n"
    ";Sans;Matricule;sans.matricule@acme.example;1;mentor\n"
    "A5;Mauvaise;Adresse;pas-une-adresse;1;mentor\n"
    "A6;Paul;Sansmail;;5;mentoré\n"
)
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 720}  # Playwright's default


class _Contexts:
    """Browser contexts in French, closed at the end of the test; CSP
    violations and JavaScript errors are collected in ``problems`` (the test
    fails on any)."""

    def __init__(self, browser, live_server):
        self.browser, self.live_server = browser, live_server
        self.problems: list[str] = []
        self.opened: list[BrowserContext] = []

    def new(self, **options):
        context = self.browser.new_context(
            locale="fr-FR", base_url=self.live_server.url, **options
        )
        context.on("page", self._watch)
        self.opened.append(context)
        return context

    def _watch(self, page):
        problems = self.problems
        page.on(
            "console",
            lambda msg: (
                problems.append(f"{page.url}: {msg.text}")
                if msg.type == "error" and "Content Security Policy" in msg.text
                else None
            ),
        )
        page.on("pageerror", lambda error: problems.append(f"{page.url}: {error}"))


@pytest.fixture
def contexts(browser, live_server):
    opened = _Contexts(browser, live_server)
    yield opened
    for context in opened.opened:
        context.close()


def _shot(page, name):
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def _no_sideways_scroll(page, width=PHONE["width"]):
    """The page fits the window's width: nothing scrolls sideways."""
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    # Elements that stick out on the right, to say what to fix.
    wide = page.evaluate(
        """(width) => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > width + 1)
            .slice(0, 5)
            .map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '')
                 + ' ' + Math.round(e.getBoundingClientRect().right) + 'px')""",
        width,
    )
    # A mobile browser widens the layout viewport to fit content that
    # overflows: window.innerWidth grows too.
    assert widths[1] == width, f"{page.url} is {widths[1]}px wide: {wide}"
    assert widths[0] <= widths[1] + 1, f"{page.url} scrolls sideways: {wide}"


def _link(text, pattern):
    found = re.findall(pattern, text)
    assert len(found) == 1, text
    return found[0]


def _set_password(page):
    page.get_by_label("Nouveau mot de passe", exact=True).fill(PASSWORD)
    page.get_by_label("Confirmation du nouveau mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Créer mon compte").click()


def _participant(page, *, email, first_name, role, smtp_server, shots, phone=False):
    """An imported person opens the personal link of the invitation e-mail,
    creates the account, reads the consent notice, volunteers, then
    withdraws. Returns the enrolment."""
    (message,) = smtp_server.to(email)
    assert message["Subject"] == f"Vous êtes invité·e à rejoindre « {PROGRAMME} »"
    body = smtp_server.body(message)
    assert f"Bonjour {first_name}" in body
    url = _link(body, r"https?://\S+/programmes/invitation/\S+/")

    def check(name):
        _shot(page, f"{shots}-{name}")
        if phone:
            _no_sideways_scroll(page)

    # Anonymous: the programme, and how to get in.
    page.goto(url)
    expect(page.get_by_role("heading", level=1)).to_contain_text(PROGRAMME)
    expect(page.get_by_text(email)).to_be_visible()
    check("1-invitation")
    assert_accessible(page)
    _set_password(page)

    # Logged in, on the same link: the consent notice and the form.
    expect(page.locator(".messages")).to_contain_text("Votre compte est prêt")
    expect(
        page.get_by_role("heading", name=re.compile("Avant de vous porter volontaire"))
    ).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text(PROGRAMME)
    check("2-join")
    assert_accessible(page)
    page.locator(f"input[name=role][value={role}]").check()
    page.locator("input[name=consent]").check()
    page.get_by_role("button", name="Je me porte volontaire").click()
    expect(page.locator(".messages")).to_contain_text("Merci pour votre engagement")
    expect(page.get_by_role("heading", level=1)).to_have_text("Votre profil")
    check("3-next-step")
    enrolment = Enrolment.objects.get(person__email=email, role=role)
    assert enrolment.status == Enrolment.Status.VOLUNTEERED
    account = enrolment.person.user
    assert account is not None and account.check_password(PASSWORD)

    # Withdrawing, from the journey page.
    page.get_by_role("navigation", name="Fil d'Ariane").get_by_role(
        "link", name=PROGRAMME
    ).click()
    expect(page).to_have_url(re.compile(f"/programmes/inscriptions/{enrolment.pk}/$"))
    check("4-journey")
    page.get_by_role("link", name="Me retirer de ce programme").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        f"Me retirer de « {PROGRAMME} »"
    )
    check("5-withdraw")
    page.get_by_label("Je confirme me retirer de ce programme.").check()
    page.get_by_role("button", name="Me retirer").click()
    expect(page.get_by_text("Vous vous êtes retiré")).to_be_visible()
    check("6-withdrawn")
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.WITHDRAWN
    return enrolment


def test_a_first_company_recruits_from_an_hris_file(
    contexts, live_server, settings, smtp_server, db_tasks
):
    settings.SITE_URL = live_server.url
    assert not Organisation.objects.exists()
    assert not Programme.objects.exists()

    # 1. The first organisation, and its HR administrator's activation.
    call_command(
        "create_organisation",
        "Acme Énergie",
        "--admin-email=rh@acme.example",
        "--admin-first-name=Léa",
        "--admin-last-name=Martin",
        stdout=io.StringIO(),
    )
    db_tasks()
    (activation,) = smtp_server.to("rh@acme.example")
    assert activation["Subject"] == "Activez votre compte Binôme"
    link = _link(smtp_server.body(activation), r"https?://\S+/compte/activer/\S+/")
    assert link.startswith(live_server.url)
    hr_context = contexts.new(viewport=DESKTOP)
    hr = hr_context.new_page()
    hr.goto(link)
    expect(hr.get_by_role("heading", level=1)).to_have_text("Activez votre compte")
    expect(hr.get_by_text("rh@acme.example")).to_be_visible()
    _shot(hr, "desktop-01-activate")
    assert_accessible(hr)
    _set_password(hr)
    expect(hr.get_by_role("heading", level=1)).to_have_text("Bonjour Léa")
    _shot(hr, "desktop-02-home-first-day")

    # 2. A programme, through the UI, then recruitment.
    hr.get_by_role("link", name="Nouveau programme").click()
    expect(hr.get_by_role("heading", level=1)).to_have_text("Nouveau programme")
    _shot(hr, "desktop-03-choose-template")
    hr.get_by_role("link", name="Lancer un pilote").click()
    hr.locator("input[name=name]").fill(PROGRAMME)
    hr.locator("input[name=slug]").fill(SLUG)
    hr.locator("textarea[name=description]").fill("Notre premier binôme inversé.")
    _shot(hr, "desktop-04-programme-form")
    hr.get_by_role("button", name="Enregistrer").click()
    expect(hr.get_by_role("heading", level=1)).to_contain_text(PROGRAMME)
    expect(hr.locator(".status")).to_have_text("Brouillon")
    hr.get_by_role("button", name="Passer à « Recrutement »").click()
    # What opening recruitment does, and to whom, before it is done.
    expect(hr.get_by_role("heading", level=1)).to_have_text(
        "Passer à « Recrutement » ?"
    )
    _shot(hr, "desktop-05a-status-confirm")
    hr.get_by_role("button", name="Passer à « Recrutement »").click()
    expect(hr.locator(".status")).to_have_text("Recrutement")
    _shot(hr, "desktop-05-programme")
    programme = Programme.objects.get(slug=SLUG)
    assert programme.status == Programme.Status.RECRUITING
    assert programme.organisation.name == "Acme Énergie"

    # The HRIS file: its bad rows are shown, the rest is imported.
    hr.get_by_role("link", name="Importer depuis le SIRH").click()
    hr.locator("input[type=file]").set_input_files(
        files=[
            {"name": "rh.csv", "mimeType": "text/csv", "buffer": CSV.encode("utf-8")}
        ]
    )
    hr.get_by_role("button", name="Prévisualiser l'import").click()
    expect(hr.get_by_role("heading", level=1)).to_contain_text("rh.csv")
    rejected = hr.get_by_role("table", name="Lignes rejetées")
    expect(rejected.locator("tbody tr")).to_have_count(2)
    expect(rejected).to_contain_text("matricule est vide")
    expect(rejected).to_contain_text("« pas-une-adresse » n'est pas une adresse")
    to_write = hr.get_by_role("table", name="Lignes à écrire")
    expect(to_write.locator("tbody tr")).to_have_count(4)
    expect(to_write).to_contain_text("Mentoré")
    _shot(hr, "desktop-06-import-preview")
    assert_accessible(hr)
    assert not Person.objects.filter(employee_id="A1").exists()  # a dry run
    hr.get_by_role("button", name="Confirmer l'import").click()

    # 3. The invitations: count, preview, send.
    expect(hr.get_by_role("heading", level=1)).to_have_text("Inviter des volontaires")
    expect(hr.get_by_text("Import terminé")).to_be_visible()
    imported = hr.locator("#imported")
    expect(imported).to_contain_text("3 personnes recevront l’invitation ci-dessous")
    expect(imported).to_contain_text("1 sans adresse e-mail")
    preview = hr.locator(".email-preview")
    expect(preview).to_contain_text(f"Vous êtes invité·e à rejoindre « {PROGRAMME} »")
    expect(preview).to_contain_text("Léa Martin")
    _shot(hr, "desktop-07-invitations")
    _no_sideways_scroll(hr, DESKTOP["width"])  # the e-mail's long lines wrap
    assert_accessible(hr)
    assert smtp_server.to("nadia.sow@acme.example") == []
    hr.get_by_role("button", name="Envoyer l’invitation à 3 personnes").click()
    expect(hr.get_by_role("table", name="Invitations envoyées")).to_contain_text(
        "Nadia Sow"
    )
    db_tasks()
    invited = sorted(m["To"] for m in smtp_server.messages if "invité" in m["Subject"])
    assert invited == [
        "hugo.lenoir@acme.example",
        "ines.faure@acme.example",
        "nadia.sow@acme.example",
    ]

    # Nadia, on a desktop, in a context of her own (anonymous).
    nadia_context = contexts.new(viewport=DESKTOP)
    nadia = _participant(
        nadia_context.new_page(),
        email="nadia.sow@acme.example",
        first_name="Nadia",
        role="mentor",
        smtp_server=smtp_server,
        shots="desktop-1x-nadia",
    )

    # Hugo, on a phone 390 px wide: no page scrolls sideways.
    phone_context = contexts.new(viewport=PHONE, is_mobile=True, has_touch=True)
    hugo = _participant(
        phone_context.new_page(),
        email="hugo.lenoir@acme.example",
        first_name="Hugo",
        role="mentee",
        smtp_server=smtp_server,
        shots="phone-2x-hugo",
        phone=True,
    )

    # 4. What the HR administrator sees of them.
    hr.goto(f"/programmes/{SLUG}/invitations/")
    sent = hr.get_by_role("table", name="Invitations envoyées")
    for name in ("Nadia Sow", "Hugo Lenoir"):
        expect(sent.get_by_role("row").filter(has_text=name)).to_contain_text(
            "Inscrite"
        )
    expect(sent.get_by_role("row").filter(has_text="Inès Faure")).to_contain_text(
        "Envoyée"
    )
    _shot(hr, "desktop-08-invitations-followed")
    assert_accessible(hr)
    hr.goto(f"/programmes/{SLUG}/volontaires/")
    for name in ("Nadia Sow", "Hugo Lenoir"):
        expect(hr.get_by_role("row").filter(has_text=name)).to_contain_text("Retiré")
    _shot(hr, "desktop-09-enrolments")

    # The HR administrator's pages on a phone: wide tables scroll inside
    # their own (focusable) region, never the page.
    hr_phone = contexts.new(
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        storage_state=hr_context.storage_state(),
    )
    page = hr_phone.new_page()
    for name, path in (
        ("home", "/"),
        ("programme", f"/programmes/{SLUG}/"),
        ("invitations", f"/programmes/{SLUG}/invitations/"),
        ("enrolments", f"/programmes/{SLUG}/volontaires/"),
    ):
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        _shot(page, f"phone-3-hr-{name}")
        _no_sideways_scroll(page)
        if page.locator(".table-scroll").count():
            assert_accessible(page)  # the scrolling region is focusable

    joined = Invitation.objects.filter(person__in=[nadia.person, hugo.person])
    assert {i.state for i in joined} == {Invitation.State.JOINED}
    assert contexts.problems == []
