"""The program report as a PDF (Tandem issue 12 §6): the same figures as the program's insights
pages, with their charts, in the reader's language. Thin: the selector checks access and gathers
the figures; the template lays them out; :mod:`reports_pdf` renders it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from tandem.core import authz
from tandem.insights import reports_pdf, reports_selectors
from tandem.insights.retention_views import retention_chart


def report_context(report: reports_selectors.ProgramReport) -> dict:
    return {"report": report, "program": report.program,
            "retention_chart": retention_chart(report.retention) if report.retention else None,
            "retention_rows": report.retention.checkpoint_rows() if report.retention else [],
            "language": translation.get_language()}


def report_pdf(request: HttpRequest, report: reports_selectors.ProgramReport) -> bytes:
    """The report as PDF bytes; :class:`reports_pdf.PdfUnavailable` when the library cannot load."""
    html = render_to_string("insights/reports/program.html", report_context(report), request=request)
    return reports_pdf.html_to_pdf(html)


@login_required
def program_report_pdf(request: HttpRequest, program_id: int) -> HttpResponse:
    report = reports_selectors.program_report(actor=authz.actor_for(request.user), program_id=program_id)
    try:
        pdf = report_pdf(request, report)
    except reports_pdf.PdfUnavailable:
        return render(request, "web/error.html", {"error": {"status": 503, "message": _(
            "PDF reports cannot be made on this server: its PDF library (WeasyPrint with pango) is not "
            "installed. The figures are on the program's insights pages.")}}, status=503)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="tandem-program-{report.program.pk}-report.pdf"'
    return response
