"""Optimistic concurrency: no lost update when two people edit the same thing.

A versioned record has an integer ``version``. Its form carries, in hidden
fields, the version it was shown with and a fingerprint of each value shown.
Saving takes the next version with one statement inside the service's
transaction::

    UPDATE ... SET version = N + 1 WHERE id = ... AND version = N

Of two saves made from version N, exactly one updates a row; the other gets
:class:`Conflict` and writes nothing. The row stays locked until the winner
commits, so this holds on PostgreSQL (the loser waits, then sees N + 1) as on
SQLite (one writer at a time).

The loser's page then shows a :class:`ConflictScreen`
(``templates/includes/conflict.html``): each field where their text and the
saved one differ, both versions and a word diff, and a choice per field: keep
mine, take the other, or keep both (text fields). Their text travels in
hidden fields, so nothing is lost; posting the choices saves again with the
new version, and a third writer in between gets the same screen again.

Usage, in a view with a valid :class:`VersionedForm`::

    conflict = concurrency.save_form(
        form, save=lambda data, version: services.save_x(..., version=version),
        author=request.user,
    )
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from django import forms
from django.db import models, transaction
from django.db.models import F
from django.utils import formats
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

M = TypeVar("M", bound=models.Model)

MINE, THEIRS, BOTH = "mine", "theirs", "both"
RESOLVE_PREFIX = "resolve-"


class Conflict(Exception):
    """Someone saved the record after this form was shown; nothing was written."""

    def __init__(self, current: models.Model) -> None:
        super().__init__("stale version")
        self.current = current


def claim(obj: models.Model, *, expected: int | None) -> None:
    """Take the next version of ``obj`` if its version is still ``expected``,
    else raise :class:`Conflict` with the row as saved. ``None`` skips the
    check (code that is not a form, e.g. the demo) but still moves the
    version on, so open forms see the change. Call inside the transaction
    that then saves ``obj``."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("claim() must run inside transaction.atomic")
    manager = type(obj)._default_manager
    rows = manager.filter(pk=obj.pk)
    if expected is None:
        rows.update(version=F("version") + 1)
    elif not rows.filter(version=expected).update(version=expected + 1):
        raise Conflict(manager.get(pk=obj.pk))
    obj.version = rows.values_list("version", flat=True).get()  # type: ignore[attr-defined]


# --- Values ------------------------------------------------------------------


def canonical(value: Any) -> str:
    """A value as text, equal for equal values (12 and 12.00, CRLF and LF)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value).replace("\r\n", "\n").strip()


def fingerprint(value: Any) -> str:
    return hashlib.sha256(canonical(value).encode()).hexdigest()[:12]


def combine(theirs: str, mine: str, *, author: str) -> str:
    """Both texts: the one saved first, then a separator naming the second
    writer, then theirs."""
    theirs, mine = canonical(theirs), canonical(mine)
    if not theirs or theirs == mine:
        return mine
    if not mine:
        return theirs
    label = gettext("Version of %(name)s, written at the same time") % {"name": author}
    return f"{theirs}\n\n——— {label} ———\n\n{mine}"


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """``old`` to ``new`` word by word: ("same" | "del" | "ins", text) runs."""
    a = re.findall(r"\s+|[^\s]+", canonical(old))
    b = re.findall(r"\s+|[^\s]+", canonical(new))
    runs: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            runs.append(("same", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            runs.append(("del", "".join(a[i1:i2])))
        if j2 > j1:
            runs.append(("ins", "".join(b[j1:j2])))
    return runs


# --- Forms -------------------------------------------------------------------


class VersionedForm(forms.ModelForm[M]):
    """A ModelForm of a versioned model: all its model fields are protected.

    ``version`` and ``base`` (the fingerprints of the values shown) are hidden
    fields; a conflict screen adds a ``resolve-<field>`` choice per field."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    base = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["version"] = getattr(self.instance, "version", 0)
            self.initial["base"] = self.fingerprints(self.instance)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "version" in self.errors:  # a hidden field: say it where it shows
            self.add_error(
                None,
                gettext("This page is out of date: reload it, then save again."),
            )
        return cleaned

    @property
    def versioned_fields(self) -> list[str]:
        return [name for name in self.fields if name not in ("version", "base")]

    def fingerprints(self, obj: models.Model) -> str:
        return ".".join(
            fingerprint(getattr(obj, name)) for name in self.versioned_fields
        )

    def base_fingerprints(self) -> dict[str, str]:
        shown = str(self.cleaned_data.get("base") or "").split(".")
        if len(shown) != len(self.versioned_fields):
            return {}
        return dict(zip(self.versioned_fields, shown, strict=True))

    def mine(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.versioned_fields}

    def choices(self) -> dict[str, str]:
        """The choices posted from a conflict screen, field by field."""
        found = {}
        for name in self.versioned_fields:
            choice = self.data.get(RESOLVE_PREFIX + name)
            if choice in (MINE, THEIRS, BOTH):
                found[name] = choice
        return found

    def current(self) -> M:
        """The record as saved now (a blank one if it was never saved)."""
        if self.instance.pk is None:
            return type(self.instance)()
        return type(self.instance)._default_manager.get(pk=self.instance.pk)

    def can_combine(self, name: str, combined: str) -> bool:
        field_ = self.fields[name]
        if not isinstance(field_, forms.CharField) or isinstance(
            field_, forms.URLField | forms.EmailField
        ):
            return False
        return field_.max_length is None or len(combined) <= field_.max_length


