from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import MAX_LEVEL, MIN_LEVEL, LevelDescriptor, Scale, Skill, SkillArea

#: The answer « not rated »: the person chose not to rate the skill. It is no
#: level (neither 0 nor 1) and is stored as an empty level.
NOT_RATED = "not-rated"


def _coerce_level(value: str) -> int | None:
    return None if value == NOT_RATED else int(value)


@dataclass(frozen=True)
class GridRow:
    """One skill of the grid: its field and the scale its levels mean."""

    skill: Skill
    field: forms.BoundField
    scale: Scale

    def options(self) -> list[tuple[Any, LevelDescriptor | None]]:
        """Each radio button with the descriptor of its level (None for
        « not rated »)."""
        by_level = {d.level: d for d in self.scale.descriptors}
        return [
            (radio, by_level.get(radio.data["value"]))
            for radio in self.field.subwidgets
        ]


class SelfAssessmentForm(forms.Form):
    """The skills grid: one 0–4 choice per skill, grouped by area.

    Every skill gets an answer: a level (0 means « none ») or « not rated »,
    so that the same instrument can be compared mid-way and at the end and a
    skill left aside never passes for a level. Each skill's choices carry its
    own descriptors: the CRCN bands for digital skills, the leadership skills'
    own scale for those.
    """

    def __init__(
        self,
        *args: Any,
        skills: Iterable[Skill],
        initial_levels: dict[int, int | None] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.skills = list(skills)
        self.descriptors = LevelDescriptor.objects.default_scale()
        self.scales = LevelDescriptor.objects.scales(self.skills)
        initial_levels = initial_levels or {}
        for skill in self.skills:
            scale = self.scales[skill.pk]
            choices: list[tuple[Any, str]] = [
                (level, scale.label(level)) for level in range(MIN_LEVEL, MAX_LEVEL + 1)
            ]
            choices.append((NOT_RATED, str(_("Not rated"))))
            if skill.pk in initial_levels:
                level = initial_levels[skill.pk]
                initial: Any = NOT_RATED if level is None else level
            else:
                initial = None
            self.fields[self.field_name(skill)] = forms.TypedChoiceField(
                label=skill.name,
                choices=choices,
                coerce=_coerce_level,
                widget=forms.RadioSelect,
                initial=initial,
                error_messages={
                    "required": _("Choose a level, 0 if you have none, or “not rated”.")
                },
            )

    @staticmethod
    def field_name(skill: Skill) -> str:
        return f"skill_{skill.pk}"

    def areas(self) -> list[tuple[SkillArea, list[GridRow]]]:
        grouped: dict[int, tuple[SkillArea, list[GridRow]]] = {}
        for skill in self.skills:
            area = grouped.setdefault(skill.area_id, (skill.area, []))
            area[1].append(
                GridRow(
                    skill=skill,
                    field=self[self.field_name(skill)],
                    scale=self.scales[skill.pk],
                )
            )
        return list(grouped.values())

    @property
    def has_own_scales(self) -> bool:
        """Whether some skills of the grid have their own descriptors."""
        return any(scale.is_own for scale in self.scales.values())

    @property
    def has_default_scale(self) -> bool:
        return any(not scale.is_own for scale in self.scales.values())

    def levels(self) -> dict[int, int | None]:
        """Skill id → level, None for « not rated »."""
        return {s.pk: self.cleaned_data[self.field_name(s)] for s in self.skills}
