from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import MAX_LEVEL, MIN_LEVEL, LevelDescriptor, Skill, SkillArea


class SelfAssessmentForm(forms.Form):
    """The skills grid: one 0–4 choice per skill, grouped by area.

    Every skill must be rated (0 means « none »), so that the same instrument
    can be compared mid-way and at the end.
    """

    def __init__(
        self,
        *args: Any,
        skills: Iterable[Skill],
        initial_levels: dict[int, int] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.skills = list(skills)
        descriptors = {d.level: d for d in LevelDescriptor.objects.filter(skill=None)}
        choices = [
            (level, descriptors[level].label if level in descriptors else str(level))
            for level in range(MIN_LEVEL, MAX_LEVEL + 1)
        ]
        self.descriptors = [descriptors[k] for k in sorted(descriptors)]
        initial_levels = initial_levels or {}
        for skill in self.skills:
            self.fields[self.field_name(skill)] = forms.TypedChoiceField(
                label=skill.name,
                choices=choices,
                coerce=int,
                widget=forms.RadioSelect,
                initial=initial_levels.get(skill.pk),
                error_messages={"required": _("Choose a level, 0 if you have none.")},
            )

    @staticmethod
    def field_name(skill: Skill) -> str:
        return f"skill_{skill.pk}"

    def areas(self) -> list[tuple[SkillArea, list[forms.BoundField]]]:
        grouped: dict[int, tuple[SkillArea, list[forms.BoundField]]] = {}
        for skill in self.skills:
            area = grouped.setdefault(skill.area_id, (skill.area, []))
            area[1].append(self[self.field_name(skill)])
        return list(grouped.values())

    def levels(self) -> dict[int, int]:
        return {s.pk: self.cleaned_data[self.field_name(s)] for s in self.skills}
