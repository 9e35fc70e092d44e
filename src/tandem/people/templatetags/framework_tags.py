"""Template tags of the competency framework (``{% load framework_tags %}``), for pages of other
apps that show the framework: the O*NET attribution wherever O*NET competencies are shown."""

from __future__ import annotations

from typing import Any

from django import template

from tandem.people import framework_selectors, onet

register = template.Library()


@register.inclusion_tag("people/framework/_attribution.html")
def onet_attribution() -> dict[str, Any]:
    """The attribution the O*NET licence asks for, when the framework holds O*NET competencies."""
    if not framework_selectors.has_onet_competencies():
        return {"hide": True}
    return {"attribution": onet.ATTRIBUTION, "license_url": onet.LICENSE_URL, "source_url": onet.SOURCE_URL}
