"""Pages of flow 2: the program manager's bulk match (preview, pins and exclusions, commit)."""

from __future__ import annotations

from urllib.parse import quote as urlquote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from tandem.core import authz
from tandem.core.errors import ApplicationError, error_messages
from tandem.core.schemas import DB_INT_MAX
from tandem.matching import selectors
from tandem.matching.flows import bulk
from tandem.matching.models import ConstraintKind, RunStatus
from tandem.people.models import Person
from tandem.programs.models import Program
from tandem.programs.views import get_program
from tandem.web.feedback import flash_error


def _bulk_program(request: HttpRequest, program_id: int) -> tuple[authz.Actor, Program]:
    actor, program = get_program(request, program_id)
    authz.require(authz.can_run_bulk_match(actor, program))
    return actor, program


_errors = error_messages
_flash = flash_error


def _back(program: Program) -> HttpResponse:
    return redirect("bulk_match", program_id=program.pk)


#: Pairs (and unmatched mentees) per page of the bulk match: the page does not grow with the run.
PAIRS_PER_PAGE = 50
#: People offered per search in the pin/exclusion form.
SEARCH_LIMIT = 20


def _constraints_context(program: Program, errors: list[str] | None = None, notice: str = "") -> dict:
    return {
        "program": program,
        "constraints": bulk.constraints_of(program=program),
        "kinds": ConstraintKind.choices,
        "constraint_errors": errors or [],
        "constraint_notice": notice,
    }


class _Pages:
    """Page links for one list of a run (the pairs, or the unmatched mentees)."""

    def __init__(self, request: HttpRequest, param: str, total: int) -> None:
        self.param, self.total = param, total
        self.num_pages = max(1, -(-total // PAIRS_PER_PAGE))
        raw = request.GET.get(param, "1")
        self.number = min(int(raw), self.num_pages) if raw.isascii() and raw.isdigit() and 0 < len(raw) < 8 else 1
        self.number = max(self.number, 1)
        other = {k: v[:20] for k, v in request.GET.items() if k in ("page", "unmatched_page") and k != param}
        self._base = "&".join(f"{k}={urlquote(v)}" for k, v in other.items())

    @property
    def window(self) -> tuple[int, int]:
        return (self.number - 1) * PAIRS_PER_PAGE, PAIRS_PER_PAGE

    def url(self, n: int) -> str:
        return "?" + (self._base + "&" if self._base else "") + f"{self.param}={n}"

    @property
    def has_other_pages(self) -> bool:
        return self.num_pages > 1

    @property
    def previous_url(self) -> str | None:
        return self.url(self.number - 1) if self.number > 1 else None

    @property
    def next_url(self) -> str | None:
        return self.url(self.number + 1) if self.number < self.num_pages else None


@login_required
def bulk_match(request: HttpRequest, program_id: int) -> HttpResponse:
    _actor, program = _bulk_program(request, program_id)
    run = bulk.latest_run(program=program)
    view = pages = unmatched_pages = None
    if run is not None:
        counts = bulk.run_counts(run)  # the run's lists stay in the database; one page of each is read
        pages = _Pages(request, "page", counts[0])
        unmatched_pages = _Pages(request, "unmatched_page", counts[1])
        view = bulk.run_view(run=run, pairs_page=pages.window, unmatched_page=unmatched_pages.window, counts=counts)
    return render(request, "matching/bulk/page.html", {
        **_constraints_context(program),
        "overview": bulk.bulk_overview(program=program),
        "view": view,
        "pages": pages,
        "unmatched_pages": unmatched_pages,
        "active": bulk.active_run(program=program),
        "RunStatus": RunStatus,
    })


@login_required
def bulk_run_status(request: HttpRequest, program_id: int, run_id: int) -> HttpResponse:
    """The progress card of a run being computed, polled by the page (htmx, every second). Once
    the run is no longer queued or running, an htmx request is answered with ``HX-Refresh`` so
    the page reloads with the result (or the failure)."""
    _actor, program = _bulk_program(request, program_id)
    bulk.active_run(program=program)  # fails a run whose worker died
    run = bulk.run_get(program=program, run_id=run_id)
    response = render(request, "matching/bulk/_run_status.html", {"program": program, "active": run,
                                                                  "RunStatus": RunStatus})
    if request.headers.get("HX-Request") and not run.is_active:
        response["HX-Refresh"] = "true"
    return response


@login_required
def bulk_people_search(request: HttpRequest, program_id: int) -> HttpResponse:
    """Search-as-you-type for the pin/exclusion form: ``?role=mentee|mentor&q=…`` gives up to
    SEARCH_LIMIT people as JSON ({"results": [{"employee_id", "name", "department"}]}), or as
    ``<option>``s for the form's datalist when htmx asks."""
    _actor, program = _bulk_program(request, program_id)
    role = request.GET.get("role", "mentee")
    q = request.GET.get("q") or request.GET.get("mentee_id" if role == "mentee" else "mentor_id") or ""
    people = bulk.people_search(program=program, role=role, q=q[:100], limit=SEARCH_LIMIT)
    if request.headers.get("HX-Request"):
        return render(request, "matching/bulk/_people_options.html", {"people": people})
    return JsonResponse({"results": [
        {"employee_id": p.employee_id, "name": p.full_name, "department": p.department.name} for p in people]})


@login_required
@require_POST
def bulk_run_preview(request: HttpRequest, program_id: int) -> HttpResponse:
    _actor, program = _bulk_program(request, program_id)
    try:
        run, created = bulk.bulk_preview_request(program=program, user=request.user)
    except ApplicationError as exc:
        _flash(request, exc)
        return _back(program)
    run.refresh_from_db()  # a task backend that runs at once (tests, development) has computed it
    if run.status == RunStatus.PREVIEW:
        messages.success(request, ngettext(
            "Preview ready: %(n)d pair proposed. Nothing is saved until you commit.",
            "Preview ready: %(n)d pairs proposed. Nothing is saved until you commit.", len(run.pairs),
        ) % {"n": len(run.pairs)})
    elif run.status == RunStatus.FAILED:
        messages.error(request, run.error)
    elif created:
        messages.info(request, _("The preview is being computed. This page shows how far it got and the "
                                 "proposed pairs when it is ready; you may leave and come back."))
    else:
        messages.info(request, _("A preview of this program is already being computed; here is how far it got."))
    return _back(program)


@login_required
@require_POST
def bulk_run_commit(request: HttpRequest, program_id: int, run_id: int) -> HttpResponse:
    _actor, program = _bulk_program(request, program_id)
    try:
        created = bulk.bulk_commit(run=bulk.run_get(program=program, run_id=run_id), user=request.user)
    except ApplicationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, ngettext(
            "%(n)d pair created. Each pair now holds an introductory meeting and confirms.",
            "%(n)d pairs created. Each pair now holds an introductory meeting and confirms.", created,
        ) % {"n": created})
    return _back(program)


@login_required
@require_POST
def bulk_run_discard(request: HttpRequest, program_id: int, run_id: int) -> HttpResponse:
    _actor, program = _bulk_program(request, program_id)
    try:
        bulk.bulk_discard(run=bulk.run_get(program=program, run_id=run_id), user=request.user)
    except ApplicationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("Preview discarded."))
    return _back(program)


