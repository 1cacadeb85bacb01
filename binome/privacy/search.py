"""Finding a data subject for the privacy office: any person of the HR file,
with an account or not, and the accounts that have no HR profile.

Names are matched accent- and case-insensitively on SQLite and PostgreSQL
alike, without a database extension: each word of the query is folded
(« Zéphyrine » -> « zephyrine ») and turned into a regular expression in which
every letter stands for all its accented forms, in both cases
(``[eEéÉèÈ…]``). Both databases run such an expression (``iregex``); neither
needs ``unaccent`` nor a special collation.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from binome.accounts.models import User
from binome.people.models import Person

from .subject import ERASED_EMAIL_DOMAIN, ERASED_FIRST_NAME, ERASED_LAST_NAME

# A query is a handful of words: a name, an address, an employee id.
MAX_WORDS = 10
# Ligatures that Unicode does not decompose, folded as French writes them.
_LIGATURES = {"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"}


def fold(text: str) -> str:
    """Lower case, without accents or ligatures: « Cœur ÉLAN » -> « coeur elan »."""
    for ligature, letters in _LIGATURES.items():
        text = text.replace(ligature, letters)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _letter_forms() -> dict[str, str]:
    """For each ASCII letter, itself and every Latin letter that folds to it,
    in both cases: {"e": "eEéÉèÈêÊëË…", …}."""
    forms: dict[str, list[str]] = {
        c: [c, c.upper()] for c in "abcdefghijklmnopqrstuvwxyz"
    }
    for code in range(0xC0, 0x250):  # Latin-1 Supplement to Latin Extended-B
        char = chr(code)
        folded = fold(char)
        if len(folded) == 1 and folded in forms and char not in forms[folded]:
            forms[folded].append(char)
    return {letter: "".join(chars) for letter, chars in forms.items()}


_FORMS = _letter_forms()
# « oe » and « ae » may also be written as one letter.
_PAIRS = {
    "oe": f"(?:[{_FORMS['o']}][{_FORMS['e']}]|œ|Œ)",
    "ae": f"(?:[{_FORMS['a']}][{_FORMS['e']}]|æ|Æ)",
}


def word_pattern(word: str) -> str:
    """A regular expression (the subset shared by Python and PostgreSQL) that
    finds the word whatever its accents and case.

    >>> bool(re.search(word_pattern("zoe"), "ZOÉ"))
    True
    >>> bool(re.search(word_pattern("cœur"), "Coeur"))
    True
    """
    folded = fold(word)
    out = []
    i = 0
    while i < len(folded):
        pair = folded[i : i + 2]
        if pair in _PAIRS:
            out.append(_PAIRS[pair])
            i += 2
            continue
        char = folded[i]
        out.append(f"[{_FORMS[char]}]" if char in _FORMS else re.escape(char))
        i += 1
    return "".join(out)


def words(query: str) -> list[str]:
    return query.split()


def _matching(fields: tuple[str, ...], query: str) -> Q:
    """Every word is found in one of the fields (any of them)."""
    found = Q()
    for word in words(query):
        pattern = word_pattern(word)
        either = Q()
        for name in fields:
            either |= Q(**{f"{name}__iregex": pattern})
        found &= either
    return found


def people(query: str) -> QuerySet[Person]:
    """The people of the HR file (every organisation) who match, erased
    profiles left out. The account's address counts too: it may differ from
    the one in the HR file."""
    fields = ("first_name", "last_name", "email", "employee_id", "user__email")
    return (
        Person.objects.filter(_matching(fields, query))
        .exclude(first_name=ERASED_FIRST_NAME, last_name=ERASED_LAST_NAME, email="")
        .select_related("organisation", "department", "user")
        .order_by("last_name", "first_name", "pk")
    )


def accounts_without_profile(query: str) -> QuerySet[User]:
    """Accounts with no HR profile (an administrator, say) that match."""
    return (
        User.objects.filter(_matching(("first_name", "last_name", "email"), query))
        .filter(person__isnull=True)
        .exclude(email__iendswith="@" + ERASED_EMAIL_DOMAIN)
        .order_by("last_name", "first_name", "pk")
    )


@dataclass
class Found:
    """The people and accounts that match, at most ``limit`` of them, and how
    many match in all."""

    people: list[Person] = field(default_factory=list)
    accounts: list[User] = field(default_factory=list)
    total: int = 0

    @property
    def shown(self) -> int:
        return len(self.people) + len(self.accounts)


def find(query: str, *, limit: int = 50) -> Found:
    if not words(query):
        return Found()
    found_people = people(query)
    found_accounts = accounts_without_profile(query)
    listed = list(found_people[:limit])
    accounts = list(found_accounts[: max(0, limit - len(listed))])
    total = len(listed) + len(accounts)
    if total >= limit:
        total = found_people.count() + found_accounts.count()
    return Found(people=listed, accounts=accounts, total=total)
