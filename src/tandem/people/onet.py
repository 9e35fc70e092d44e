"""The optional example framework: O*NET's 35 skills with their Level scale anchors.

The data ships in ``people/data/onet/skills.json`` (a subset of the O*NET Database, CC BY 4.0; see
the README beside it). :func:`onet_framework_load` writes it through ``framework_services``, so it
obeys the same rules as a framework typed in by hand.

Level mapping
-------------
O*NET rates a skill's level on a 0–7 scale and illustrates it with three behavioural anchors,
for the skills at levels 2, 4 and 6. Tandem's levels run 1–5. The three anchors, in O*NET order,
become Tandem's levels 2, 3 and 4:

==============  ==============
O*NET anchor    Tandem level
==============  ==============
(none)          1 — no descriptor
2 (low)         2
4 (middle)      3
6 (high)        4
(none)          5 — no descriptor
==============  ==============

O*NET has no anchor text for the ends of Tandem's scale, so levels 1 and 5 are left without a
descriptor rather than invented; HR may write them on the competency's page. The rule is by rank
(lowest, middle, highest anchor), so elements whose anchors sit elsewhere (some O*NET abilities have
anchors at 1/4/6 or 2/4/7) map the same way.

Loading is idempotent by code: groups are ``onet-<element id>`` (``onet-2.A.1``), competencies
``onet-<element id>`` (``onet-2.A.1.a``). What exists is left as it is, HR's edits included, so
loading twice changes nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.db import transaction

ONET_PREFIX = "onet-"
DATA_FILE = Path(__file__).resolve().parent / "data" / "onet" / "skills.json"
# The attribution the O*NET licence asks for, word for word (shown with the data, and in the docs).
ATTRIBUTION = (
    "This includes information from the O*NET Database by the U.S. Department of Labor, Employment and "
    "Training Administration (USDOL/ETA). Used under the CC BY 4.0 license. O*NET® is a trademark of USDOL/ETA."
)
LICENSE_URL = "https://creativecommons.org/licenses/by/4.0/"
SOURCE_URL = "https://www.onetcenter.org/database.html"
# The order of O*NET's groups after a company's own (which usually start at 0).
GROUP_ORDER_FROM = 900
ANCHOR_LEVELS = (2, 3, 4)


@dataclass(frozen=True)
class LoadResult:
    groups_created: int
    competencies_created: int
    groups_kept: int
    competencies_kept: int


@cache
def onet_data() -> dict[str, Any]:
    with DATA_FILE.open(encoding="utf-8") as fh:
        return json.load(fh)


def tandem_levels(anchors: list[dict[str, Any]]) -> dict[int, str]:
    """O*NET's anchors (``[{"level": 2, "descriptor": …}, …]``) as Tandem descriptors by level.

    The anchors, sorted by O*NET level, take Tandem's levels 2, 3 and 4; levels 1 and 5 have no
    O*NET text.

    >>> tandem_levels([{"level": 6, "descriptor": "c"}, {"level": 2, "descriptor": "a"},
    ...                {"level": 4, "descriptor": "b"}])
    {2: 'a', 3: 'b', 4: 'c'}
    """
    ordered = sorted(anchors, key=lambda a: a["level"])
    if len(ordered) != len(ANCHOR_LEVELS):
        raise ValueError(f"expected {len(ANCHOR_LEVELS)} anchors, got {len(ordered)}")
    return {level: a["descriptor"] for level, a in zip(ANCHOR_LEVELS, ordered, strict=True)}


def group_code(element_id: str) -> str:
    return f"{ONET_PREFIX}{element_id}"


def competency_code(element_id: str) -> str:
    return f"{ONET_PREFIX}{element_id}"


@transaction.atomic
def onet_framework_load() -> LoadResult:
    """Add O*NET's skills to the framework; what exists already (by code) is kept untouched."""
    from tandem.people import framework_services
    from tandem.people.models import Competency, CompetencyGroup

    data = onet_data()
    groups = {g.code: g for g in CompetencyGroup.objects.filter(code__startswith=ONET_PREFIX)}
    existing = set(Competency.objects.filter(code__startswith=ONET_PREFIX).values_list("code", flat=True))
    groups_created = competencies_created = 0
    for i, g in enumerate(data["groups"]):
        code = group_code(g["id"])
        if code not in groups:
            groups[code] = framework_services.group_create(
                code=code, name=f"{g['domain']}: {g['name']}", order=GROUP_ORDER_FROM + i,
            )
            groups_created += 1
    for e in data["elements"]:
        code = competency_code(e["id"])
        if code in existing:
            continue
        framework_services.competency_create(
            code=code, group=groups[group_code(e["group"])], name=e["name"], description=e["description"],
            levels={level: {"en": text} for level, text in tandem_levels(e["anchors"]).items()},
        )
        competencies_created += 1
    return LoadResult(
        groups_created=groups_created,
        competencies_created=competencies_created,
        groups_kept=len(data["groups"]) - groups_created,
        competencies_kept=len(data["elements"]) - competencies_created,
    )
