"""A web process pays WeasyPrint's one-off costs when it starts, so that its
first PDF report is not the slow one (the figures: bench/report.py)."""

import os
import subprocess
import sys
from pathlib import Path

from binome.insights import exports

ROOT = Path(__file__).resolve().parents[3]
PROBE = """
import sys
roots = ("weasyprint", "fontTools")
before = {name for name in sys.modules if name.split(".")[0] in roots}
import binome.wsgi
after = set(sys.modules)
print(sorted(before), "weasyprint.svg" in after, "fontTools.subset" in after,
      "binome.insights.views" in after)
"""


def test_the_web_process_warms_weasyprint_up_when_it_starts():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "binome.settings"}
    out = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    # Nothing of WeasyPrint before the WSGI module; its SVG renderer, the font
    # subsetter and the views afterwards.
    assert out.strip().splitlines()[-1] == "[] True True True"


def test_warm_up_lays_out_a_page_with_the_reports_style_sheet():
    exports.warm_up()  # raises if the style sheet or the page cannot be drawn
