"""Every chart template writes its SVG coordinates unlocalised (tests/svg_checks.py says why): the pages
with fixtures are checked in Russian (tests/insights/test_retention.py, tests/assessments/test_reviews_api.py);
this covers every template, including the charts whose pages need a larger world (comparison, inputs and
outputs, the PDF report)."""

from __future__ import annotations

import re
from pathlib import Path

from tests.svg_checks import NUMERIC

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "tandem"
_ATTR = re.compile(r"\s(" + "|".join(NUMERIC) + r')="([^"]*\{\{[^"]*)"')


def test_chart_templates_write_coordinates_unlocalised():
    charts = [p for p in TEMPLATES.glob("**/templates/**/*.html") if "<svg" in p.read_text()]
    assert len(charts) >= 5
    loose = []
    for path in charts:
        text = path.read_text()
        for name, value in _ATTR.findall(text):
            for expr in re.findall(r"\{\{(.*?)\}\}", value):
                if "unlocalize" not in expr:
                    loose.append(f"{path.relative_to(TEMPLATES)}: {name}=\"{{{{{expr}}}}}\"")
    assert not loose, "localised coordinates: " + "; ".join(loose)
