"""Small-group suppression, used by every figure of the dashboards, the PDF
report and the CSV exports.

Two rules (PRODUCT.md, « Privacy by design »):

1. *Primary*: a group of 1 to 4 people (or pairs) is hidden. An empty
   group (0) says nothing about anyone and is shown.
2. *Complementary*: a hidden value must not be recoverable by subtraction.
   Figures are linked by additive relations (a total and its parts). In each
   relation, if only one member is hidden, or if the hidden parts of a visible
   total add up to fewer than 5, the smallest visible non-empty part (else the
   total) is hidden as well, until no relation gives a hidden value away.

A mean or a share is shown only over 5 people or more, and only when the
count it is taken over is itself shown.

3. *Shares*: a share and the count it is taken over give away two counts,
   the part and the rest (« 25 % of 8 » is 2, and 6 who did not). A share is
   hidden when either of them is from 1 to 4, whatever the size of the
   group: the same line as for counts, so 0 % and 100 % are shown (an empty
   part, like an empty group, is shown). The counts are those the share is
   computed from (pairs, people, answers or goals): a count of answers
   under 5 comes from fewer than 5 people too.

Every hidden figure reads the same, « masqué » (``hidden_label()``),
whichever rule hid it: « < 5 » would be false for a figure hidden by rule 2
or 3 (a total of 88, a share of 88 %), and telling the rules apart would
point at the small cells.

*Exact* figures (``exact=True``) skip the rules: they are for the
programme's own managers, and only for what they may already see person by
person (pairs, sessions, departments and levels, self-assessments, goals:
the consent notice says so). Ratings and survey answers are never exact:
participants were promised averages over 5 people or more, managers
included.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

MIN_GROUP = 5
NO_DATA_LABEL = "—"


class Audience(StrEnum):
    """Who a set of figures is for."""

    # The programme's own managers: exact, but for ratings and answers.
    MANAGERS = "managers"
    # Sponsors, their exports, the PDF report, comparisons: the rule.
    OUTSIDE = "outside"


def hidden_label() -> str:
    """What a hidden figure reads, whatever hid it: short enough for a
    table cell, and true of every hidden figure (never « < 5 »)."""
    return pgettext("figure", "hidden")


def hidden_reason() -> str:
    """Why a figure is hidden, as pages and exports say it after the label."""
    return _("fewer than 5 people, or a figure that would let one be worked out")


# (total, parts): total = sum(parts).
type Relation[K] = tuple[K, Sequence[K]]


def hidden_keys[K: Hashable](
    sizes: Mapping[K, int],
    relations: Iterable[Relation[K]] = (),
    *,
    public: Iterable[K] = (),
    exact: bool = False,
) -> set[K]:
    """The keys to hide, given how many people stand behind each figure and
    the additive relations between figures. Deterministic; O(r·k²) for r
    relations of k members, which stays tiny for our tables.

    ``public``: keys whose value is published elsewhere (another page, a
    headline): they are never chosen to protect a relation, since hiding
    them here would not hide them; a part is hidden instead, empty if need
    be. ``exact``: nothing is hidden (the programme's own managers).

    >>> sorted(hidden_keys({"a": 3, "b": 9, "c": 12, "t": 24}, [("t", "abc")]))
    ['a', 'b']
    >>> sorted(hidden_keys({"a": 3, "b": 0, "t": 3}, [("t", "ab")], public="t"))
    ['a', 'b']
    """
    if exact:
        return set()
    relations = [(total, list(parts)) for total, parts in relations]
    public = set(public)
    hidden = {
        key for key, size in sizes.items() if 0 < size < MIN_GROUP and key not in public
    }
    changed = True
    while changed:
        changed = False
        for total, parts in relations:
            members = [total, *parts]
            secret = [k for k in members if k in hidden]
            if not secret:
                continue
            leaks = len(secret) == 1
            if not leaks and total not in hidden:
                revealed = sum(sizes.get(k, 0) for k in secret)
                leaks = 0 < revealed < MIN_GROUP
            if not leaks:
                continue
            candidates = sorted(
                (
                    k
                    for k in parts
                    if k not in hidden and k not in public and sizes.get(k, 0) > 0
                ),
                key=lambda k: (sizes.get(k, 0), str(k)),
            )
            # A published total cannot be hidden: an empty part then hides
            # how the total splits.
            empty = (
                [k for k in parts if k not in hidden and k not in public]
                if total in public
                else []
            )
            if candidates:
                hidden.add(candidates[0])
            elif total not in hidden and total not in public:
                hidden.add(total)
            elif empty:
                hidden.add(sorted(empty, key=str)[0])
            else:
                continue
            changed = True
    return hidden


@dataclass(frozen=True)
class Figure:
    """One published number: its value, how many people stand behind it, and
    whether it is hidden. ``str()`` gives what a reader sees."""

    value: float | int | None
    n: int
    hidden: bool = False
    decimals: int = 0
    suffix: str = ""

    @property
    def shown(self) -> bool:
        return not self.hidden and self.value is not None

    @property
    def number(self) -> float | int | None:
        """The value when shown, else None: what charts and CSVs may use."""
        return self.value if self.shown else None

    def __str__(self) -> str:
        if self.hidden:
            return hidden_label()
        if self.value is None:
            return NO_DATA_LABEL
        return number_format(self.value, self.decimals, use_l10n=True) + self.suffix


def count(
    value: int, *, n: int | None = None, hidden: bool = False, exact: bool = False
) -> Figure:
    size = value if n is None else n
    return Figure(value, size, hidden=not exact and (hidden or 0 < size < MIN_GROUP))


def mean(
    value: float | None,
    n: int,
    *,
    decimals: int = 1,
    hidden: bool = False,
    exact: bool = False,
) -> Figure:
    """A mean over n people: hidden under 5, no data at 0."""
    if n == 0 or value is None:
        return Figure(None, n, decimals=decimals)
    return Figure(
        round(float(value), decimals),
        n,
        hidden=not exact and (hidden or n < MIN_GROUP),
        decimals=decimals,
    )


def share(
    part: int,
    whole: int,
    n: int | None = None,
    *,
    hidden: bool = False,
    exact: bool = False,
) -> Figure:
    """A percentage of a group of n people (n defaults to the whole): hidden
    under 5 people, or when the part or the rest is from 1 to 4 (rule 3).

    >>> [share(p, 8).hidden for p in (2, 6, 0)], str(share(5, 10))
    ([True, True, False], '50 %')
    """
    size = whole if n is None else n
    if whole == 0:
        return Figure(None, size, suffix=" %")
    revealing = any(0 < count < MIN_GROUP for count in (part, whole - part))
    return Figure(
        round(100 * part / whole),
        size,
        hidden=not exact and (hidden or size < MIN_GROUP or revealing),
        suffix=" %",
    )


@dataclass
class Table[R: Hashable, C: Hashable]:
    """A table of counts with optional row and column totals, suppressed as a
    whole so that no hidden cell can be recovered from the margins. Its rows
    are keyed by R, its columns by C."""

    rows: list[tuple[R, str]]
    cols: list[tuple[C, str]]
    cells: dict[tuple[R, C], Figure]
    row_totals: dict[R, Figure] | None
    col_totals: dict[C, Figure] | None
    total: Figure | None

    def cell(self, row: R, col: C) -> Figure:
        return self.cells[(row, col)]

    def body(self) -> list[tuple[str, list[Figure], Figure | None]]:
        """Rows as (label, cells, row total) for templates and CSVs."""
        return [
            (
                label,
                [self.cells[(r, c)] for c, _l in self.cols],
                self.row_totals[r] if self.row_totals is not None else None,
            )
            for r, label in self.rows
        ]

    def footer(self) -> list[Figure] | None:
        if self.col_totals is None:
            return None
        return [self.col_totals[c] for c, _l in self.cols]


def table[R: Hashable, C: Hashable](
    rows: list[tuple[R, str]],
    cols: list[tuple[C, str]],
    values: Mapping[tuple[R, C], int],
    *,
    sizes: Mapping[tuple[R, C], int] | None = None,
    row_totals: bool = True,
    col_totals: bool = True,
    extra_relations: Iterable[Relation[Hashable]] = (),
    margin_sizes: Mapping[Hashable, int] | None = None,
    grand_total: bool = True,
    published: Mapping[Any, object] | None = None,
    exact: bool = False,
) -> Table[R, C]:
    """Build and suppress a table of counts.

    ``values`` are the counts; ``sizes`` (default: the values) how many
    people stand behind each cell, when a count is not a count of people
    (sessions by the pairs that held them, answers by their authors);
    ``margin_sizes`` the same for the margins, keyed ("row", r), ("col", c)
    and "total", since distinct people do not add up. ``published``: figures
    the reader knows from elsewhere (the headline), by key: a key of the
    table with that very value cannot be hidden, so it is never relied on.
    ``exact``: nothing hidden (the programme's own managers).
    """
    sizes = sizes if sizes is not None else values
    all_sizes: dict[Hashable, int] = {}
    all_values: dict[Hashable, int] = {}
    for r, _rl in rows:
        for c, _cl in cols:
            all_values[("cell", r, c)] = values.get((r, c), 0)
            all_sizes[("cell", r, c)] = sizes.get((r, c), 0)
    relations: list[Relation[Hashable]] = list(extra_relations)
    if row_totals:
        for r, _rl in rows:
            key: tuple[str, Hashable] = ("row", r)
            all_values[key] = sum(values.get((r, c), 0) for c, _cl in cols)
            all_sizes[key] = max(
                all_values[key], sum(sizes.get((r, c), 0) for c, _cl in cols)
            )
            relations.append((key, [("cell", r, c) for c, _cl in cols]))
    if col_totals:
        for c, _cl in cols:
            key = ("col", c)
            all_values[key] = sum(values.get((r, c), 0) for r, _rl in rows)
            all_sizes[key] = max(
                all_values[key], sum(sizes.get((r, c), 0) for r, _rl in rows)
            )
            relations.append((key, [("cell", r, c) for r, _rl in rows]))
    grand_total = grand_total and (row_totals or col_totals)
    if grand_total:
        all_values["total"] = sum(
            values.get((r, c), 0) for r, _ in rows for c, _ in cols
        )
        all_sizes["total"] = all_values["total"]
        if row_totals:
            relations.append(("total", [("row", r) for r, _rl in rows]))
        if col_totals:
            relations.append(("total", [("col", c) for c, _cl in cols]))
    all_sizes.update(margin_sizes or {})
    public = {
        key
        for key, value in (published or {}).items()
        if value is not None and all_values.get(key) == value
    }
    hidden = hidden_keys(all_sizes, relations, public=public, exact=exact)

    def fig(key: Hashable) -> Figure:
        return Figure(all_values[key], all_sizes[key], hidden=key in hidden)

    return Table(
        rows=rows,
        cols=cols,
        cells={(r, c): fig(("cell", r, c)) for r, _ in rows for c, _ in cols},
        row_totals={r: fig(("row", r)) for r, _ in rows} if row_totals else None,
        col_totals={c: fig(("col", c)) for c, _ in cols} if col_totals else None,
        total=fig("total") if grand_total else None,
    )
