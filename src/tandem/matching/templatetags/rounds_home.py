"""The graduate's placement on their home page (``{% my_placements me %}`` in web/home.html)."""

from __future__ import annotations

from typing import Any

from django import template

from tandem.matching.flows import rounds as flow

register = template.Library()

#: The home page shows the newest placements only; the round pages have the rest.
HOME_PLACEMENTS = 3


@register.inclusion_tag("matching/rounds/_home_placements.html")
def my_placements(person: Any) -> dict[str, Any]:
    placements = list(flow.placements_of(person=person)[:HOME_PLACEMENTS]) if person is not None else []
    seconds = {r.follows_id: r for r in flow.second_rounds_for(rounds=[p.round for p in placements
                                                                       if p.department_id is None])}
    return {"placements": [(p, seconds.get(p.round_id)) for p in placements]}
