"""Phone first (#15): every page of every role works 390 px wide.

One live server, one login per role. For each role a bounded, deterministic
crawler follows the in-app links (GET only, breadth first, in the order of
the page) and checks each page: nothing scrolls sideways, no element sticks
out on the right (except inside a declared scroll box), no Content Security
Policy violation, axe-core clean. The pair's data holds long user content (a
300-character word, a long URL, emoji) in the agenda, notes, actions, goals
and KPIs, which must wrap instead of widening the page.

``SHOTS=/tmp/dir`` saves a screenshot of each page."""

import datetime
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from conftest import assert_accessible

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 720}
PASSWORD = "mot-de-passe-solide"
SHOTS = os.environ.get("SHOTS")
PAGES_PER_ROLE = 45

LONG_WORD = "Anticonstitutionnellement" * 12  # 300 characters, no break
LONG_URL = "https://intranet.example/" + "/".join(f"dossier-{n}" for n in range(30))
EMOJI = "🚀📊🤝✨" * 20
LONG_TEXT = f"{LONG_WORD} {LONG_URL} {EMOJI}"

# Links the crawler leaves alone: other sites' pages (admin), state changes
# reached by GET (language, logout), files (calendars, exports, templates).
SKIP = re.compile(
    r"^/(admin|i18n|api)/|deconnexion|logout|\.(ics|csv|xlsx|pdf|zip|json)$"
    r"|/export|/telecharger|/modele"
)

