"""The daily job of department support: when a stage of a program has ended, its manager hears
that the stage's department support report is ready (notification kind REPORT_READY), once per
stage. The report itself is computed live for the stage's dates (see ``departments_selectors``),
so "ready" means: the stage is over and its figures no longer move with new sessions.

Register with the scheduler (``tandem.notifications.scheduler``)::

    register(Job("department_reports_ready", "tandem.insights.departments_jobs.stage_reports_ready",
                 daily_at=datetime.time(7, 0)))
"""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tandem.notifications.models import EmailMode, NotificationKind
from tandem.notifications.reminders import remind_once
from tandem.notifications.selectors import preferences_for
from tandem.programs.models import Phase, ProgramStatus

#: Stages that ended at most this many days ago are announced (a first run does not announce years of them).
LOOKBACK_DAYS = 7


def stage_reports_ready(*, now: datetime.datetime | None = None) -> int:
    """Tell each program's manager about the stages that ended in the last week; returns how many
    notifications went out. Safe to run as often as you like: one per manager and stage."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    first = today - datetime.timedelta(days=LOOKBACK_DAYS)
    phases = [p for p in Phase.objects.select_related("program__owner")
              .filter(program__status__in=[ProgramStatus.RUNNING, ProgramStatus.CLOSED, ProgramStatus.OPEN],
                      program__starts_on__lte=today)
              .order_by("program_id", "order", "id")
              if first <= p.end_date < today]
    owners = [p.program.owner for p in phases if p.program.owner is not None]
    prefs = preferences_for(person_ids=sorted({o.pk for o in owners}))
    sent = 0
    for phase in phases:
        owner, program = phase.program.owner, phase.program
        if owner is None or not owner.is_active:
            continue
        pref = prefs[owner.pk]
        kind = NotificationKind.REPORT_READY
        in_app, email = pref.wants_in_app(kind), pref.wants_email(kind)
        if not (in_app or email):
            continue
        with translation.override(pref.email_language):
            title = _("Department support: %(program)s, %(stage)s") % {"program": program.name, "stage": str(phase)}
        url = reverse("program_department_support", args=[program.pk]) + f"?stage={phase.pk}"
        n = remind_once(kind=kind, subject=f"department-support:{program.pk}", occasion=f"stage:{phase.pk}",
                        person=owner, mentorship_id=None, params={"title": title}, url=url, object_id=program.pk,
                        in_app=in_app, email=email, immediate=pref.email_mode == EmailMode.IMMEDIATE, now=now)
        sent += n is not None
    return sent
