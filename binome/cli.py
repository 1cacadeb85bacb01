"""The ``binome`` console script.

It works without a database and without the web settings: each subcommand
configures only what it needs (here, translations), so HR can run it on a
laptop with nothing but a CSV file.
"""

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

# The compiled catalogues: inside the package when installed from a wheel
# (setup.py compiles them there), at the top of the checkout otherwise.
LOCALE_DIRS = [
    Path(__file__).resolve().parent / "locale",
    Path(__file__).resolve().parent.parent / "locale",
]


def locale_dir() -> Path:
    """The first of LOCALE_DIRS that holds a compiled catalogue."""
    for candidate in LOCALE_DIRS:
        if any(candidate.glob("*/LC_MESSAGES/django.mo")):
            return candidate
    return LOCALE_DIRS[-1]


def setup_translations(lang: str) -> None:
    """Configure Django's translation machinery without the project settings."""
    import django
    from django.conf import settings

    if not settings.configured:
        settings.configure(
            USE_I18N=True,
            LANGUAGE_CODE="fr",
            LANGUAGES=[("fr", "Français"), ("en", "English")],
            LOCALE_PATHS=[str(locale_dir())],
            INSTALLED_APPS=[],
        )
        django.setup()
    from django.utils import translation

    translation.activate(lang)


def _common() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--lang",
        choices=["fr", "en"],
        default="fr",
        help="langue des messages (fr par défaut) / language of the messages",
    )
    return common


def _add_match(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from binome.matching import matchcsv

    parser = sub.add_parser(
        "match",
        parents=[_common()],
        help="apparier des mentors et des mentorés depuis un fichier CSV",
        description="Calcule les binômes optimaux à partir d'un fichier CSV.",
    )
    matchcsv.add_arguments(parser)
    parser.set_defaults(handler=matchcsv.run)


SUBCOMMANDS: list[Callable[[argparse._SubParsersAction], None]] = [  # type: ignore[type-arg]
    _add_match,
]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="binome", description="Binôme : outils en ligne de commande."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for add in SUBCOMMANDS:
        add(sub)
    args = parser.parse_args(argv)
    setup_translations(args.lang)
    handler: Callable[[argparse.Namespace], int] = args.handler
    return handler(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
