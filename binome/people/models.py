from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# Weekly availability is expressed as half-day slots; the matching engine
# compares these codes, so they are stable identifiers, never translated.
WEEKDAYS = [
    ("mon", _("Monday")),
    ("tue", _("Tuesday")),
    ("wed", _("Wednesday")),
    ("thu", _("Thursday")),
    ("fri", _("Friday")),
]
HALF_DAYS = [("am", _("morning")), ("pm", _("afternoon"))]
SLOT_CODES = [f"{day}-{half}" for day, _d in WEEKDAYS for half, _h in HALF_DAYS]

LANGUAGE_CHOICES = [
    ("fr", _("French")),
    ("en", _("English")),
    ("es", _("Spanish")),
    ("de", _("German")),
    ("it", _("Italian")),
    ("pt", _("Portuguese")),
    ("ar", _("Arabic")),
    ("zh", _("Chinese")),
]
LANGUAGE_CODES = {code for code, _label in LANGUAGE_CHOICES}


def slot_label(code: str) -> str:
    day, half = code.split("-")
    return f"{dict(WEEKDAYS)[day]} {dict(HALF_DAYS)[half]}"


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    administrators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="administered_organisations",
        verbose_name=_("HR administrators"),
        help_text=_(
            "They create and manage all the organisation's programmes, and give "
            "roles on them."
        ),
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    """A department; departments form a tree (a division holds services)."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="departments",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=200)
    code = models.SlugField(_("code"), max_length=60)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent department"),
    )

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "code"], name="department_code_unique"
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("id")), name="department_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def ancestors(self) -> Iterator[Department]:
        seen: set[int] = set()
        node = self.parent
        while node is not None and node.pk not in seen:
            seen.add(node.pk)
            yield node
            node = node.parent

    def root(self) -> Department:
        """The top-level department (the « silo » used for silo-crossing)."""
        top = self
        for top in self.ancestors():  # noqa: B007
            pass
        return top

    def clean(self) -> None:
        if self.parent_id is not None:
            parent = self.parent
            assert parent is not None  # parent_id is set
            if parent.organisation_id != self.organisation_id:
                raise ValidationError(
                    {
                        "parent": ValidationError(
                            _("The parent department belongs to another organisation."),
                            code="other_organisation",
                        )
                    }
                )
            if self.pk is not None and (
                self.parent_id == self.pk
                or any(a.pk == self.pk for a in parent.ancestors())
            ):
                raise ValidationError(
                    {
                        "parent": ValidationError(
                            _("A department cannot be inside itself."), code="cycle"
                        )
                    }
                )


class Site(models.Model):
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="sites",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=200)
    city = models.CharField(_("city"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="site_name_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    """An employee's profile. Eligibility uses level and seniority, never age,
    so no birth date is stored at all."""

    class Level(models.IntegerChoices):
        JUNIOR = 1, _("Junior (first years)")
        CONFIRMED = 2, _("Confirmed professional")
        MANAGER = 3, _("Manager")
        SENIOR_MANAGER = 4, _("Senior manager / director")
        EXECUTIVE = 5, _("Executive committee")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="people",
        verbose_name=_("organisation"),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
        verbose_name=_("user account"),
    )
    employee_id = models.CharField(
        _("employee ID"),
        max_length=64,
        blank=True,
        help_text=_("The identifier in the HR information system, used by imports."),
    )
    first_name = models.CharField(_("first name"), max_length=150)
    last_name = models.CharField(_("last name"), max_length=150)
    email = models.EmailField(_("email address"), blank=True)
    phone = models.CharField(
        _("phone"),
        max_length=30,
        blank=True,
        help_text=_(
            "Shown only to the other person once a « café virtuel » is accepted."
        ),
    )
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("department"),
    )
    site = models.ForeignKey(
        Site,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("site"),
    )
    level = models.PositiveSmallIntegerField(
        pgettext_lazy("hierarchy", "level"),
        choices=Level.choices,
        default=Level.JUNIOR,
        help_text=_("Position in the hierarchy: 1 is the most junior."),
    )
    manager = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("line manager"),
    )
    hire_year = models.PositiveSmallIntegerField(
        _("year of hire"), null=True, blank=True
    )
    languages = models.JSONField(
        _("languages"),
        default=list,
        blank=True,
        help_text=_("Language codes, e.g. fr, en."),
    )
    accepts_remote = models.BooleanField(_("accepts remote sessions"), default=True)
    accepts_onsite = models.BooleanField(_("accepts on-site sessions"), default=True)
    availability = models.JSONField(
        _("weekly availability"),
        default=list,
        blank=True,
        help_text=_("Half-day slots, e.g. mon-am, thu-pm."),
    )
    interests = models.JSONField(_("interests"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "employee_id"],
                condition=~Q(employee_id=""),
                name="person_employee_id_unique",
            ),
            models.UniqueConstraint(
                fields=["organisation", "email"],
                condition=~Q(email=""),
                name="person_email_unique",
            ),
            models.CheckConstraint(
                condition=Q(level__gte=1) & Q(level__lte=5), name="person_level_range"
            ),
            models.CheckConstraint(
                condition=Q(hire_year__isnull=True)
                | (Q(hire_year__gte=1950) & Q(hire_year__lte=2100)),
                name="person_hire_year_range",
            ),
            models.CheckConstraint(
                condition=~Q(manager=F("id")), name="person_not_own_manager"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    PROFILE_FIELDS = ("department", "site", "languages", "availability")
    # Data owned by HR (the HRIS import): the person reads them and may ask
    # for a correction, never change them, since eligibility depends on them.
    # Exception: department and site, while HR has left them empty, may be
    # filled in once by the person (the profile needs them for matching and
    # neither opens a role); level, hire year and manager never, as they
    # decide eligibility and the reporting-line rule.
    HR_FIELDS = ("department", "site", "level", "manager", "hire_year")
    SELF_FILLABLE_HR_FIELDS = ("department", "site")

    def self_fillable_fields(self) -> list[str]:
        """The HR fields this person may still fill in themselves: empty ones."""
        return [f for f in self.SELF_FILLABLE_HR_FIELDS if getattr(self, f) is None]

    @classmethod
    def field_label(cls, field: str) -> StrOrPromise:
        label: StrOrPromise = cls._meta.get_field(field).verbose_name  # type: ignore[union-attr]
        return label

    def hr_value_display(self, field: str) -> str:
        """An HR field as the person reads it (« — » when empty)."""
        if field == "level":
            return str(self.get_level_display())
        if field == "manager":
            return self.manager.full_name if self.manager else "—"
        value = getattr(self, field)
        return "—" if value is None else str(value)

    def missing_profile_fields(self) -> list[str]:
        """The profile fields still to fill in before matching can use the person."""
        # Foreign keys by their id: loading the department and the site of
        # each person would cost two queries per row on the health page.
        return self.profile_gaps(
            department_id=self.department_id,
            site_id=self.site_id,
            languages=self.languages,
            availability=self.availability,
            accepts_remote=self.accepts_remote,
            accepts_onsite=self.accepts_onsite,
        )

    @staticmethod
    def profile_gaps(
        *,
        department_id: int | None,
        site_id: int | None,
        languages: list[str] | bool,
        availability: list[str] | bool,
        accepts_remote: bool,
        accepts_onsite: bool,
    ) -> list[str]:
        """``missing_profile_fields`` on plain values (a page's rows); the
        lists may be given as whether they hold anything."""
        filled = {
            "department": department_id,
            "site": site_id,
            "languages": languages,
            "availability": availability,
        }
        missing = [f for f in Person.PROFILE_FIELDS if not filled[f]]
        if not (accepts_remote or accepts_onsite):
            missing.append("formats")
        return missing

    @property
    def is_profile_complete(self) -> bool:
        return not self.missing_profile_fields()

    def seniority_years(self, today: datetime.date | None = None) -> int | None:
        if self.hire_year is None:
            return None
        today = today or timezone.localdate()
        return max(0, today.year - self.hire_year)

    def managers_chain(self) -> Iterator[Person]:
        """The line managers above this person, nearest first (cycle-safe)."""
        seen = {self.pk}
        node = self.manager
        while node is not None and node.pk not in seen:
            seen.add(node.pk)
            yield node
            node = node.manager

    def in_reporting_line_with(self, other: Person) -> bool:
        """True when one of the two manages the other, directly or up the chain."""
        return any(m.pk == other.pk for m in self.managers_chain()) or any(
            m.pk == self.pk for m in other.managers_chain()
        )

    def clean(self) -> None:
        errors: dict[str, list[StrOrPromise]] = {}
        if not isinstance(self.languages, list) or any(
            code not in LANGUAGE_CODES for code in self.languages
        ):
            errors.setdefault("languages", []).append(
                _("Unknown language code. Use: %(codes)s.")
                % {"codes": ", ".join(sorted(LANGUAGE_CODES))}
            )
        if not isinstance(self.availability, list) or any(
            slot not in SLOT_CODES for slot in self.availability
        ):
            errors.setdefault("availability", []).append(
                _("Unknown availability slot. Use codes such as mon-am or thu-pm.")
            )
        if not isinstance(self.interests, list) or any(
            not isinstance(i, str) for i in self.interests
        ):
            errors.setdefault("interests", []).append(
                _("Interests must be a list of words.")
            )
        if not (self.accepts_remote or self.accepts_onsite):
            errors.setdefault("accepts_remote", []).append(
                _("Accept at least one format: remote or on-site.")
            )
        for field in ("department", "site", "manager"):
            related = getattr(self, field)
            if related is not None and related.organisation_id != self.organisation_id:
                errors.setdefault(field, []).append(
                    _("This belongs to another organisation.")
                )
        if (
            self.manager is not None
            and self.pk is not None
            and (
                self.manager.pk == self.pk
                or any(m.pk == self.pk for m in self.manager.managers_chain())
            )
        ):
            errors.setdefault("manager", []).append(
                _("A person cannot report to themselves, even indirectly.")
            )
        if errors:
            raise ValidationError(errors)
