"""When a stage ends, the program's manager is told once that its department support report is
ready, with a link to the stage's report (unless they turned the kind off)."""

from __future__ import annotations

from django.utils import timezone

from tandem.insights import departments_jobs
from tandem.notifications.models import Notification, NotificationKind, NotificationPreference
from tests.insights.departments_fixtures import cohort

_FIXTURES = (cohort,)  # pytest finds them by name


def test_the_manager_hears_once_that_an_ended_stage_s_report_is_ready(cohort):
    # the rotation ended 40 days ago: beyond the look-back, nothing is announced
    assert departments_jobs.stage_reports_ready() == 0
    # when the rotation ends yesterday
    cohort.rotation.end_day = cohort.program.day_of(cohort.today) - 1
    cohort.rotation.save(update_fields=["end_day"])
    assert departments_jobs.stage_reports_ready() == 1
    assert departments_jobs.stage_reports_ready(now=timezone.now()) == 0  # never twice
    n = Notification.objects.get(recipient=cohort.owner, kind=NotificationKind.REPORT_READY)
    assert n.params["title"] == "Department support: Graduates, Rotation"
    assert n.url == f"/programs/{cohort.program.pk}/department-support/?stage={cohort.rotation.pk}"
    # a running stage is not announced
    assert not Notification.objects.filter(url__endswith=f"stage={cohort.placement.pk}").exists()


def test_a_manager_who_turned_the_kind_off_hears_nothing(cohort):
    NotificationPreference.objects.create(person=cohort.owner, email_kinds_off=[NotificationKind.REPORT_READY],
                                          app_kinds_off=[NotificationKind.REPORT_READY])
    cohort.rotation.end_day = cohort.program.day_of(cohort.today) - 2
    cohort.rotation.save(update_fields=["end_day"])
    assert departments_jobs.stage_reports_ready() == 0
    assert not Notification.objects.filter(recipient=cohort.owner).exists()
