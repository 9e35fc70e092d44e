"""A program's enrolments as a spreadsheet (CSV or XLSX), for the page and the API alike."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.programs import selectors
from tandem.programs.models import EnrolmentRole, Program
from tandem.web.exports import table_download


def enrolment_table(*, program: Program, fmt: str) -> HttpResponse:
    """Every enrolment of the program (withdrawn ones too), with each person's open pairs here."""
    headers = [_("Name"), _("Employee ID"), _("Role"), _("Status"), _("Department"), _("Job profile"),
               _("Mentee capacity"), _("Open pairs in this program"), _("Enrolled on")]
    rows = ([e.person.full_name, e.person.employee_id, e.get_role_display(), e.get_status_display(),
             e.person.department.name if e.person.department_id else "",
             str(e.person.job_profile) if e.person.job_profile_id else "",
             (e.capacity or program.default_mentor_capacity) if e.role == EnrolmentRole.MENTOR else "",
             e.open_pairs, timezone.localtime(e.created_at).date()]
            for e in selectors.enrolments_for_export(program=program).iterator(chunk_size=2000))
    return table_download(fmt=fmt, filename=f"enrolments-{program.pk}", sheet=_("Enrolments"), headers=headers,
                          rows=rows)