@dataclass
class FieldConflict:
    name: str
    label: str
    mine: str  # as shown
    theirs: str
    diff: list[tuple[str, str]]
    is_text: bool
    can_combine: bool
    choice: str  # the one preselected
    changed_by: str  # "them" | "me" | "both" | "unknown"

    @property
    def explanation(self) -> str:
        return str(CHANGED_BY[self.changed_by])


@dataclass
class ConflictScreen:
    fields: list[FieldConflict]
    # What the second writer posted, carried in hidden fields: nothing lost.
    carried: list[tuple[str, str]] = field(default_factory=list)


def _display(form: forms.BaseForm, name: str, value: Any) -> str:
    field_ = form.fields[name]
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(field_, forms.ChoiceField):
        labels = {str(k): str(v) for k, v in field_.choices}  # type: ignore[misc,union-attr]
        return labels.get(str(value), str(value))
    if isinstance(value, Decimal | int | float):
        return str(formats.localize(value))
    return canonical(value)


def conflict_screen(form: VersionedForm[Any], current: models.Model) -> ConflictScreen:
    """What differs between the posted form and the saved record."""
    base = form.base_fingerprints()
    mine = form.mine()
    rows = []
    for name in form.versioned_fields:
        theirs = getattr(current, name)
        if canonical(mine[name]) == canonical(theirs):
            continue
        field_ = form.fields[name]
        is_text = isinstance(field_, forms.CharField) and not isinstance(
            field_, forms.URLField | forms.EmailField
        )
        if name not in base:
            changed_by = "unknown"
        elif fingerprint(mine[name]) == base[name]:
            changed_by = "them"
        elif fingerprint(theirs) == base[name]:
            changed_by = "me"
        else:
            changed_by = "both"
        can_combine = is_text and form.can_combine(
            name, combine(theirs, mine[name], author="x" * 60)
        )
        if changed_by == "them":
            choice = THEIRS  # they did not touch it: keep the other's change
        elif changed_by == "me":
            choice = MINE
        else:
            choice = BOTH if can_combine else MINE
        rows.append(
            FieldConflict(
                name=name,
                label=str(field_.label or name),
                mine=_display(form, name, mine[name]),
                theirs=_display(form, name, theirs),
                diff=word_diff(theirs, mine[name]) if is_text else [],
                is_text=is_text,
                can_combine=can_combine,
                choice=choice,
                changed_by=changed_by,
            )
        )
    carried = [
        (form.add_prefix(name), value)
        for name in form.versioned_fields
        for value in form.data.getlist(form.add_prefix(name))  # type: ignore[attr-defined]
    ]
    carried += [
        (form.add_prefix("version"), str(current.version)),  # type: ignore[attr-defined]
        (form.add_prefix("base"), form.fingerprints(current)),
    ]
    return ConflictScreen(fields=rows, carried=carried)


def resolved(
    form: VersionedForm[Any], current: models.Model, *, author: str
) -> dict[str, Any]:
    """The data to save: the posted values, with each conflict's choice."""
    data = form.mine()
    for name, choice in form.choices().items():
        theirs = getattr(current, name)
        if choice == THEIRS:
            data[name] = theirs
        elif choice == BOTH:
            combined = combine(theirs, data[name], author=author)
            if form.can_combine(name, combined):
                data[name] = combined
    return data


def save_form(
    form: VersionedForm[Any],
    *,
    save: Callable[[dict[str, Any], int], Any],
    author: Any,
) -> ConflictScreen | None:
    """Save a valid versioned form with ``save(data, version)``, which must
    raise :class:`Conflict` on a stale version. Applies the choices posted
    from a conflict screen. Returns the screen to show on a conflict (nothing
    is saved then), or None once saved."""
    name = (
        author.get_full_name() or author.email
        if hasattr(author, "get_full_name")
        else str(author)
    )
    if form.instance.pk is not None:
        # Validation copied the posted values into the instance: reload it.
        form.instance.refresh_from_db()
    data = form.mine()
    if form.choices():
        data = resolved(form, form.current(), author=name)
    try:
        save(data, form.cleaned_data["version"])
    except Conflict as conflict:
        return conflict_screen(form, conflict.current)
    return None


CHANGED_BY = {
    "them": _("Only the other person changed this field since you opened the page."),
    "me": _("You changed this field; the other person's save changed other fields."),
    "both": _("You both changed this field."),
    "unknown": _("This field differs from the saved version."),
}