def _person(value: str | None) -> Person | None:
    try:
        pk = int(value or "")
    except ValueError:
        return None
    return selectors.person_by_id(pk) if 0 < pk <= DB_INT_MAX else None


def _picked(post):
    """A pair's Pin or Exclude button posts ``pick=<kind>:<mentee id>:<mentor id>`` (one form for the
    whole table of pairs); the rules form posts ``kind`` with ``mentee``/``mentor`` or their IDs."""
    kind, _sep, ids = (post.get("pick") or "").partition(":")
    if not kind:
        return post
    mentee, _sep, mentor = ids.partition(":")
    return {"kind": kind, "mentee": mentee, "mentor": mentor}


def _chosen(post, field: str) -> Person | None:
    """The person of the pin/exclusion form: a pair's button posts ``mentee``/``mentor`` (ids),
    the search field posts ``mentee_id``/``mentor_id`` (an employee ID, as the datalist offers)."""
    if post.get(field):
        return _person(post.get(field))
    employee_id = (post.get(f"{field}_id") or "").strip()
    if not employee_id or len(employee_id) > 40 or "\x00" in employee_id:
        return None
    return selectors.person_by_employee_id(employee_id)


def _constraints_response(request: HttpRequest, program: Program, errors: list[str], notice: str) -> HttpResponse:
    if request.headers.get("HX-Request"):
        return render(request, "matching/bulk/_constraints.html", _constraints_context(program, errors, notice))
    for e in errors:
        messages.error(request, e)
    if notice:
        messages.success(request, notice)
    return _back(program)


@login_required
@require_POST
def bulk_constraint_add(request: HttpRequest, program_id: int) -> HttpResponse:
    _actor, program = _bulk_program(request, program_id)
    post = _picked(request.POST)
    mentee, mentor = _chosen(post, "mentee"), _chosen(post, "mentor")
    errors: list[str] = []
    notice = ""
    if mentee is None or mentor is None:
        errors.append(_("Choose a mentee and a mentor."))
    else:
        try:
            c = bulk.constraint_add(program=program, mentee=mentee, mentor=mentor,
                                    kind=post.get("kind", ""), user=request.user)
        except ApplicationError as exc:
            errors = _errors(exc)
        else:
            notice = (_("%(mentee)s will always be paired with %(mentor)s. Run the preview again.")
                      if c.kind == ConstraintKind.PIN else
                      _("%(mentee)s will never be paired with %(mentor)s. Run the preview again.")) % {
                "mentee": mentee.full_name, "mentor": mentor.full_name}
    return _constraints_response(request, program, errors, notice)


@login_required
@require_POST
def bulk_constraint_remove(request: HttpRequest, program_id: int, constraint_id: int) -> HttpResponse:
    _actor, program = _bulk_program(request, program_id)
    c = selectors.constraint_in(program=program, constraint_id=constraint_id)
    errors: list[str] = []
    notice = ""
    if c is None:
        errors.append(_("This pin or exclusion no longer exists."))
    else:
        try:
            bulk.constraint_remove(program=program, mentee=c.mentee, mentor=c.mentor, user=request.user)
        except ApplicationError as exc:
            errors = _errors(exc)
        else:
            notice = _("Rule removed. Run the preview again.")
    return _constraints_response(request, program, errors, notice)
