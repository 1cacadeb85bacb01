"""French first, English second: which of a model's two texts to show.

Content that HR writes in both languages (skills, glossary, resources,
preparation, goal examples…) is stored as ``<field>_fr`` and ``<field>_en``.
"""

from typing import Any

from django.utils.translation import get_language


def reads_english() -> bool:
    """Whether the active language is English (French otherwise)."""
    return (get_language() or "fr").startswith("en")


def localised(obj: Any, field: str) -> tuple[str, str]:
    """``obj.<field>_en`` for an English reader when it was written,
    ``obj.<field>_fr`` otherwise, and the language of the text returned (a
    page marks French text shown on an English page with ``lang="fr"``)."""
    if reads_english():
        english = getattr(obj, f"{field}_en")
        if english:
            return str(english), "en"
    return str(getattr(obj, f"{field}_fr")), "fr"
