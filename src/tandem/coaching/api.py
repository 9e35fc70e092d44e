"""The coaching API (mounted in ``config/api.py``): the mentor's scenario prompts.

``GET /mentorships/{id}/prompts`` — the mentor of an active mentorship only. The mentee, HR, the
program team, the line manager and the department head see the mentorship but not its prompts
(403); anyone else does not know the mentorship exists (404). Texts are in the reader's language
(English when a prompt has no text in it).
"""

from __future__ import annotations

from decimal import Decimal

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import get_language
from ninja import Field, Router, Schema

from tandem.coaching import detect
from tandem.coaching.models import Situation
from tandem.core import authz
from tandem.core.schemas import DbId
from tandem.mentorships import selectors

router = Router(tags=["coaching"])


class TriggerOut(Schema):
    signal: str = Field(..., description="One of: " + ", ".join(detect.SIGNALS))
    value: float
    operator: str = Field(..., description="'>=' or '<='")
    threshold: float
    window_days: int | None
    sample: int | None = Field(None, description="Ratings or messages the value is based on (averages, shares)")
    sentence: str


class PromptOut(Schema):
    id: int
    code: str
    situation: str = Field(..., description="One of: " + ", ".join(Situation.values))
    situation_label: str
    language: str | None = Field(None, description="The language of the texts")
    title: str
    phrasings: list[str]
    why: str
    reason: str = Field(..., description="Every trigger's sentence, as one text")
    triggers: list[TriggerOut]


class PromptsOut(Schema):
    mentorship_id: int
    on: str = Field(..., description="The day the signals were computed for (ISO date)")
    prompts: list[PromptOut]


def _float(value: Decimal) -> float:
    return float(value)


@router.get("/mentorships/{mentorship_id}/prompts", response=PromptsOut,
            summary="Coaching prompts for the mentor (the pair's detected situations and why)")
def prompts_get(request: HttpRequest, mentorship_id: DbId):
    actor = authz.actor_for(request.user)
    m = selectors.mentorship_for(actor, mentorship_id, rule=authz.can_see_coaching_prompts)
    today = timezone.localdate()
    out = []
    for s in detect.prompts_for(m, today=today, language=get_language()):
        text = s.text
        out.append({
            "id": s.prompt.pk, "code": s.prompt.code, "situation": s.situation, "situation_label": s.situation_label,
            "language": text.language if text else None, "title": text.title if text else s.prompt.code,
            "phrasings": text.phrasing_list if text else [], "why": text.why if text else "",
            "reason": s.reason,
            "triggers": [{"signal": t.signal, "value": _float(t.value), "operator": t.rule.operator,
                          "threshold": _float(t.rule.threshold), "window_days": t.rule.window_days,
                          "sample": t.sample, "sentence": t.sentence} for t in s.triggers],
        })
    return {"mentorship_id": m.pk, "on": today.isoformat(), "prompts": out}
