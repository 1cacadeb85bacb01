"""Build step of the wheel: compile the translations into the package.

The catalogues live at the top of the checkout (``locale/<lang>/LC_MESSAGES/
django.po``) and their compiled ``.mo`` files are not in git (scripts/bootstrap
compiles them for the checkout). A wheel must carry them all the same, or the
``binome`` command of a ``pip install .`` would speak English only: this step
compiles each catalogue with GNU gettext's ``msgfmt`` into ``binome/locale/``
inside the build, where ``binome.cli`` looks first. Everything else is in
pyproject.toml.
"""

import shutil
import subprocess
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


class BuildPyWithTranslations(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:
            # An editable install reads locale/ of the checkout itself.
            return
        msgfmt = shutil.which("msgfmt")
        if msgfmt is None:
            raise SystemExit(
                "ERREUR : msgfmt (GNU gettext) est introuvable : installez le paquet "
                "gettext pour construire Binôme.\n"
                "ERROR: msgfmt (GNU gettext) is missing: install gettext."
            )
        for po in sorted(ROOT.glob("locale/*/LC_MESSAGES/*.po")):
            relative = po.relative_to(ROOT).with_suffix(".mo")
            mo = Path(self.build_lib) / "binome" / relative
            mo.parent.mkdir(parents=True, exist_ok=True)
            subprocess.run([msgfmt, "--check", "-o", str(mo), str(po)], check=True)


setup(cmdclass={"build_py": BuildPyWithTranslations})
