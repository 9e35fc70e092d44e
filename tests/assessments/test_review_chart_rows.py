"""The before/after chart's rows (assessments.templatetags.review_tags.change_chart_rows), written in
Python: names escaped, each side's marks where its levels are, the texts localised for the reader and the
coordinates not (x="52,0" is no length to a browser)."""

from __future__ import annotations

import re

from django.utils import translation

from tandem.assessments.templatetags.review_tags import _side, change_chart_rows, level_x
from tests.svg_checks import assert_svg_coordinates_are_numbers


def _row(name, target, self_, rated):
    return {"name": name, "target": target, "xt": level_x(target) - 0.8 if target else None,
            "self": _side(*self_), "rated": _side(*rated)}


def test_a_row_escapes_the_name_and_places_both_sides():
    html = str(change_chart_rows([_row("<b>Budgeting</b>", 4, (2, 4, 2, 2), (3, None, 1, None))]))
    assert "&lt;b&gt;Budgeting&lt;/b&gt;" in html and "<b>" not in html
    assert "(target 4)" in html
    # self-assessed 2 -> 4: a line from level 2 to level 4, hollow at 2, filled at 4
    assert f'<line x1="{level_x(2)}" y1="6" x2="{level_x(4)}" y2="6"' in html
    assert f'class="self-after" cx="{level_x(4)}"' in html and f'class="self-before" cx="{level_x(2)}"' in html
    assert "2 → 4 <strong>(+2)</strong>" in html
    # rated once: only the hollow mark, and "no later rating yet"
    assert 'class="rated-before"' in html and 'class="rated-after"' not in html
    assert "3 <span class=\"small muted\">(no later rating yet)</span>" in html
    assert len(re.findall(r'<line x1="[\d.]+" y1="1"', html)) == 5  # the five levels' grid lines


def test_in_russian_the_means_have_a_decimal_comma_and_the_coordinates_do_not():
    with translation.override("ru"):
        html = "<svg>" + str(change_chart_rows([_row("Бюджет", None, (2.5, 3.5, 4, 1.0), (None, None, 0, None))])) + "</svg>"
    assert "2,5 → 3,5" in html and "уровни до и после" in html
    assert assert_svg_coordinates_are_numbers(html) > 10
