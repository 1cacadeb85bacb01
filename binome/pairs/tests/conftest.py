"""Fixtures of the pair workspace: Camille mentors Bernard in the pilot."""

import datetime
import zoneinfo

import pytest

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def paris(year: int, month: int, day: int, hour: int, minute: int) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=PARIS)


@pytest.fixture
def charter(pair):
    from binome.pairs import services

    return services.get_or_create_charter(pair=pair)


# When the pair planned its sessions: before the first one, as planning
# happens from now on (binome.pairs.dates).
PLANNED_AT = paris(2026, 9, 1, 9, 0)


@pytest.fixture
def meetings(pair, charter):
    """Sessions every 14 days from Monday 14 September 2026, 10:00, planned
    on 1 September."""
    import time_machine

    from binome.pairs import services

    with time_machine.travel(PLANNED_AT, tick=False):
        return services.plan_meetings(pair=pair, first_at=paris(2026, 9, 14, 10, 0))


@pytest.fixture
def meeting(meetings):
    return meetings[0]


@pytest.fixture
def camille(login, people):
    return login(people["camille"])
