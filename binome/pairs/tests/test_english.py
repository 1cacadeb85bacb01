"""What the pair writes together starts in the pair's language."""

from binome.accounts.models import User
from binome.pairs import services


def test_the_ground_rules_start_in_english_when_both_chose_english(pair):
    User.objects.filter(pk__in=[pair.mentor.person.user_id]).update(language="en")
    pair.refresh_from_db()
    charter = services.get_or_create_charter(pair=pair)
    assert charter.ground_rules.startswith("Courtoisie et respect")  # one is French
    charter.delete()

    User.objects.filter(
        pk__in=[pair.mentor.person.user_id, pair.mentee.person.user_id]
    ).update(language="en")
    pair = type(pair).objects.get(pk=pair.pk)
    charter = services.get_or_create_charter(pair=pair)
    assert charter.ground_rules.startswith("Courtesy and respect, on both sides.")
