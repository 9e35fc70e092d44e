"""Pages of blind mutual-selection rounds, under /programs/<id>/rounds/.

One page per round, role-aware: the graduate ranks departments, the department head ranks graduates
and presents the department, the program manager follows progress and publishes.
"""

from __future__ import annotations

import logging

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from tandem.core import authz
from tandem.core.errors import ApplicationError, ValidationFailed
from tandem.core.schemas import DB_INT_MAX
from tandem.matching import selectors
from tandem.matching.flows import rounds as flow
from tandem.matching.models import PublicationStatus, RoundStatus, SelectionRound
from tandem.people.models import Department, Person
from tandem.programs.models import Program
from tandem.programs.selectors import program_get
from tandem.web.feedback import flash_error

logger = logging.getLogger("tandem.matching")


class RoundForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=120)
    deadline = forms.DateTimeField(
        label=gettext_lazy("Deadline"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


def _program(request: HttpRequest, program_id: int) -> tuple[authz.Actor, Program]:
    actor = authz.actor_for(request.user)
    program = program_get(program_id=program_id)
    if program is None:
        raise Http404
    return actor, program


def _round(request: HttpRequest, program_id: int, round_id: int) -> tuple[authz.Actor, SelectionRound]:
    actor, program = _program(request, program_id)
    selection_round = flow.round_get(round_id=round_id, program=program)
    authz.require(authz.can_view_round(actor, selection_round))
    return actor, selection_round


def _ordered_from_selects(post, prefix: str, objects: dict[int, object]) -> list:
    """Turn ``<prefix><id> = rank`` fields into an ordered list. Ranks run from 1 to the number of
    choices; one out of range or two equal ranks are refused."""
    chosen: dict[int, int] = {}
    for key, value in post.items():
        if not key.startswith(prefix) or not value.strip():
            continue
        try:
            pk, rank = int(key[len(prefix):]), int(value)
        except ValueError as exc:
            raise ValidationFailed({"ranking": [_("Choose a number for each rank.")]}) from exc
        if pk not in objects:
            raise ValidationFailed({"ranking": [_("Unknown choice in the ranking.")]})
        chosen[pk] = rank
    return [objects[pk] for pk in flow.ranking_from_ranks(chosen, limit=len(objects))]


def _ordered_from_list(post, objects: dict[int, object]) -> list:
    """The ordered list's hidden inputs (``order``, first = first choice), with a move asked by a
    button without JavaScript (``move`` = ``up:<id>``, ``down:<id>``, ``add:<id>``, ``remove:<id>``)."""
    try:
        ids = [int(v) for v in post.getlist("order")]
    except ValueError as exc:
        raise ValidationFailed({"ranking": [_("Unknown choice in the ranking.")]}) from exc
    if any(pk not in objects for pk in ids):
        raise ValidationFailed({"ranking": [_("Unknown choice in the ranking.")]})
    if len(set(ids)) != len(ids):
        raise ValidationFailed({"ranking": [_("Each department may appear only once in your ranking.")]})
    move = post.get("move", "")
    if move:
        action, _sep, raw = move.partition(":")
        try:
            pk = int(raw)
        except ValueError as exc:
            raise ValidationFailed({"ranking": [_("Unknown choice in the ranking.")]}) from exc
        if pk not in objects or action not in {"up", "down", "add", "remove"}:
            raise ValidationFailed({"ranking": [_("Unknown choice in the ranking.")]})
        if action == "add" and pk not in ids:
            ids.append(pk)
        elif action == "remove" and pk in ids:
            ids.remove(pk)
        elif action in {"up", "down"} and pk in ids:
            i = ids.index(pk)
            j = i - 1 if action == "up" else i + 1
            if 0 <= j < len(ids):
                ids[i], ids[j] = ids[j], ids[i]
    return [objects[pk] for pk in ids]


def _initials(name: str) -> str:
    """Up to two initials for the small picture next to a name (tells people with the same name apart
    together with their employee ID and department)."""
    words = (name or "").split()
    if not words:
        return "?"
    return (words[0][0] + (words[-1][0] if len(words) > 1 else "")).upper()


def _merged_ranking(post, prefix: str, shown: list[int], current: list[int], *, limit: int) -> list[int]:
    """A department's whole ranking after saving one page of it.

    ``shown`` are the graduates whose position inputs were on the page; ``current`` is the saved
    ranking (first = most wanted). The graduates not on the page keep their relative order; each
    graduate on the page goes to the position given (1 = first), or out of the ranking when left
    empty. Saving a page that shows every graduate replaces the whole ranking, as before. A
    position outside 1..``limit`` (the round's number of graduates) is refused, not moved into range."""
    on_page = set(shown)
    chosen: dict[int, int] = {}
    for key, value in post.items():
        if not key.startswith(prefix) or not value.strip():
            continue
        try:
            pk, rank = int(key[len(prefix):]), int(value)
        except ValueError as exc:
            raise ValidationFailed({"ranking": [_("Choose a number for each rank.")]}) from exc
        if pk not in on_page:
            raise ValidationFailed({"ranking": [_("Unknown choice in the ranking.")]})
        chosen[pk] = rank
    ordered = flow.ranking_from_ranks(chosen, limit=limit)
    out = [pk for pk in current if pk not in on_page]
    for pk in ordered:
        out.insert(min(chosen[pk] - 1, len(out)), pk)
    return out


#: Graduates per page of a department head's ranking (the page grows with this, not the cohort).
GRADUATES_PER_PAGE = 50
#: Graduates per page of the manager's "has not ranked yet" list.
NOT_RANKED_PER_PAGE = 25


def _ids(raw) -> list[int]:
    """Graduate ids from the form (a comma-separated string or the keys' suffixes), in the database's range."""
    parts = raw.split(",") if isinstance(raw, str) else list(raw)
    try:
        ids = [int(x) for x in parts if x.strip()]
    except ValueError as exc:
        raise ValidationFailed({"ranking": [_("Unknown choice in the ranking.")]}) from exc
    if any(not 1 <= pk <= DB_INT_MAX for pk in ids):
        raise ValidationFailed({"ranking": [_("Unknown choice in the ranking.")]})
    return ids


_flash = flash_error


@login_required
def round_list(request: HttpRequest, program_id: int) -> HttpResponse:
    actor, program = _program(request, program_id)
    can_manage = authz.can_manage_program(actor, program)
    if authz.can_view_program(actor, program):
        rounds = flow.rounds_of_program(program=program)
    else:
        rounds = flow.rounds_headed_by(person=actor.person).filter(program=program)
        authz.require(rounds.exists())
    form = RoundForm(request.POST or None) if can_manage else None
    departments = selectors.departments_by_path() if can_manage else []
    seat_values: dict[int, str] = {}
    if request.method == "POST":
        authz.require(can_manage)
        seats: list[tuple[Department, int]] = []
        for d in departments:
            raw = request.POST.get(f"seats-{d.pk}", "").strip()
            seat_values[d.pk] = raw
            if raw:
                try:
                    n = int(raw)
                except ValueError:
                    form.add_error(None, _("%(department)s: give a whole number of places.") % {"department": d.name})
                    continue
                if n:
                    seats.append((d, n))
        if form.is_valid():
            try:
                selection_round = flow.round_create(program=program, seats=seats, user=request.user,
                                                    **form.cleaned_data)
                messages.success(request, _("Round opened. Graduates and department heads can now rank."))
                return redirect("round_detail", program_id=program.pk, round_id=selection_round.pk)
            except ValidationFailed as exc:
                for field, errs in exc.errors.items():
                    for e in errs:
                        form.add_error(field if field in form.fields else None, e)
    return render(request, "matching/rounds/list.html", {
        "program": program,
        "rounds": rounds,
        "form": form,
        "departments": [(d, seat_values.get(d.pk, "")) for d in departments],
    })


@login_required
def round_detail(request: HttpRequest, program_id: int, round_id: int) -> HttpResponse:
    actor, selection_round = _round(request, program_id, round_id)
    return _detail(request, actor, selection_round)


def _is_graduate(actor: authz.Actor, selection_round: SelectionRound) -> bool:
    """Ranks departments in this round: an enrolled graduate, and in a second round only one the
    earlier round left unplaced."""
    return authz.can_rank_as_applicant(actor, selection_round) and (
        not selection_round.follows_id or flow.is_graduate(round=selection_round, person=actor.person))


def _detail(request: HttpRequest, actor: authz.Actor, selection_round: SelectionRound, *,
            status: int = 200) -> HttpResponse:
    """The round page for this person (``status`` 400 after a refused form: its messages show)."""
    is_open = selection_round.status == RoundStatus.OPEN
    before_deadline = timezone.now() < selection_round.deadline
    seats = list(flow.round_seats(round=selection_round))
    ctx: dict = {
        "program": selection_round.program,
        "round": selection_round,
        "is_open": is_open,
        "before_deadline": before_deadline,
        "seats": seats,
        "can_manage": authz.can_manage_round(actor, selection_round),
        "is_graduate": _is_graduate(actor, selection_round),
    }
    if ctx["is_graduate"]:
        if is_open:
            mine = {c.department_id: c.rank for c in flow.applicant_ranking(round=selection_round, applicant=actor.person)}
            ctx["my_ranked"] = bool(mine)
            ctx["my_order"] = sorted((s for s in seats if s.department_id in mine), key=lambda s: mine[s.department_id])
            ctx["my_unranked"] = [s for s in seats if s.department_id not in mine]
        else:
            ctx["my_placement"] = flow.applicant_result(round=selection_round, applicant=actor.person)
            ctx["second_round"] = flow.second_round_of(round=selection_round)
    headed = [s for s in seats if authz.can_rank_for_department(actor, s.department)]
    if headed:
        graduates: list[Person] = []
        if is_open:  # one page of graduates, optionally found by name: the page does not grow with the cohort
            q = request.GET.get("q", "").strip()[:100]
            qs = flow.round_graduates(round=selection_round)
            if q:
                qs = qs.filter(full_name__icontains=q)
            paginator = Paginator(qs, GRADUATES_PER_PAGE)
            total = flow.round_graduates_count(round=selection_round)  # kept per change of the round
            if not q:
                paginator.count = total
            grad_page = paginator.get_page(request.GET.get("page"))
            graduates = list(grad_page.object_list)
            for g in graduates:
                g.initials = _initials(g.full_name)
                g.rank_label = _("Rank for %(name)s (%(id)s)") % {"name": g.full_name, "id": g.employee_id}
            ctx["grad_page"], ctx["grad_q"], ctx["grad_total"] = grad_page, q, total
        ctx["headed"] = []
        for seat in headed:
            entry: dict = {"seat": seat}
            if is_open:
                ranking = flow.department_ranking(round=selection_round, department=seat.department)
                ranks = dict(ranking.filter(applicant__in=graduates).values_list("applicant_id", "rank"))
                entry["rows"] = [(g, ranks.get(g.pk)) for g in graduates]
                entry["ranked"] = ranking.count()
                entry["submitted"] = bool(entry["ranked"])
                entry["shown"] = ",".join(str(g.pk) for g in graduates)
            else:
                entry["placed"] = list(flow.department_result(round=selection_round, department=seat.department))
            ctx["headed"].append(entry)
    if ctx["can_manage"]:
        if is_open:
            ctx["progress"] = flow.round_progress(round=selection_round)
            ctx["publication"] = flow.active_publication(round=selection_round)
            not_ranked = Paginator(flow.graduates_not_ranked(round=selection_round), NOT_RANKED_PER_PAGE)
            ctx["not_ranked_page"] = not_ranked.get_page(request.GET.get("np"))
            for g in ctx["not_ranked_page"].object_list:
                g.initials = _initials(g.full_name)
            ctx["seats_not_ranked"] = list(flow.seats_not_ranked(round=selection_round))
            ctx["nudged_today"] = flow.round_nudged_today(round=selection_round)
            try:
                ctx["forecast"] = flow.round_forecast(round=selection_round)
            except (MemoryError, ArithmeticError, ValueError) as exc:
                # the forecast is a courtesy: a matching that cannot run now must not take the page down
                logger.warning("round %s: forecast not computed (%s)", selection_round.pk, type(exc).__name__)
                ctx["forecast_failed"] = True
        else:
            ctx["results"] = flow.round_results(round=selection_round)
            ctx["summary"] = flow.round_summary(round=selection_round)
            ctx["stable"] = not flow.round_blocking_pairs(round=selection_round)
            ctx["unplaced_page"] = Paginator(flow.round_unplaced(round=selection_round), NOT_RANKED_PER_PAGE
                                             ).get_page(request.GET.get("up"))
            ctx["free_places"] = [(seat, n) for seat, n in flow.round_free_places(round=selection_round) if n > 0]
            ctx["second_round"] = flow.second_round_of(round=selection_round)
            if ctx["second_round"] is None:
                ctx["second_form"] = RoundForm(prefix="second", initial={
                    "name": _("%(round)s — second round") % {"round": selection_round.name}})
    return render(request, "matching/rounds/detail.html", ctx, status=status)


def _refused(request: HttpRequest, actor: authz.Actor, selection_round: SelectionRound,
             exc: ApplicationError) -> HttpResponse:
    """A refused form: the round page again with the messages, answered with the error's status
    (400 for what the person got wrong), nothing saved."""
    _flash(request, exc)
    return _detail(request, actor, selection_round, status=exc.status)


@login_required
@require_POST
def round_rank_departments(request: HttpRequest, program_id: int, round_id: int) -> HttpResponse:
    actor, selection_round = _round(request, program_id, round_id)
    authz.require(_is_graduate(actor, selection_round))
    try:
        departments = {s.department_id: s.department for s in flow.round_seats(round=selection_round)}
        if request.POST.get("form") == "order":  # the ordered list (hidden inputs, or a move button)
            ordered = _ordered_from_list(request.POST, departments)
        else:  # a rank per department (``rank-<id>``)
            ordered = _ordered_from_selects(request.POST, "rank-", departments)
        flow.applicant_ranking_save(round=selection_round, applicant=actor.person, departments=ordered)
    except ApplicationError as exc:
        return _refused(request, actor, selection_round, exc)
    messages.success(request, _("Your ranking is saved. You can change it until the deadline."))
    back = redirect("round_detail", program_id=program_id, round_id=round_id)
    back["Location"] += "#my-ranking"
    return back


@login_required
@require_POST
def round_rank_graduates(request: HttpRequest, program_id: int, round_id: int, code: str) -> HttpResponse:
    actor, selection_round = _round(request, program_id, round_id)
    seat = flow.round_seat_get(round=selection_round, department_code=code)
    authz.require(authz.can_rank_for_department(actor, seat.department))
    try:
        current = list(flow.department_ranking(round=selection_round, department=seat.department)
                       .order_by("rank").values_list("applicant_id", flat=True))
        if "shown" in request.POST:  # one page of the ranking: merged into the rest
            shown = _ids(request.POST["shown"])
        else:  # the whole ranking at once (every graduate's position)
            shown = _ids(k[5:] for k in request.POST if k.startswith("rank-") and k[5:].isascii()) + current
        total = flow.round_graduates(round=selection_round).count()
        ids = _merged_ranking(request.POST, "rank-", shown, current, limit=max(total, 1))
        graduates = flow.round_graduates(round=selection_round).in_bulk(ids)
        if len(graduates) != len(set(ids)):
            raise ValidationFailed({"ranking": [_("Unknown choice in the ranking.")]})
        ordered = [graduates[pk] for pk in ids]
        flow.department_ranking_save(round=selection_round, department=seat.department, applicants=ordered)
    except ApplicationError as exc:
        return _refused(request, actor, selection_round, exc)
    messages.success(request, _("The ranking for %(department)s is saved.") % {"department": seat.department.name})
    back = redirect("round_detail", program_id=program_id, round_id=round_id)
    keep = {k: request.GET[k][:100] for k in ("q", "page") if request.GET.get(k)}
    if keep:  # back to the page of graduates that was saved
        back["Location"] += "?" + urlencode(keep)
    return back


@login_required
@require_POST
def round_pitch(request: HttpRequest, program_id: int, round_id: int, code: str) -> HttpResponse:
    actor, selection_round = _round(request, program_id, round_id)
    seat = flow.round_seat_get(round=selection_round, department_code=code)
    authz.require(authz.can_rank_for_department(actor, seat.department))
    try:
        flow.round_seat_update_pitch(seat=seat, pitch=request.POST.get("pitch", ""))
        messages.success(request, _("Pitch saved."))
    except ApplicationError as exc:
        _flash(request, exc)
    return redirect("round_detail", program_id=program_id, round_id=round_id)


@login_required
@require_POST
def round_publish(request: HttpRequest, program_id: int, round_id: int) -> HttpResponse:
    actor, selection_round = _round(request, program_id, round_id)
    authz.require(authz.can_manage_round(actor, selection_round))
    try:
        publication, created = flow.round_publish_request(round=selection_round, user=request.user,
                                                          force=bool(request.POST.get("force")))
    except ApplicationError as exc:
        _flash(request, exc)
        return redirect("round_detail", program_id=program_id, round_id=round_id)
    publication.refresh_from_db()  # a task backend that runs at once (tests, development) has published it
    if publication.status == PublicationStatus.DONE:
        messages.success(request, _("The round is closed and the placements are published."))
    elif publication.status == PublicationStatus.FAILED:
        messages.error(request, publication.error)
    elif created:
        messages.info(request, _("The round is closed to rankings and its placements are being computed. "
                                 "This page shows how far it got and the results when they are published."))
    else:
        messages.info(request, _("This round is already being published; here is how far it got."))
    return redirect("round_detail", program_id=program_id, round_id=round_id)


@login_required
def round_publication_status(request: HttpRequest, program_id: int, round_id: int,
                             publication_id: int) -> HttpResponse:
    """The progress card of a publication, polled by the round page (htmx, every second). Once it
    is no longer queued or running, an htmx request is answered with ``HX-Refresh`` so the page
    reloads with the results (or the failure)."""
    actor, selection_round = _round(request, program_id, round_id)
    authz.require(authz.can_manage_round(actor, selection_round))
    publication = flow.publication_get(round=selection_round, publication_id=publication_id)
    response = render(request, "matching/rounds/_publication_status.html", {
        "program": selection_round.program, "round": selection_round, "publication": publication})
    if request.headers.get("HX-Request") and not publication.is_active:
        response["HX-Refresh"] = "true"
    return response


@login_required
def round_explain(request: HttpRequest, program_id: int, round_id: int, employee_id: str) -> HttpResponse:
    actor, selection_round = _round(request, program_id, round_id)
    authz.require(authz.can_manage_round(actor, selection_round))
    person = selectors.person_by_employee_id(employee_id)
    if person is None:
        raise Http404
    sentences = flow.placement_explanation(round=selection_round, applicant=person)
    template = "matching/rounds/_explain.html" if request.headers.get("HX-Request") else "matching/rounds/explain.html"
    return render(request, template, {
        "program": selection_round.program,
        "round": selection_round,
        "person": person,
        "sentences": sentences,
        "stable": not flow.round_blocking_pairs(round=selection_round),
    })


@login_required
@require_POST
def round_nudge(request: HttpRequest, program_id: int, round_id: int) -> HttpResponse:
    """The manager reminds everyone who has not ranked yet (once a day per person)."""
    actor, selection_round = _round(request, program_id, round_id)
    authz.require(authz.can_manage_round(actor, selection_round))
    try:
        result = flow.round_nudge(round=selection_round, user=request.user)
    except ApplicationError as exc:
        return _refused(request, actor, selection_round, exc)
    if result.sent:
        messages.success(request, ngettext("Reminder sent to %(n)d person who has not ranked yet.",
                                           "Reminder sent to %(n)d people who have not ranked yet.",
                                           result.sent) % {"n": result.sent})
    if result.already:
        messages.info(request, ngettext("%(n)d person was already reminded today; nudges go once a day.",
                                        "%(n)d people were already reminded today; nudges go once a day.",
                                        result.already) % {"n": result.already})
    if result.not_wanted:
        messages.info(request, ngettext("%(n)d person turned these reminders off.",
                                        "%(n)d people turned these reminders off.",
                                        result.not_wanted) % {"n": result.not_wanted})
    if not result.recipients:
        messages.info(request, _("Everyone has ranked: there is nobody to remind."))
    back = redirect("round_detail", program_id=program_id, round_id=round_id)
    back["Location"] += "#not-ranked"
    return back


@login_required
@require_POST
def round_place(request: HttpRequest, program_id: int, round_id: int, employee_id: str) -> HttpResponse:
    """The manager places a graduate the round left unplaced in a department with a free place."""
    actor, selection_round = _round(request, program_id, round_id)
    authz.require(authz.can_manage_round(actor, selection_round))
    person = flow.round_graduate_placement_person(round=selection_round, employee_id=employee_id)
    try:
        seat = flow.round_seat_get(round=selection_round, department_code=request.POST.get("department", "")[:40])
        flow.placement_set_manually(round=selection_round, applicant=person, department=seat.department,
                                    user=request.user)
    except ApplicationError as exc:
        return _refused(request, actor, selection_round, exc)
    messages.success(request, _("%(name)s is placed in %(department)s.") % {
        "name": person.full_name, "department": seat.department.name})
    back = redirect("round_detail", program_id=program_id, round_id=round_id)
    back["Location"] += "#unplaced"
    return back


@login_required
@require_POST
def round_second(request: HttpRequest, program_id: int, round_id: int) -> HttpResponse:
    """The manager opens a second round for the graduates left unplaced, with the places still free."""
    actor, selection_round = _round(request, program_id, round_id)
    authz.require(authz.can_manage_round(actor, selection_round))
    form = RoundForm(request.POST, prefix="second")
    try:
        if not form.is_valid():
            raise ValidationFailed({k: [str(e) for e in v] for k, v in form.errors.items()})
        second = flow.round_create_second(round=selection_round, user=request.user, **form.cleaned_data)
    except ApplicationError as exc:
        return _refused(request, actor, selection_round, exc)
    messages.success(request, _("Second round opened for the graduates not placed yet."))
    return redirect("round_detail", program_id=program_id, round_id=second.pk)
