from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from binome.bilingual import localised
from binome.people.models import Person

MIN_LEVEL = 0
MAX_LEVEL = 4


class BilingualName(models.Model):
    """French first, English second: catalogue data carries both names."""

    name_fr = models.CharField(_("name (French)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localised(self, "name")[0]


class SkillArea(BilingualName):
    """A group of skills: a DigComp / CRCN area, or what seniors offer back."""

    class Kind(models.TextChoices):
        DIGITAL = "digital", _("Digital skills")
        LEADERSHIP = "leadership", _("Leadership and business skills")

    code = models.SlugField(_("code"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("skill area")
        verbose_name_plural = _("skill areas")
        ordering = ["kind", "position", "code"]


class SkillQuerySet(models.QuerySet["Skill"]):
    def active(self) -> SkillQuerySet:
        return self.filter(is_active=True)

    def digital(self) -> SkillQuerySet:
        return self.filter(area__kind=SkillArea.Kind.DIGITAL)

    def leadership(self) -> SkillQuerySet:
        return self.filter(area__kind=SkillArea.Kind.LEADERSHIP)


class Skill(BilingualName):
    """One skill of the catalogue. Retired skills stay for history."""

    class Kind(models.TextChoices):
        COMPETENCE = "competence", _("Reference competence (CRCN / DigComp)")
        TOPIC = "topic", _("Practice topic")
        OFFERED = "offered", _("Offered back by seniors")

    area = models.ForeignKey(
        SkillArea,
        on_delete=models.PROTECT,
        related_name="skills",
        verbose_name=_("area"),
    )
    code = models.SlugField(_("code"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    description_fr = models.TextField(_("description (French)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Retired skills are hidden from new assessments but kept."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = SkillQuerySet.as_manager()

    class Meta:
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        ordering = ["area__kind", "area__position", "position", "code"]


class LevelDescriptorQuerySet(models.QuerySet["LevelDescriptor"]):
    def default_scale(self) -> list[LevelDescriptor]:
        """The default scale (the CRCN bands), level by level."""
        return list(self.filter(skill=None).order_by("level"))

    def scales(self, skills: Iterable[Skill]) -> dict[int, Scale]:
        """Skill id → the scale shown for that skill: its own descriptor for
        each level it has one for (leadership skills have their own), else
        the default one. One query."""
        skills = list(skills)
        own: dict[int, dict[int, LevelDescriptor]] = {}
        default: dict[int, LevelDescriptor] = {}
        for d in self.filter(Q(skill=None) | Q(skill__in=skills)):
            if d.skill_id is None:
                default[d.level] = d
            else:
                own.setdefault(d.skill_id, {})[d.level] = d
        out = {}
        for skill in skills:
            mine = own.get(skill.pk, {})
            levels = sorted(set(default) | set(mine))
            out[skill.pk] = Scale(
                descriptors=[mine.get(level) or default[level] for level in levels],
                is_own=bool(mine),
            )
        return out


@dataclass(frozen=True)
class Scale:
    """The descriptors of one skill's levels, and whether they are its own."""

    descriptors: list[LevelDescriptor]
    is_own: bool

    def label(self, level: int | None) -> str:
        for d in self.descriptors:
            if d.level == level:
                return d.label
        return str(level)


class LevelDescriptor(models.Model):
    """A plain-language description of a level on the 0–4 scale.

    A descriptor with no skill is the default scale (the CRCN bands); a skill
    may have its own for some or all levels (the leadership skills do).
    """

    skill = models.ForeignKey(
        Skill,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="level_descriptors",
        verbose_name=_("skill"),
    )
    level = models.PositiveSmallIntegerField(_("level"))
    label_fr = models.CharField(_("label (French)"), max_length=100)
    label_en = models.CharField(_("label (English)"), max_length=100)
    description_fr = models.TextField(_("description (French)"))
    description_en = models.TextField(_("description (English)"))

    objects = LevelDescriptorQuerySet.as_manager()

    class Meta:
        verbose_name = _("level descriptor")
        verbose_name_plural = _("level descriptors")
        ordering = ["skill_id", "level"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level__gte=MIN_LEVEL) & Q(level__lte=MAX_LEVEL),
                name="descriptor_level_range",
            ),
            models.UniqueConstraint(
                fields=["level"],
                condition=Q(skill__isnull=True),
                name="descriptor_default_level_unique",
            ),
            models.UniqueConstraint(
                fields=["skill", "level"],
                condition=Q(skill__isnull=False),
                name="descriptor_skill_level_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.level} – {self.label}"

    @property
    def label(self) -> str:
        return localised(self, "label")[0]

    @property
    def description(self) -> str:
        return localised(self, "description")[0]


class AssessmentQuerySet(models.QuerySet["Assessment"]):
    def for_person(self, person: Person) -> AssessmentQuerySet:
        return self.filter(person=person)

    def self_assessed(self) -> AssessmentQuerySet:
        return self.filter(assessor__isnull=True)


class Assessment(models.Model):
    """A dated assessment of one person's skills, by themselves or an assessor.

    Each is kept, never overwritten, so progress can be compared over time.
    """

    class Phase(models.TextChoices):
        BASELINE = "baseline", _("Baseline")
        MIDWAY = "midway", _("Mid-way")
        FINAL = "final", _("End of programme")
        OTHER = "other", _("Other")

    person = models.ForeignKey(
        Person,
        on_delete=models.CASCADE,
        related_name="assessments",
        verbose_name=_("person"),
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assessments_given",
        verbose_name=_("assessor"),
        help_text=_("Empty for a self-assessment."),
    )
    phase = models.CharField(
        _("phase"), max_length=20, choices=Phase.choices, default=Phase.BASELINE
    )
    assessed_on = models.DateField(_("date"), default=timezone.localdate)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("skills assessment")
        verbose_name_plural = _("skills assessments")
        ordering = ["person", "-assessed_on", "-id"]
        indexes = [models.Index(fields=["person", "assessed_on"])]

    def __str__(self) -> str:
        return f"{self.person} – {self.assessed_on}"

    @property
    def is_self_assessment(self) -> bool:
        return self.assessor_id is None

    def levels(self) -> dict[str, int | None]:
        """Skill code → level for this assessment (None: not rated)."""
        return {
            item.skill.code: item.level for item in self.items.select_related("skill")
        }


class AssessmentItem(models.Model):
    assessment = models.ForeignKey(
        Assessment,
        on_delete=models.CASCADE,
        related_name="items",
        verbose_name=_("assessment"),
    )
    skill = models.ForeignKey(
        Skill, on_delete=models.PROTECT, related_name="+", verbose_name=_("skill")
    )
    level = models.PositiveSmallIntegerField(
        _("level"),
        null=True,
        blank=True,
        help_text=_("Empty: not rated, which is no level (neither 0 nor 1)."),
    )

    class Meta:
        verbose_name = _("assessed skill")
        verbose_name_plural = _("assessed skills")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "skill"], name="assessment_item_unique"
            ),
            models.CheckConstraint(
                condition=Q(level__gte=MIN_LEVEL) & Q(level__lte=MAX_LEVEL),
                name="assessment_item_level_range",
            ),
        ]

    def __str__(self) -> str:
        if self.level is None:
            return f"{self.skill}: {_('not rated')}"
        return f"{self.skill}: {self.level}"


class Resource(models.Model):
    """A learning resource linked to skills: a link or an uploaded file. Its
    title and description are written in French and English; ``language``
    is the language of the content itself (the page or the file)."""

    class Kind(models.TextChoices):
        MODULE = "module", _("Module")
        ARTICLE = "article", _("Article")
        VIDEO = "video", _("Video")
        EXERCISE = "exercise", _("Exercise")

    title_fr = models.CharField(_("title (French)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    description_fr = models.TextField(_("description (French)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    url = models.URLField(_("link"), max_length=500, blank=True)
    file = models.FileField(_("file"), upload_to="resources/", blank=True)
    language = models.CharField(
        _("language of the content"),
        max_length=5,
        choices=[("fr", _("French")), ("en", _("English"))],
        default="fr",
    )
    skills = models.ManyToManyField(
        Skill, related_name="resources", verbose_name=_("skills")
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("learning resource")
        verbose_name_plural = _("learning resources")
        ordering = ["title_fr"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(url="") | ~Q(file=""), name="resource_link_or_file"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def _localised(self, field: str) -> tuple[str, str]:
        """The text in the reader's language, and that language: French when
        no English was written."""
        return localised(self, field)

    @property
    def title(self) -> str:
        return self._localised("title")[0]

    @property
    def title_lang(self) -> str:
        return self._localised("title")[1]

    @property
    def description(self) -> str:
        return self._localised("description")[0]

    @property
    def description_lang(self) -> str:
        return self._localised("description")[1]

    @property
    def href(self) -> str:
        return self.file.url if self.file else self.url


class ResourceRating(models.Model):
    """A participant's rating of a resource (1–5): a simple peer evaluation."""

    resource = models.ForeignKey(
        Resource,
        on_delete=models.CASCADE,
        related_name="ratings",
        verbose_name=_("resource"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("user"),
    )
    rating = models.PositiveSmallIntegerField(_("rating"))
    rated_at = models.DateTimeField(_("rated at"), auto_now=True)

    class Meta:
        verbose_name = _("resource rating")
        verbose_name_plural = _("resource ratings")
        constraints = [
            models.UniqueConstraint(
                fields=["resource", "user"], name="resource_rating_once"
            ),
            models.CheckConstraint(
                condition=Q(rating__gte=1) & Q(rating__lte=5),
                name="resource_rating_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resource}: {self.rating}"