# Watches every page for CSP violations before any of its scripts runs.
CSP_WATCH = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(
    e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline')
    + ' at ' + e.sourceFile + ':' + e.lineNumber);
});
"""

# Elements whose right edge is past the window, unless a scroll box of the
# page (overflow-x auto/scroll, itself inside the window) holds them (an
# absolutely positioned element is held only if its containing block is in
# the box too), or they are inside a visually hidden box.
STICKING_OUT = """(width) => {
  const out = [];
  for (const e of document.querySelectorAll('body *')) {
    const r = e.getBoundingClientRect();
    if ((r.width === 0 && r.height === 0) || r.right <= width + 1) continue;
    let held = false;
    for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
      const overflow = getComputedStyle(p).overflowX;
      // A visually hidden box (1 px, clipped) shows nothing of its content.
      const clips = overflow === 'hidden' || overflow === 'clip';
      if (clips && p.getBoundingClientRect().width <= 1) {
        held = true;
        break;
      }
      if (overflow !== 'auto' && overflow !== 'scroll') continue;
      if (p.getBoundingClientRect().right > width + 1) break;
      const position = getComputedStyle(e).position;
      held = (position !== 'absolute' && position !== 'fixed')
        || (e.offsetParent !== null && p.contains(e.offsetParent));
      break;
    }
    if (!held) out.push(e.tagName.toLowerCase()
      + (e.id ? '#' + e.id : '')
      + (typeof e.className === 'string' && e.className
         ? '.' + e.className.trim().replace(/ +/g, '.') : '')
      + ' right=' + Math.round(r.right));
  }
  return out.slice(0, 5);
}"""


def _shot(page, name):
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


class Walk:
    """One browser context per role, its problems collected by page."""

    def __init__(self, browser, live_server, *, viewport=PHONE, locale="fr"):
        self.context = browser.new_context(
            locale="fr-FR" if locale == "fr" else "en-GB",
            base_url=live_server.url,
            viewport=viewport,
            is_mobile=viewport is PHONE,
            has_touch=viewport is PHONE,
        )
        self.context.add_init_script(CSP_WATCH)
        self.page = self.context.new_page()
        self.origin = live_server.url
        self.width = viewport["width"]
        self.locale = locale
        self.errors: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on(
            "console",
            lambda msg: (
                self.errors.append(msg.text)
                if msg.type == "error" and "Content Security Policy" in msg.text
                else None
            ),
        )

    def log_in(self, email):
        page = self.page
        page.goto("/compte/connexion/")
        page.locator("input[name=login]").fill(email)
        page.locator("input[name=password]").fill(PASSWORD)
        page.locator("form button[type=submit]").last.click()
        expect(page).not_to_have_url(re.compile(r"/compte/connexion/"))
        if self.locale == "en":
            page.locator("form.lang-switch button[value=en]").click()
            expect(page.locator("html")).to_have_attribute("lang", "en")

    def problems(self):
        """What is wrong with the page shown now."""
        page = self.page
        found = []
        widths = page.evaluate(
            "[document.documentElement.scrollWidth, window.innerWidth]"
        )
        # A mobile browser widens its layout viewport to fit content that
        # overflows: window.innerWidth grows too.
        if widths[1] != self.width or widths[0] > self.width:
            found.append(f"{widths[0]}px wide in a {widths[1]}px window")
        found += [f"sticks out: {e}" for e in page.evaluate(STICKING_OUT, self.width)]
        found += [f"CSP: {v}" for v in page.evaluate("window.__cspViolations")]
        found += [f"error: {e}" for e in self.errors]
        self.errors.clear()
        try:
            assert_accessible(page)
        except AssertionError as error:
            found.append(f"axe: {error}")
        return found

    def crawl(self, role, start="/", limit=PAGES_PER_ROLE):
        """Visit the in-app links breadth first from ``start``; returns the
        paths visited and the problems found, by path."""
        page, origin = self.page, urlsplit(self.origin).netloc
        queue, seen = [start], {start}
        visited: list[str] = []
        report: dict[str, list[str]] = {}
        while queue and len(visited) < limit:
            path = queue.pop(0)
            response = page.goto(path)
            if response is None or "text/html" not in response.headers.get(
                "content-type", ""
            ):
                continue
            visited.append(path)
            slug = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"
            _shot(page, f"{role}-{self.locale}-{self.width}-{slug}")
            if problems := self.problems():
                report[path] = problems
            # The page's own links first, then the navigation's.
            for href in page.eval_on_selector_all(
                "main a[href]", "links => links.map(a => a.getAttribute('href'))"
            ) + page.eval_on_selector_all(
                "header a[href]", "links => links.map(a => a.getAttribute('href'))"
            ):
                parts = urlsplit(href)
                if parts.scheme not in ("", "http") or parts.netloc not in ("", origin):
                    continue
                target = parts.path + (f"?{parts.query}" if parts.query else "")
                if not target.startswith("/") or SKIP.search(target):
                    continue
                if target not in seen:
                    seen.add(target)
                    queue.append(target)
        return visited, report


@pytest.fixture
def story(db, pair, pilot, people, enrolments, django_user_model):
    """The pair in the middle of its programme, with long user content
    everywhere people type; a sponsor of the pilot."""
    from binome.pairs.models import ActionItem, AgendaItem, Kpi, Meeting
    from binome.pairs.services import get_or_create_charter
    from binome.programs.models import Goal

    today = timezone.localdate()
    # Browser tests keep the real clock: the programme runs around today.
    pilot.start_date = today - datetime.timedelta(days=40)
    pilot.end_date = today + datetime.timedelta(days=80)
    pilot.save()
    now = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0)
    held = Meeting.objects.create(
        pair=pair,
        starts_at=now - datetime.timedelta(days=14),
        status=Meeting.Status.HELD,
        held_minutes=45,
        icebreaker=EMOJI,
        notes=LONG_TEXT,
        mentor_learned=LONG_WORD,
        mentee_learned=LONG_URL,
    )
    upcoming = Meeting.objects.create(
        pair=pair, starts_at=now + datetime.timedelta(days=7)
    )
    Meeting.objects.create(pair=pair, starts_at=now + datetime.timedelta(days=21))
    for meeting in (held, upcoming):
        AgendaItem.objects.create(
            meeting=meeting,
            kind=AgendaItem.Kind.QUESTION,
            text=LONG_TEXT[:300],
            author=people["bernard"].user,
        )
        ActionItem.objects.create(
            meeting=meeting,
            text=f"{LONG_URL} {EMOJI}"[:300],
            owner=enrolments["bernard"],
            due_date=today + datetime.timedelta(days=10),
        )
    charter = get_or_create_charter(pair=pair)
    charter.mentee_objectives = LONG_TEXT
    charter.ground_rules = LONG_URL
    charter.video_link = LONG_URL[:200]
    charter.save()
    Kpi.objects.create(
        charter=charter,
        direction=Kpi.Direction.MENTEE,
        title=LONG_WORD[:200],
        kpi=f"{EMOJI} {LONG_URL}"[:200],
        target_value=3,
        unit="📈",
        due_date=today + datetime.timedelta(days=30),
    )
    for name in ("camille", "bernard"):
        Goal.objects.create(
            enrolment=enrolments[name], title=LONG_WORD[:200], kpi=LONG_URL[:200]
        )
    sponsor = django_user_model.objects.create_user(
        email="sophie@test.example",
        password=PASSWORD,
        first_name="Sophie",
        last_name="Garnier",
    )
    pilot.sponsors.add(sponsor)
    return {"held": held, "upcoming": upcoming}


def _report(report):
    return "\n".join(
        f"{path}\n  " + "\n  ".join(problems) for path, problems in report.items()
    )


@pytest.mark.django_db(transaction=True)
def test_every_page_of_every_role_fits_a_phone(browser, live_server, story, pair):
    """Mentor, mentee, HR manager, sponsor: no page wider than 390 px, no
    CSP violation, axe-core clean; French for everyone, English for the pair,
    and the mentee's pages at 1280 px too."""
    workspace = f"/binomes/{pair.pk}/"
    must_see = {
        "camille": {
            "/",
            workspace,
            f"{workspace}charte/",
            f"{workspace}seances/",
            f"{workspace}progres/",
            f"{workspace}seances/{story['held'].pk}/",
            f"{workspace}seances/{story['upcoming'].pk}/",
            "/binomes/lexique/",
            "/binomes/ressources/",
        },
        "odile": {"/", "/programmes/pilote/", "/binomes/suivi/pilote/"},
        "sophie": {"/indicateurs/pilote/"},
    }
    must_see["bernard"] = must_see["camille"]
    walks = [(name, "fr", PHONE) for name in ("camille", "bernard", "odile", "sophie")]
    walks += [("camille", "en", PHONE), ("bernard", "en", PHONE)]
    # A desktop walk: the long content does not widen a wide screen either.
    walks += [("bernard", "fr", DESKTOP)]
    failures = {}
    for name, locale, viewport in walks:
        walk = Walk(browser, live_server, locale=locale, viewport=viewport)
        walk.log_in(f"{name}@test.example")
        visited, report = walk.crawl(name)
        walk.context.close()
        failures.update(
            {f"{name} ({locale}, {walk.width}px) {p}": v for p, v in report.items()}
        )
        missing = must_see.get(name, set()) - set(visited)
        assert not missing, f"{name} never reached {sorted(missing)}: {visited}"
    assert not failures, _report(failures)


