"""What a notification says, rendered when it is read (in the active language and time zone)."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from tandem.notifications.models import NotificationKind as K

TEXTS: dict[str, Any] = {
    K.REQUESTED: _("%(name)s asks you to be their mentor"),
    K.ACCEPTED: _("%(name)s accepted your request"),
    K.DECLINED: _("%(name)s declined your request"),
    K.INTRO_SCHEDULED: _("%(name)s planned your introductory meeting for %(when)s"),
    K.PAIRED: _("You have been paired with %(name)s"),
    K.AGREEMENT_STAGE: _("Your agreement with %(name)s is ready to sign"),
    K.STARTED: _("Your mentorship with %(name)s has started"),
    K.COMPLETED: _("Your mentorship with %(name)s is completed"),
    K.ENDED_EARLY: _("Your mentorship with %(name)s was ended early"),
    K.CANCELLED: _("Your pairing with %(name)s was withdrawn"),
    K.AGREEMENT_UPDATED: _("Version %(version)s of the agreement between %(mentor)s and %(mentee)s waits for "
                           "your signature"),
    K.AGREEMENT_SIGNED: _("Everyone has signed the agreement between %(mentor)s and %(mentee)s"),
    K.NEEDS_SUBMITTED: _("%(name)s submitted their needs for the development plan"),
    K.PLAN_DRAFTED: _("%(name)s drafted the development plan: read it and comment"),
    K.PLAN_COMMENTED: _("%(name)s commented on the development plan"),
    K.PLAN_CONFIRMED: _("%(name)s confirmed the development plan"),
    K.MILESTONE_UPDATED: _("%(name)s updated the progress of a milestone"),
    K.SESSION_SCHEDULED: _("%(name)s scheduled a session for %(when)s"),
    K.SESSION_RESCHEDULED: _("%(name)s moved your session to %(when)s"),
    K.SESSION_CANCELLED: _("%(name)s cancelled the session of %(when)s"),
    K.MENTIONED: _("%(name)s mentioned you in your coaching log"),
    K.ACTION_ITEM_ASSIGNED: _("%(name)s gave you an action item: %(title)s"),
    K.MESSAGE_POSTED: _("%(name)s wrote to you in your coaching log"),
    K.RESOURCE_SHARED: _("%(name)s shared “%(title)s” in your coaching log"),
    # counted texts take the reader's plural forms (ngettext keyed on "count")
    K.SERIES_SCHEDULED: ngettext_lazy("%(name)s scheduled %(count)s session, the first on %(when)s",
                                      "%(name)s scheduled %(count)s sessions, the first on %(when)s", "count"),
    K.SERIES_CANCELLED: ngettext_lazy("%(name)s cancelled %(count)s session of your series, from %(when)s on",
                                      "%(name)s cancelled %(count)s sessions of your series, from %(when)s on",
                                      "count"),
    K.FEEDBACK_SHARED: _("You can now read %(name)s's feedback on the session of %(when)s"),
    K.SESSION_SOON: _("Reminder: your session with %(name)s starts at %(when)s"),
    K.FEEDBACK_WAITING: _("How was your session with %(name)s on %(when)s? Leave your rating and a line of "
                          "feedback"),
    K.ACTION_ITEM_DUE: _("Reminder: your action item “%(title)s” is due on %(due)s"),
    K.ACTION_ITEM_OVERDUE: _("Your action item “%(title)s” was due on %(due)s: complete it or change its date"),
    K.DUTY_DUE: _("“%(duty)s” is due by %(due)s in the mentorship of %(mentor)s and %(mentee)s"),
    K.DUTY_OVERDUE: _("“%(duty)s” was due by %(due)s in the mentorship of %(mentor)s and %(mentee)s"),
    K.AGREEMENT_WAITING: _("Version %(version)s of the agreement between %(mentor)s and %(mentee)s still waits "
                           "for your signature"),
    K.PLAN_WAITING: _("The development plan with %(name)s waits for your comments or confirmation"),
    K.PROGRAM_OVERDUE: ngettext_lazy("%(count)s pair in %(program)s has overdue duties",
                                     "%(count)s pairs in %(program)s have overdue duties", "count"),
    K.ROUND_CLOSING: _("The selection round “%(round)s” closes on %(when)s: check your ranking"),
    K.REVIEW_OPENED: _("Your ratings for the competency review of %(subject)s are asked until %(due)s"),
    K.REVIEW_WAITING: _("Reminder: the competency review of %(subject)s closes on %(due)s and still waits for "
                        "your ratings"),
    K.GRAI_DUE: _("Reminder: your GRAI review (goal, result, analysis, insight) for %(period)s is due"),
    K.GRAI_COMMENTED: _("%(name)s commented on your GRAI review"),
    K.SURVEY_OPENED: _("The survey “%(title)s” waits for your answers until %(due)s"),
    K.SURVEY_WAITING: _("Reminder: the survey “%(title)s” closes on %(due)s and still waits for your answers"),
    K.REPORT_READY: _("The report “%(title)s” is ready"),
    K.JOB_FAILED: _("%(title)s stopped without a result: %(error)s"),
    K.AT_RISK: ngettext_lazy("%(count)s participant of %(program)s is at risk before the %(checkpoint)s checkpoint",
                             "%(count)s participants of %(program)s are at risk before the %(checkpoint)s checkpoint",
                             "count"),
}
MILESTONE_DONE = _("%(name)s completed a milestone")
RESOURCE_UNTITLED = _("%(name)s shared a file or link in your coaching log")


def _when(value: Any) -> str:
    if not value:
        return "—"
    try:
        dt = datetime.datetime.fromisoformat(str(value))
    except ValueError:
        return "—"
    if timezone.is_aware(dt):
        dt = timezone.localtime(dt)
    return formats.date_format(dt, "DATETIME_FORMAT")


def _day(value: Any) -> str:
    try:
        return formats.date_format(datetime.date.fromisoformat(str(value)), "DATE_FORMAT")
    except ValueError:
        return "—"


def notification_text(kind: str, params: dict[str, Any]) -> str:
    """The sentence for ``kind`` in the active language, times in the active time zone."""
    template = TEXTS.get(kind)
    if template is None:
        return str(K(kind).label) if kind in K.values else kind
    if kind == K.MILESTONE_UPDATED and params.get("done"):
        template = MILESTONE_DONE
    if kind == K.RESOURCE_SHARED and not (params or {}).get("title"):
        template = RESOURCE_UNTITLED
    values = {"name": "", "mentor": "", "mentee": "", "version": "", "program": "", "title": "", "duty": "",
              "count": "", "round": "", "subject": "", "period": "", "checkpoint": "", **(params or {})}
    values["when"] = _when(values.get("when"))
    values["due"] = _day(values.get("due"))
    try:
        return str(template % values)
    except (KeyError, TypeError, ValueError):
        return str(K(kind).label)
