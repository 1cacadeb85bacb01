"""Fixtures shared by the matching tests: the programme tests' cohort."""

from binome.programs.tests.conftest import cohort

__all__ = ["cohort"]