@pytest.mark.django_db(transaction=True)
def test_the_dpo_pages_fit_a_phone(browser, live_server, story, people):
    """The superuser's own pages (GDPR search, a person's record), not the
    Django admin."""
    user = people["victor"].user
    user.is_staff = user.is_superuser = True
    user.save()
    walk = Walk(browser, live_server)
    walk.log_in("victor@test.example")
    # A search for Bernard leads to his record, its report and erasure page.
    visited, report = walk.crawl("dpo", start="/confidentialite/?q=Lemoine", limit=15)
    walk.context.close()
    assert visited[0] == "/confidentialite/?q=Lemoine"
    assert f"/confidentialite/personnes/{people['bernard'].pk}/" in visited, visited
    assert not report, _report(report)


@pytest.mark.django_db(transaction=True)
def test_the_navigation_folds_into_a_menu_on_a_phone(browser, live_server, story):
    """On a phone the links hide behind « Menu », which opens with the
    keyboard and shows « Se déconnecter » inside the screen; on a desktop the
    links show and the summary does not. No JavaScript needed."""
    phone = Walk(browser, live_server)
    phone.log_in("bernard@test.example")
    page = phone.page
    menu = page.locator("details.menu > summary")
    logout = page.get_by_role("button", name="Se déconnecter")
    expect(menu).to_be_visible()
    expect(logout).to_be_hidden()
    menu.focus()
    page.keyboard.press("Enter")
    expect(logout).to_be_visible()
    box = logout.bounding_box()
    assert box is not None and box["x"] + box["width"] <= PHONE["width"]
    _shot(page, "menu-open-390")
    assert phone.problems() == []
    page.keyboard.press("Enter")
    expect(logout).to_be_hidden()
    phone.context.close()

    desktop = Walk(browser, live_server, viewport=DESKTOP)
    desktop.log_in("bernard@test.example")
    page = desktop.page
    expect(page.locator("details.menu > summary")).to_be_hidden()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()
    expect(page.get_by_role("link", name="Mon compte")).to_be_visible()
    _shot(page, "menu-1280")
    assert desktop.problems() == []
    desktop.context.close()

    # Without JavaScript the disclosure works the same.
    context = browser.new_context(
        locale="fr-FR",
        base_url=live_server.url,
        viewport=PHONE,
        java_script_enabled=False,
    )
    page = context.new_page()
    page.goto("/compte/connexion/")
    page.locator("input[name=login]").fill("bernard@test.example")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.locator("details.menu > summary").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()
    context.close()


@pytest.mark.django_db(transaction=True)
def test_the_session_page_has_no_csp_violation_when_used(
    browser, live_server, story, pair
):
    """The session page while the pair uses it: the agenda and actions added
    in place (htmx), the notes saved; nothing the CSP blocks."""
    walk = Walk(browser, live_server)
    walk.log_in("bernard@test.example")
    page = walk.page
    page.goto(f"/binomes/{pair.pk}/seances/{story['upcoming'].pk}/")
    page.locator("#agenda [name=text]").fill(f"{EMOJI}{LONG_WORD}"[:300])
    page.locator("#agenda form button[type=submit]").click()
    expect(page.locator("#agenda ol li")).to_have_count(2)
    page.locator("#notes textarea[name=notes]").fill(LONG_TEXT)
    page.locator("#notes button[type=submit]").click()
    expect(page.locator("#notes textarea[name=notes]")).to_have_value(LONG_TEXT)
    _shot(page, "session-used-390")
    assert walk.problems() == []
    walk.context.close()
