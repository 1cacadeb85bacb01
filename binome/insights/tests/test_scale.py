"""The manager pages stay bounded as a programme grows (found by the load
benchmark, bench/load.py, at 5,000 pairs): the health page loaded each
enrolled person's department and site one query at a time and listed every
pair at risk; the pairs activity page listed every pair with all its
sessions; a participant's pairs were found by an OR across joins."""

import datetime
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from binome.insights import views as insights_views
from binome.pairs import views as pairs_views
from binome.pairs.models import Meeting, Pair
from binome.people.models import Person, Site
from binome.programs.models import Enrolment

_serial = itertools.count()


def _grow(programme, org, department, count):
    """``count`` more active pairs, started two months ago, charter never
    accepted (so each is at risk), with a held session each; every person has
    a department and a site, as an HR import gives them."""
    site, _ = Site.objects.get_or_create(organisation=org, name="Siège")
    started = timezone.localdate() - datetime.timedelta(days=60)
    people = Person.objects.bulk_create(
        Person(
            organisation=org,
            first_name=f"P{n}",
            last_name=f"Nom{n:04d}",
            email=f"p{n}@scale.example",
            department=department,
            site=site,
            level=1 if k % 2 == 0 else 4,
            languages=["fr"],
            availability=["mon-am"],
        )
        for k, n in enumerate(next(_serial) for _ in range(2 * count))
    )
    enrolments = Enrolment.objects.bulk_create(
        Enrolment(
            programme=programme,
            person=p,
            role="mentor" if k % 2 == 0 else "mentee",
            status=Enrolment.Status.ACCEPTED,
            consent_at=timezone.now(),
        )
        for k, p in enumerate(people)
    )
    pairs = Pair.objects.bulk_create(
        Pair(mentor=enrolments[2 * k], mentee=enrolments[2 * k + 1], started_on=started)
        for k in range(count)
    )
    Meeting.objects.bulk_create(
        Meeting(
            pair=p,
            starts_at=timezone.now() - datetime.timedelta(days=50),
            status=Meeting.Status.HELD,
        )
        for p in pairs
    )
    return pairs


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_health_page_queries_do_not_grow_with_the_people(
    login, pilot, org, departments, people, django_assert_max_num_queries
):
    client = login(people["odile"])
    url = reverse("programme_health", args=[pilot.slug])
    _grow(pilot, org, departments["data"], 2)
    few = _queries(client, url)
    _grow(pilot, org, departments["data"], 20)
    # Before: two more queries per enrolled person (department, site).
    with django_assert_max_num_queries(few):
        client.get(url)


def test_health_page_lists_the_worst_pairs_and_counts_them_all(
    login, pilot, org, departments, people, monkeypatch
):
    monkeypatch.setattr(insights_views, "AT_RISK_SHOWN", 2, raising=False)
    _grow(pilot, org, departments["data"], 5)
    page = login(people["odile"]).get(reverse("programme_health", args=[pilot.slug]))
    text = page.text
    # Two rows (each with its reminder link), and the three others counted.
    assert text.count("/relance/") == 2
    assert "Les 5 binômes à risque" in text
    assert "les 3 qui n’apparaissent pas" in text
    assert reverse("pairs:activity", args=[pilot.slug]) in text


def test_activity_page_shows_a_page_of_pairs(
    login, pilot, org, departments, people, monkeypatch
):
    monkeypatch.setattr(pairs_views, "ACTIVITY_PAGE_SIZE", 2, raising=False)
    pairs = _grow(pilot, org, departments["data"], 5)
    client = login(people["odile"])
    url = reverse("pairs:activity", args=[pilot.slug])

    def rows(query=""):
        return client.get(url + query).text.count('<tr id="pair-')

    assert rows() == 2
    assert rows("?page=3") == 1
    # Every pair at risk is counted, not only those of the page.
    assert "5 binômes à risque" in client.get(url).text
    # The health page links to one pair.
    one = client.get(f"{url}?binome={pairs[3].pk}").text
    assert one.count('<tr id="pair-') == 1 and f'id="pair-{pairs[3].pk}"' in one


def test_activity_page_queries_do_not_grow_with_the_pairs(
    login, pilot, org, departments, people, django_assert_max_num_queries
):
    client = login(people["odile"])
    url = reverse("pairs:activity", args=[pilot.slug])
    _grow(pilot, org, departments["data"], 2)
    few = _queries(client, url)
    _grow(pilot, org, departments["data"], 60)
    with django_assert_max_num_queries(few):
        response = client.get(url)
    # One page of 50 (ACTIVITY_PAGE_SIZE), not the 62 pairs.
    assert response.text.count('<tr id="pair-') == 50


@pytest.mark.parametrize("side", ["mentor", "mentee"])
def test_a_users_pairs_are_found_from_either_side(pair, people, side):
    """Pair.for_user, now a union of the two sides: the same pairs."""
    person = people["camille"] if side == "mentor" else people["bernard"]
    assert list(Pair.objects.for_user(person.user)) == [pair]
    assert list(Pair.objects.for_user(people["ines"].user)) == []
