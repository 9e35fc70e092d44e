"""API of this part of insights (mounted in ``config/api.py``): the program report as a PDF, for
scripts that file it (the same access and figures as the page)."""

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Path, Router

from tandem.core import authz
from tandem.core.errors import ApplicationError
from tandem.core.schemas import DbInt
from tandem.insights import reports_pdf, reports_selectors, reports_views

router = Router(tags=["insights"])


@router.get("/programs/{program_id}/report.pdf", openapi_extra={"responses": {200: {"description": "The program report (application/pdf)",
                                               "content": {"application/pdf": {}}}}})
def program_report_pdf(request: HttpRequest, program_id: Path[DbInt]):
    """The program's report as a PDF (HR and the program's manager), in the language of
    ``Accept-Language``."""
    report = reports_selectors.program_report(actor=authz.actor_for(request.user), program_id=program_id)
    try:
        pdf = reports_views.report_pdf(request, report)
    except reports_pdf.PdfUnavailable as exc:
        raise ApplicationError(_("PDF reports cannot be made on this server: its PDF library is not installed."),
                               code="pdf_unavailable", status=503) from exc
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="tandem-program-{report.program.pk}-report.pdf"'
    return response
