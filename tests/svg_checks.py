"""Charts are inline SVG: their coordinates must be plain numbers in every language. Django's templates
localise floats, so in Russian `{{ x }}` wrote x="52,0" — an invalid length that the browser drops, and
every chart collapsed to its left edge (charts write coordinates through `|unlocalize`)."""

from __future__ import annotations

import re

NUMERIC = ("x", "y", "x1", "x2", "y1", "y2", "cx", "cy", "r", "width", "height")
_SVG = re.compile(r"<svg\b.*?</svg>", re.S)
_ATTR = re.compile(r"\s(" + "|".join(NUMERIC) + r')="([^"]*)"')
_NUMBER = re.compile(r"-?(\d+(\.\d*)?|\.\d+)(e-?\d+)?%?")


def assert_svg_coordinates_are_numbers(html: str) -> int:
    """Every numeric attribute of every inline SVG is a number; returns how many were checked."""
    checked = 0
    for svg in _SVG.findall(html):
        for name, value in _ATTR.findall(svg):
            assert _NUMBER.fullmatch(value), f'{name}="{value}" is not a number'
            checked += 1
    return checked
