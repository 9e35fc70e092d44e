"""Blind mutual-selection rounds (source 003): services and selectors.

Graduates (the program's active mentees) rank the departments taking part; each department's head
ranks the graduates. At or after the deadline the program manager closes the round: deferred
acceptance (:func:`tandem.matching.engine.stable_match`) places every graduate, the result is checked
for blocking pairs and stored as one :class:`Placement` per graduate.

Blindness: nothing here hands one side's ranking to the other side. Graduates read only their own
ranking and own placement; a department reads only its own ranking and, after publication, the
graduates placed with it. Only the program manager reads the full table and the explanations.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.humanize.templatetags.humanize import ordinal
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tandem.core import events, validators
from tandem.core.errors import ApplicationError, Conflict, NotFound, ValidationFailed
from tandem.core.tasks import enqueue_on_commit
from tandem.core.validators import DB_SMALLINT_MAX
from tandem.matching.flows import jobs
from tandem.matching.models import (
    ACTIVE_PUBLICATION_STATUSES,
    ApplicantChoice,
    DepartmentChoice,
    JobStage,
    Placement,
    PublicationStatus,
    RoundPublication,
    RoundSeat,
    RoundStatus,
    SelectionRound,
)
from tandem.people.models import Department, Person
from tandem.programs.models import Enrolment, EnrolmentRole, EnrolmentStatus, MatchingMode, Program

logger = logging.getLogger("tandem.matching")

# -- helpers -------------------------------------------------------------------------------


def _graduates_qs(program: Program) -> QuerySet[Person]:
    """The program's active mentees, as a semi-join on their enrolments: no DISTINCT over every
    column of 2,500 people (and of its COUNT) for a page of 50 or a count."""
    enrolled = Enrolment.objects.filter(program=program, role=EnrolmentRole.MENTEE,
                                        status=EnrolmentStatus.ACTIVE).order_by().values("person_id")
    return Person.objects.filter(pk__in=enrolled)


def _round_graduates_qs(selection_round: SelectionRound) -> QuerySet[Person]:
    """The graduates taking part in a round: the program's active mentees; in a second round only
    those the round it follows left unplaced (and nobody placed by hand since)."""
    qs = _graduates_qs(selection_round.program)
    if selection_round.follows_id:
        qs = qs.filter(placements__round_id=selection_round.follows_id, placements__department__isnull=True)
    return qs


def _require_open(selection_round: SelectionRound) -> None:
    if selection_round.status != RoundStatus.OPEN:
        raise Conflict(_("This round's results are published; rankings can no longer change."),
                       code="round_published")


#: The most places one department can offer in a round (the column's maximum).
SEATS_MAX = DB_SMALLINT_MAX


def ranking_from_ranks(ranks: Mapping[Any, int], *, limit: int, field: str = "ranking") -> list[Any]:
    """An ordered list from ``{item: rank}`` (1 = first). Each rank is a whole number from 1 to
    ``limit`` and different from the others: a rank out of range is refused with a message, never
    renumbered into range. Gaps are allowed (1, 3 → first, second)."""
    bad = sorted({r for r in ranks.values() if isinstance(r, bool) or not isinstance(r, int) or not 1 <= r <= limit},
                 key=str)
    if bad:
        shown = ", ".join(str(r) for r in bad[:5])
        raise ValidationFailed({field: [ngettext(
            "Rank %(ranks)s is out of range: give each choice a number from 1 to %(max)d.",
            "Ranks %(ranks)s are out of range: give each choice a number from 1 to %(max)d.", len(bad)) % {
            "ranks": shown, "max": limit}]})
    values = list(ranks.values())
    if len(set(values)) != len(values):
        raise ValidationFailed({field: [_("Two choices have the same number; give each a different one.")]})
    return [item for item, _rank in sorted(ranks.items(), key=lambda kv: kv[1])]


# -- services ------------------------------------------------------------------------------


@transaction.atomic
def round_create(
    *,
    program: Program,
    name: str,
    deadline: datetime.datetime,
    seats: Mapping[Department, int] | Iterable[tuple[Department, int]],
    user: Any = None,
    follows: SelectionRound | None = None,
) -> SelectionRound:
    """Open a selection round with the departments taking part and their number of places
    (``follows``: a second round, for the graduates that earlier round left unplaced)."""
    pairs = list(seats.items()) if isinstance(seats, Mapping) else list(seats)
    errors: dict[str, list[str]] = {}
    if program.matching_mode != MatchingMode.MUTUAL_SELECTION:
        errors.setdefault("__all__", []).append(_("This program does not use blind mutual selection rounds."))
    name = (name or "").strip()
    if not name:
        errors.setdefault("name", []).append(_("Give the round a name."))
    elif (problem := validators.single_line_problem(name)) or len(name) > 120:
        # a line break in the name would break the subject of every results e-mail
        errors.setdefault("name", []).append(problem or _("Keep the name under 120 characters."))
    if deadline is not None and (problem := validators.date_problem(deadline)):
        errors.setdefault("deadline", []).append(problem)
    elif deadline is None or timezone.is_naive(deadline):
        errors.setdefault("deadline", []).append(_("Give a deadline with a time zone."))
    elif deadline <= timezone.now():
        errors.setdefault("deadline", []).append(_("The deadline must be in the future."))
    if not pairs:
        errors.setdefault("seats", []).append(_("At least one department must take part."))
    seen: set[int] = set()
    for department, n in pairs:
        if department.pk in seen:
            errors.setdefault("seats", []).append(
                _("%(department)s is listed twice.") % {"department": department.name})
        seen.add(department.pk)
        if not isinstance(n, int) or isinstance(n, bool) or n < 1:
            errors.setdefault("seats", []).append(
                _("%(department)s needs at least one place.") % {"department": department.name})
        elif n > SEATS_MAX:  # refused, never cut down to what the column holds
            errors.setdefault("seats", []).append(
                _("%(department)s: at most %(max)d places.") % {"department": department.name, "max": SEATS_MAX})
    if errors:
        raise ValidationFailed(errors)
    selection_round = SelectionRound.objects.create(program=program, name=name, deadline=deadline, follows=follows)
    RoundSeat.objects.bulk_create(
        [RoundSeat(round=selection_round, department=d, seats=n, pitch=d.pitch or "") for d, n in pairs]
    )
    _schedule_publication(selection_round)
    return selection_round


def _schedule_publication(selection_round: SelectionRound) -> None:
    """Publish by itself at the deadline where the task backend can defer (the database backend
    in development and production); the manager can always close it by hand."""
    from tandem.matching.tasks import publish_round_at_deadline

    if publish_round_at_deadline.get_backend().supports_defer:
        enqueue_on_commit(publish_round_at_deadline.using(run_after=selection_round.deadline), selection_round.pk)


@transaction.atomic
def round_seat_update_pitch(*, seat: RoundSeat, pitch: str) -> RoundSeat:
    """The department head's pitch to graduates ("why join us")."""
    _require_open(seat.round)
    pitch = (pitch or "").strip()
    if len(pitch) > 4000:
        raise ValidationFailed({"pitch": [_("Keep the pitch under 4000 characters.")]})
    seat.pitch = pitch
    seat.save(update_fields=["pitch"])
    return seat


def _no_duplicates(ids: Sequence[int], field: str, message: str) -> None:
    if len(set(ids)) != len(ids):
        raise ValidationFailed({field: [message]})


@transaction.atomic
def applicant_ranking_save(
    *, round: SelectionRound, applicant: Person, departments: Sequence[Department]
) -> list[ApplicantChoice]:
    """Replace the graduate's whole ranking of departments (first = first choice)."""
    selection_round = SelectionRound.objects.select_for_update().get(pk=round.pk)
    _require_open(selection_round)
    if timezone.now() >= selection_round.deadline:
        raise Conflict(_("The deadline has passed; rankings can no longer change."), code="deadline_passed")
    _require_not_closing(selection_round)
    if not _round_graduates_qs(selection_round).filter(pk=applicant.pk).exists():
        raise ValidationFailed({"applicant": [_("Only graduates of this program rank departments.")]})
    ids = [d.pk for d in departments]
    _no_duplicates(ids, "departments", _("Each department may appear only once in your ranking."))
    taking_part = set(selection_round.seats.values_list("department_id", flat=True))
    strangers = [d.name for d in departments if d.pk not in taking_part]
    if strangers:
        raise ValidationFailed({"departments": [
            _("Not taking part in this round: %(names)s.") % {"names": ", ".join(strangers)}]})
    ApplicantChoice.objects.filter(round=selection_round, applicant=applicant).delete()
    return ApplicantChoice.objects.bulk_create(
        [ApplicantChoice(round=selection_round, applicant=applicant, department_id=pk, rank=i)
         for i, pk in enumerate(ids, start=1)]
    )


@transaction.atomic
def department_ranking_save(
    *, round: SelectionRound, department: Department, applicants: Sequence[Person]
) -> list[DepartmentChoice]:
    """Replace the department's whole ranking of graduates (first = most wanted)."""
    selection_round = SelectionRound.objects.select_for_update().get(pk=round.pk)
    _require_open(selection_round)
    if timezone.now() >= selection_round.deadline:
        raise Conflict(_("The deadline has passed; rankings can no longer change."), code="deadline_passed")
    _require_not_closing(selection_round)
    if not selection_round.seats.filter(department=department).exists():
        raise ValidationFailed({"department": [_("This department is not taking part in this round.")]})
    ids = [p.pk for p in applicants]
    _no_duplicates(ids, "applicants", _("Each graduate may appear only once in the ranking."))
    graduates = set(_round_graduates_qs(selection_round).filter(pk__in=ids).values_list("pk", flat=True))
    strangers = [p.full_name for p in applicants if p.pk not in graduates]
    if strangers:
        raise ValidationFailed({"applicants": [
            _("Not a graduate of this program: %(names)s.") % {"names": ", ".join(strangers)}]})
    DepartmentChoice.objects.filter(round=selection_round, department=department).delete()
    return DepartmentChoice.objects.bulk_create(
        [DepartmentChoice(round=selection_round, department=department, applicant_id=pk, rank=i)
         for i, pk in enumerate(ids, start=1)]
    )


@dataclass(frozen=True)
class RoundInstance:
    """A round as index lists for the engine, and the mapping back to people and departments."""

    applicants: list[int]  # person ids, index = applicant index
    departments: list[int]  # department ids, index = reviewer index
    applicant_prefs: list[list[int]]
    reviewer_prefs: list[list[int]]
    capacities: list[int]

    def applicant_index(self, person_id: int) -> int:
        return self.applicants.index(person_id)


def _round_instance(selection_round: SelectionRound, applicant_ids: Iterable[int]) -> RoundInstance:
    applicants = sorted(set(applicant_ids))
    a_index = {pk: i for i, pk in enumerate(applicants)}
    seats = list(RoundSeat.objects.filter(round=selection_round).order_by("department_id"))
    departments = [s.department_id for s in seats]
    r_index = {pk: j for j, pk in enumerate(departments)}
    applicant_prefs: list[list[int]] = [[] for _ in applicants]
    for applicant_id, department_id in (
        ApplicantChoice.objects.filter(round=selection_round).order_by("applicant_id", "rank")
        .values_list("applicant_id", "department_id")
    ):
        if applicant_id in a_index and department_id in r_index:
            applicant_prefs[a_index[applicant_id]].append(r_index[department_id])
    reviewer_prefs: list[list[int]] = [[] for _ in departments]
    for department_id, applicant_id in (
        DepartmentChoice.objects.filter(round=selection_round).order_by("department_id", "rank")
        .values_list("department_id", "applicant_id")
    ):
        if applicant_id in a_index and department_id in r_index:
            reviewer_prefs[r_index[department_id]].append(a_index[applicant_id])
    return RoundInstance(applicants, departments, applicant_prefs, reviewer_prefs, [s.seats for s in seats])


# -- close and publish, computed by the worker ------------------------------------------------
#
# The manager (or the deadline task) *requests* the publication (round_publish_request): a QUEUED
# RoundPublication under the round's row lock, one at a time per round; from then on the rankings
# are frozen (the ranking services refuse while one is queued or running), so the worker reads
# them without a lock. The worker (round_publication_run) builds the instance, runs deferred
# acceptance, checks stability, and saves the placements and the PUBLISHED status in one short
# transaction. A failure leaves the round open and its rankings editable again.


def _require_not_closing(selection_round: SelectionRound) -> None:
    if RoundPublication.objects.filter(round=selection_round, status__in=ACTIVE_PUBLICATION_STATUSES).exists():
        raise Conflict(_("The round is being closed and published; rankings can no longer change."),
                       code="round_closing")


def active_publication(*, round: SelectionRound) -> RoundPublication | None:
    """The round's publication being computed, or its newest one if that failed and the round is
    still open (the page says why). A publication whose worker died is failed first."""
    if round.status != RoundStatus.OPEN:
        return None
    publication = RoundPublication.objects.filter(round=round).order_by("-created_at", "-id").first()
    if publication is not None and jobs.is_stale(publication):
        jobs.matching_jobs_fail_stale()
        publication.refresh_from_db()
    if publication is None or publication.status == PublicationStatus.DONE:
        return None
    return publication


def publication_get(*, round: SelectionRound, publication_id: int) -> RoundPublication:
    jobs.matching_jobs_fail_stale()
    publication = RoundPublication.objects.filter(round=round, pk=publication_id).first()
    if publication is None:
        raise NotFound(_("This publication does not exist."))
    return publication


@transaction.atomic
def round_publish_request(
    *, round: SelectionRound, user: Any = None, force: bool = False
) -> tuple[RoundPublication, bool]:
    """Ask the worker to close the round and publish its placements. Returns ``(publication,
    created)``: a new QUEUED one (its task enqueued on commit), or the one already queued or
    running (``created`` False). Allowed at or after the deadline; earlier only with ``force=True``
    (an explicit decision). Refused once published."""
    jobs.matching_jobs_fail_stale()
    selection_round = SelectionRound.objects.select_for_update(of=("self",)).select_related("program").get(pk=round.pk)
    _require_open(selection_round)
    active = RoundPublication.objects.filter(
        round=selection_round, status__in=ACTIVE_PUBLICATION_STATUSES).order_by("-id").first()
    if active is not None:
        return active, False
    if timezone.now() < selection_round.deadline and not force:
        raise Conflict(_("The deadline has not passed yet. Close early only if everyone has ranked."),
                       code="deadline_not_reached")
    publication = RoundPublication.objects.create(
        round=selection_round, requested_by=user if getattr(user, "is_authenticated", False) else None,
        force=force, language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    from tandem.matching.tasks import publish_round

    enqueue_on_commit(publish_round, publication.pk)
    return publication, True


def round_publication_run(*, publication_id: int) -> None:
    """The task's body: claim the queued publication, place every graduate by the
    applicant-optimal stable matching with progress, publish. A publication that is not queued is
    left alone; a failure marks it FAILED with a message, leaves the round open and emits
    ``round.publication_failed``; success emits ``round.published``."""
    if not jobs.claim(RoundPublication, publication_id):
        return
    publication = RoundPublication.objects.select_related("round__program").get(pk=publication_id)
    selection_round = publication.round

    def report(stage: str, percent: int) -> None:
        jobs.progress(RoundPublication, publication_id, stage=stage, percent=percent)

    with translation.override(publication.language or settings.LANGUAGE_CODE):
        try:
            _require_open(selection_round)
            from tandem.matching.engine.stable import (  # NumPy on first use only
                blocking_pairs,
                stable_match,
            )

            report(JobStage.LOADING, 5)
            inst = _round_instance(selection_round,  # by id: the instance sorts them; no sort by name
                                   _round_graduates_qs(selection_round).order_by().values_list("pk", flat=True))
            report(JobStage.SOLVING, 30)
            matching = stable_match(inst.applicant_prefs, inst.reviewer_prefs, inst.capacities)
            report(JobStage.CHECKING, 60)
            if blocking_pairs(inst.applicant_prefs, inst.reviewer_prefs, inst.capacities, matching):
                raise ApplicationError(_("The computed placement is not stable; nothing was published."),
                                       code="unstable_result", status=500)
            report(JobStage.SAVING, 80)
            _save_publication(publication_id, inst, [int(r) for r in matching])
        except jobs.JobAbandoned:
            logger.warning("round publication %s was marked failed while running; nothing published", publication_id)
        except ApplicationError as exc:
            _publication_failed(publication, str(exc.message), reason="refused")
        except Exception:
            logger.exception("round publication %s stopped", publication_id)
            _publication_failed(publication, _(
                "The publication stopped on an unexpected error; nothing was published and the round is still "
                "open. Try again, and tell the administrator if this happens again."), reason="error")
            raise


def _publication_failed(publication: RoundPublication, message: str, *, reason: str) -> None:
    with transaction.atomic():
        if jobs.fail(RoundPublication, publication.pk, message):
            events.emit("round.publication_failed", round_id=publication.round_id, publication_id=publication.pk,
                        reason=reason)


def _save_publication(publication_id: int, inst: RoundInstance, matching: Sequence[int]) -> None:
    with transaction.atomic():
        round_id = RoundPublication.objects.values_list("round_id", flat=True).get(pk=publication_id)
        selection_round = SelectionRound.objects.select_for_update().get(pk=round_id)  # round, then publication
        publication = RoundPublication.objects.select_for_update().get(pk=publication_id)
        if publication.status != PublicationStatus.RUNNING:
            raise jobs.JobAbandoned(publication_id)
        _require_open(selection_round)
        placements = []
        for i, r in enumerate(matching):
            if r < 0:
                placements.append(Placement(round=selection_round, applicant_id=inst.applicants[i]))
                continue
            placements.append(Placement(
                round=selection_round,
                applicant_id=inst.applicants[i],
                department_id=inst.departments[r],
                applicant_rank=inst.applicant_prefs[i].index(r) + 1,
                department_rank=inst.reviewer_prefs[r].index(i) + 1,
            ))
        Placement.objects.bulk_create(placements, batch_size=1000)
        now = timezone.now()
        selection_round.status = RoundStatus.PUBLISHED
        selection_round.published_at = now
        selection_round.save(update_fields=["status", "published_at", "updated_at"])
        publication.status, publication.progress, publication.stage = PublicationStatus.DONE, 100, ""
        publication.finished_at = publication.heartbeat_at = now
        publication.save(update_fields=["status", "progress", "stage", "finished_at", "heartbeat_at", "updated_at"])
        events.emit("round.published", round_id=selection_round.pk)


def round_close_and_publish(*, round: SelectionRound, user: Any = None, force: bool = False) -> SelectionRound:
    """Request the publication and compute it now, in this process (the deadline task, which
    already runs in the worker; tests; scripts). Pages and the API only request it. Raises the
    request's refusal, or an :class:`ApplicationError` with the publication's message if it failed."""
    publication, _created = round_publish_request(round=round, user=user, force=force)
    round_publication_run(publication_id=publication.pk)  # a no-op if the task backend already ran it
    publication.refresh_from_db()
    if publication.status == PublicationStatus.FAILED:
        raise ApplicationError(publication.error, code="publication_failed", status=409)
    selection_round = SelectionRound.objects.select_related("program").get(pk=round.pk)
    round.status, round.published_at = selection_round.status, selection_round.published_at
    return selection_round


# -- selectors -----------------------------------------------------------------------------


def rounds_of_program(*, program: Program) -> QuerySet[SelectionRound]:
    return SelectionRound.objects.filter(program=program).annotate(departments=Count("seats", distinct=True))


def rounds_headed_by(*, person: Person | None) -> QuerySet[SelectionRound]:
    """Rounds in which a department this person heads takes part (for their home page)."""
    if person is None:
        return SelectionRound.objects.none()
    return SelectionRound.objects.filter(seats__department__head=person).select_related("program").distinct()


def round_get(*, round_id: int, program: Program | None = None) -> SelectionRound:
    qs = SelectionRound.objects.select_related("program", "program__owner")
    if program is not None:
        qs = qs.filter(program=program)
    selection_round = qs.filter(pk=round_id).first()
    if selection_round is None:
        raise NotFound()
    return selection_round


def round_seats(*, round: SelectionRound) -> QuerySet[RoundSeat]:
    return RoundSeat.objects.filter(round=round).select_related("department", "department__head")


def round_seat_get(*, round: SelectionRound, department_code: str) -> RoundSeat:
    seat = round_seats(round=round).filter(department__code=department_code).first()
    if seat is None:
        raise NotFound(_("This department is not taking part in this round."))
    return seat


def round_graduates(*, round: SelectionRound) -> QuerySet[Person]:
    return _round_graduates_qs(round).select_related("job_profile", "department").order_by("full_name", "pk")


def round_graduates_count(*, round: SelectionRound) -> int:
    """How many graduates take part (:func:`round_graduates`), counted once per change of the round
    (:func:`round_progress`)."""
    return round_progress(round=round)["graduates"]


def is_graduate(*, round: SelectionRound, person: Person | None) -> bool:
    return person is not None and _round_graduates_qs(round).filter(pk=person.pk).exists()


def applicant_ranking(*, round: SelectionRound, applicant: Person) -> QuerySet[ApplicantChoice]:
    """The graduate's own ranking (only ever shown to that graduate)."""
    return ApplicantChoice.objects.filter(round=round, applicant=applicant).select_related("department")


def department_ranking(*, round: SelectionRound, department: Department) -> QuerySet[DepartmentChoice]:
    """The department's own ranking (only ever shown to its head and the program manager)."""
    return DepartmentChoice.objects.filter(round=round, department=department).select_related(
        "applicant", "applicant__job_profile")


def applicant_result(*, round: SelectionRound, applicant: Person) -> Placement | None:
    """The graduate's own placement, once published."""
    if round.status != RoundStatus.PUBLISHED:
        return None
    return (Placement.objects.filter(round=round, applicant=applicant)
            .select_related("applicant", "department").first())


def department_result(*, round: SelectionRound, department: Department) -> QuerySet[Placement]:
    """The graduates placed with the department, once published."""
    if round.status != RoundStatus.PUBLISHED:
        return Placement.objects.none()
    return (Placement.objects.filter(round=round, department=department)
            .select_related("applicant", "applicant__job_profile", "department").order_by("department_rank"))


def round_results(*, round: SelectionRound) -> QuerySet[Placement]:
    """The manager's full table."""
    return Placement.objects.filter(round=round).select_related(
        "applicant", "applicant__job_profile", "department").order_by("applicant__full_name", "applicant_id")


def round_progress(*, round: SelectionRound) -> dict[str, int]:
    """How many graduates and departments have submitted a ranking (counts only, never contents).
    Counted once per change of the round's rankings, seats or graduates (``people.figures.kept``)."""
    from tandem.people import figures

    return dict(figures.kept("rounds", ("progress", round.pk), lambda: _round_progress(round)))


def _round_progress(round: SelectionRound) -> dict[str, int]:
    graduate_ids = _round_graduates_qs(round).values("pk")
    seats = RoundSeat.objects.filter(round=round).aggregate(n=Count("pk"))["n"]
    return {
        "graduates": _round_graduates_qs(round).count(),
        "graduates_submitted": ApplicantChoice.objects.filter(round=round, applicant__in=graduate_ids)
        .values("applicant").distinct().count(),
        "departments": seats,
        "departments_submitted": DepartmentChoice.objects.filter(
            round=round, department__round_seats__round=round).values("department").distinct().count(),
    }


def round_summary(*, round: SelectionRound) -> dict[str, int]:
    """Placed / not placed / first choices, after publication."""
    return Placement.objects.filter(round=round).aggregate(
        placed=Count("pk", filter=Q(department__isnull=False)),
        unplaced=Count("pk", filter=Q(department__isnull=True)),
        first_choice=Count("pk", filter=Q(applicant_rank=1, manual=False)),
        manual=Count("pk", filter=Q(manual=True)),
        total=Count("pk"),
    )


def _published_instance(selection_round: SelectionRound) -> tuple[RoundInstance, list[int]]:
    """The round and the matching's result (a placement made by hand afterwards counts as the
    matching left it: not placed)."""
    placements = {a: (None if manual else d) for a, d, manual in Placement.objects.filter(round=selection_round)
                  .values_list("applicant_id", "department_id", "manual")}
    inst = _round_instance(selection_round, placements)
    r_index = {pk: j for j, pk in enumerate(inst.departments)}
    matching = [r_index.get(placements[pk], -1) if placements[pk] else -1 for pk in inst.applicants]
    return inst, matching


def round_blocking_pairs(*, round: SelectionRound) -> list[tuple[int, int]]:
    """Blocking pairs of the published result as (person id, department id); empty = stable."""
    from tandem.matching.engine.stable import blocking_pairs

    if round.status != RoundStatus.PUBLISHED:
        return []
    inst, matching = _published_instance(round)
    return [(inst.applicants[a], inst.departments[r])
            for a, r in blocking_pairs(inst.applicant_prefs, inst.reviewer_prefs, inst.capacities, matching)]


def placement_explanation(*, round: SelectionRound, applicant: Person) -> list[str]:
    """Plain-language sentences: which choice the graduate got and why not a higher one."""
    from tandem.matching.engine.stable import explain_applicant

    if round.status != RoundStatus.PUBLISHED:
        raise Conflict(_("Explanations are available once the results are published."), code="not_published")
    inst, matching = _published_instance(round)
    if applicant.pk not in inst.applicants:
        raise NotFound(_("This graduate has no placement in this round."))
    a = inst.applicant_index(applicant.pk)
    names = dict(Department.objects.filter(pk__in=inst.departments).values_list("pk", "name"))
    r = matching[a]
    sentences: list[str] = []
    if r >= 0:
        sentences.append(_("You got your %(ordinal)s choice: %(department)s.") % {
            "ordinal": ordinal(inst.applicant_prefs[a].index(r) + 1), "department": names[inst.departments[r]]})
    elif not inst.applicant_prefs[a]:
        sentences.append(_("Not placed: you did not rank any department."))
    elif all(not inst.reviewer_prefs[j] for j in inst.applicant_prefs[a]):
        sentences.append(_("Not placed: none of the departments you ranked submitted a ranking."))
    else:
        sentences.append(_("Not placed: no department you ranked also ranked you, with a free place."))
    for item in explain_applicant(inst.applicant_prefs, inst.reviewer_prefs, inst.capacities, matching, a):
        j = int(item["reviewer"])
        name = names[inst.departments[j]]
        reason = item["reason"]
        if reason == "not_listed_by_reviewer" and not inst.reviewer_prefs[j]:
            # it ranked nobody: saying "did not rank you" would single the graduate out
            sentences.append(_("%(department)s submitted no ranking, so it took no graduate in this round.") % {
                "department": name})
        elif reason == "not_listed_by_reviewer":
            sentences.append(_("%(department)s did not rank you.") % {"department": name})
        elif reason == "no_capacity":
            sentences.append(_("%(department)s had no places.") % {"department": name})
        elif reason == "full_with_preferred":
            your_rank = int(item["applicant_rank"]) + 1
            seats = inst.capacities[j]
            ranked = ngettext("%(department)s ranked %(above)d graduate above you",
                              "%(department)s ranked %(above)d graduates above you", your_rank - 1) % {
                "department": name, "above": your_rank - 1}
            filled = ngettext("filled its %(seats)d place with graduates it ranked higher",
                              "filled its %(seats)d places with graduates it ranked higher", seats) % {"seats": seats}
            sentences.append(
                _("%(ranked)s and %(filled)s (its lowest admitted: rank %(worst)d; you: rank %(you)d).") % {
                    "ranked": ranked, "filled": filled, "worst": int(item["worst_rank"]) + 1, "you": your_rank}
            )
        else:  # "blocking": only possible for an unstable matching, which publication refuses
            sentences.append(_("%(department)s would have preferred you: the result is not stable.") % {
                "department": name})
    manual = (Placement.objects.filter(round=round, applicant=applicant, manual=True)
              .select_related("department").first())
    if manual is not None and manual.department is not None:
        sentences.append(_("After the matching, the program manager placed you in %(department)s.") % {
            "department": manual.department.name})
    return sentences


# -- before publishing: who has not ranked, nudges, what publishing would do ------------------------


def graduates_not_ranked(*, round: SelectionRound) -> QuerySet[Person]:
    """The round's graduates with no ranking yet (the manager's list; paginate it)."""
    ranked = ApplicantChoice.objects.filter(round=round).values("applicant_id")
    return (_round_graduates_qs(round).exclude(pk__in=ranked)
            .select_related("department", "job_profile").order_by("full_name", "pk"))


def seats_not_ranked(*, round: SelectionRound) -> QuerySet[RoundSeat]:
    """The departments taking part that have not submitted a ranking of graduates."""
    ranked = DepartmentChoice.objects.filter(round=round).values("department_id")
    return round_seats(round=round).exclude(department_id__in=ranked)


def _nudge_occasion(now: datetime.datetime) -> str:
    return f"nudge-{timezone.localdate(now).isoformat()}"


def round_nudged_today(*, round: SelectionRound, now: datetime.datetime | None = None) -> int:
    """How many people this round's nudge reached today (0: the manager has not nudged today)."""
    from tandem.notifications.models import NotificationKind, SentReminder

    return SentReminder.objects.filter(kind=NotificationKind.ROUND_CLOSING, subject=f"round:{round.pk}",
                                       occasion=_nudge_occasion(now or timezone.now())).count()


@dataclass(frozen=True)
class NudgeResult:
    sent: int  # reminded now
    already: int  # already nudged today (once a day per person)
    not_wanted: int  # turned this kind of notification off
    recipients: int  # everyone who has not ranked (graduates and department heads)


def round_nudge(*, round: SelectionRound, user: Any = None, now: datetime.datetime | None = None) -> NudgeResult:
    """Remind everyone who has not ranked yet: each graduate with no ranking and the head of each
    department with none (a head of two such departments hears once). Once a day: the reminder's
    occasion is ``nudge-<date>``, so a second nudge the same day reaches nobody twice. Each person's
    notification choices apply. Refused once the round is closing, published or past its deadline."""
    from tandem.notifications import selectors as notification_selectors
    from tandem.notifications.models import EmailMode, NotificationKind
    from tandem.notifications.reminders import remind_once

    now = now or timezone.now()
    selection_round = SelectionRound.objects.select_related("program").get(pk=round.pk)
    _require_open(selection_round)
    if now >= selection_round.deadline:
        raise Conflict(_("The deadline has passed; nobody can rank any more, so there is nobody to nudge."),
                       code="deadline_passed")
    _require_not_closing(selection_round)
    home = f"/programs/{selection_round.program_id}/rounds/{selection_round.pk}/"
    recipients: dict[int, tuple[Person, str]] = {}
    for person in graduates_not_ranked(round=selection_round).filter(is_active=True):
        recipients[person.pk] = (person, home + "#my-ranking")
    for seat in seats_not_ranked(round=selection_round):
        head = seat.department.head
        if head is not None and head.is_active and head.pk not in recipients:
            recipients[head.pk] = (head, home + f"#dept-{seat.department.code}")
    prefs = notification_selectors.preferences_for(person_ids=list(recipients))
    kind = NotificationKind.ROUND_CLOSING
    params = {"round": selection_round.name, "program": selection_round.program.name,
              "when": selection_round.deadline.isoformat()}
    occasion = _nudge_occasion(now)
    sent = already = not_wanted = 0
    for pk, (person, url) in sorted(recipients.items()):
        pref = prefs[pk]
        in_app, email = pref.wants_in_app(kind), pref.wants_email(kind)
        if not (in_app or email):
            not_wanted += 1
            continue
        notification = remind_once(
            kind=kind, subject=f"round:{selection_round.pk}", occasion=occasion, person=person, mentorship_id=None,
            params=params, url=url, object_id=selection_round.pk, in_app=in_app, email=email,
            immediate=pref.email_mode == EmailMode.IMMEDIATE, now=now)
        if notification is None:
            already += 1
        else:
            sent += 1
    logger.info("round %s nudged by %s: %s sent, %s already today", selection_round.pk,
                getattr(user, "pk", None), sent, already)
    return NudgeResult(sent=sent, already=already, not_wanted=not_wanted, recipients=len(recipients))


@dataclass(frozen=True)
class RoundForecast:
    """What closing the round now would do: the same matching publishing runs, on today's rankings."""

    graduates: int
    placed: int
    unplaced_graduates: int
    places: int
    unfilled_places: int
    departments: list[dict[str, Any]]  # [{"department": Department, "places": n, "filled": n}]


def round_forecast(*, round: SelectionRound) -> RoundForecast:
    """Placed and unplaced graduates and unfilled places if the round were published now. Computed
    exactly as :func:`round_publication_run` does, so the numbers equal what publishing gives if
    nobody changes their ranking in between. Nothing is stored; the stable matching runs once per
    change of the round's rankings, seats, graduates or departments (``people.figures.kept``),
    not on each view of the manager's page."""
    from tandem.people import figures

    return figures.kept("rounds", ("forecast", round.pk), lambda: _round_forecast(round))


def _round_forecast(round: SelectionRound) -> RoundForecast:
    from tandem.matching.engine.stable import stable_match

    inst = _round_instance(round, _round_graduates_qs(round).order_by().values_list("pk", flat=True))
    matching = ([int(r) for r in stable_match(inst.applicant_prefs, inst.reviewer_prefs, inst.capacities)]
                if inst.applicants and inst.departments else [-1] * len(inst.applicants))
    filled = [0] * len(inst.departments)
    for r in matching:
        if r >= 0:
            filled[r] += 1
    placed = sum(filled)
    names = {s.department_id: s.department for s in round_seats(round=round)}
    departments = sorted(
        ({"department": names[d], "places": inst.capacities[j], "filled": filled[j]}
         for j, d in enumerate(inst.departments)), key=lambda row: row["department"].name)
    return RoundForecast(graduates=len(inst.applicants), placed=placed, unplaced_graduates=len(inst.applicants) - placed,
                         places=sum(inst.capacities), unfilled_places=sum(inst.capacities) - placed,
                         departments=departments)


# -- after publishing: the graduates left unplaced -----------------------------------------------


def round_unplaced(*, round: SelectionRound) -> QuerySet[Placement]:
    """The graduates the published round left without a department (paginate it)."""
    return (Placement.objects.filter(round=round, department__isnull=True)
            .select_related("applicant", "applicant__department", "applicant__job_profile")
            .order_by("applicant__full_name", "applicant_id"))


def round_free_places(*, round: SelectionRound) -> list[tuple[RoundSeat, int]]:
    """Each department's places still free after publication (and manual placements), in name order."""
    taken = dict(Placement.objects.filter(round=round, department__isnull=False).values("department_id")
                 .annotate(n=Count("pk")).values_list("department_id", "n"))
    return [(seat, seat.seats - taken.get(seat.department_id, 0)) for seat in round_seats(round=round)]


def second_round_of(*, round: SelectionRound) -> SelectionRound | None:
    return SelectionRound.objects.filter(follows=round).order_by("-created_at", "-pk").first()


@transaction.atomic
def placement_set_manually(
    *, round: SelectionRound, applicant: Person, department: Department, user: Any = None
) -> Placement:
    """The program manager places a graduate the published round left unplaced in a department
    with a free place. Refused before publication, for a graduate already placed, for a department
    not taking part or full, and once a second round for them has been published."""
    selection_round = SelectionRound.objects.select_for_update().get(pk=round.pk)
    if selection_round.status != RoundStatus.PUBLISHED:
        raise Conflict(_("Place graduates by hand once the results are published."), code="not_published")
    placement = Placement.objects.select_for_update().filter(round=selection_round, applicant=applicant).first()
    if placement is None:
        raise NotFound(_("This graduate has no placement in this round."))
    if placement.department_id is not None:
        raise Conflict(_("%(name)s is already placed.") % {"name": applicant.full_name}, code="already_placed")
    if SelectionRound.objects.filter(follows=selection_round, status=RoundStatus.PUBLISHED).exists():
        raise Conflict(_("A second round has already been published for the graduates this round left unplaced; "
                         "place them from that round."), code="second_round_published")
    seat = RoundSeat.objects.filter(round=selection_round, department=department).first()
    if seat is None:
        raise ValidationFailed({"department": [_("This department is not taking part in this round.")]})
    taken = Placement.objects.filter(round=selection_round, department=department).count()
    if taken >= seat.seats:
        raise Conflict(_("%(department)s has no free place left (%(taken)d of %(seats)d taken).") % {
            "department": department.name, "taken": taken, "seats": seat.seats}, code="no_free_place")
    a_rank = ApplicantChoice.objects.filter(round=selection_round, applicant=applicant, department=department
                                            ).values_list("rank", flat=True).first()
    d_rank = DepartmentChoice.objects.filter(round=selection_round, applicant=applicant, department=department
                                             ).values_list("rank", flat=True).first()
    placement.department, placement.manual = department, True
    placement.applicant_rank, placement.department_rank = a_rank, d_rank
    placement.placed_by = user if getattr(user, "is_authenticated", False) else None
    placement.placed_at = timezone.now()
    placement.save(update_fields=["department", "manual", "applicant_rank", "department_rank", "placed_by",
                                  "placed_at"])
    events.emit("round.placed_manually", round_id=selection_round.pk, applicant_id=applicant.pk,
                department_id=department.pk)
    return placement


@transaction.atomic
def round_create_second(
    *, round: SelectionRound, name: str, deadline: datetime.datetime, user: Any = None
) -> SelectionRound:
    """Open a second round for the graduates this published round left unplaced, with the places
    still free in each department. One second round per round."""
    selection_round = SelectionRound.objects.select_for_update().select_related("program").get(pk=round.pk)
    if selection_round.status != RoundStatus.PUBLISHED:
        raise Conflict(_("Open a second round once the results are published."), code="not_published")
    if SelectionRound.objects.filter(follows=selection_round).exists():
        raise Conflict(_("A second round for this round already exists."), code="second_round_exists")
    if not Placement.objects.filter(round=selection_round, department__isnull=True).exists():
        raise Conflict(_("Every graduate is placed; no second round is needed."), code="nobody_unplaced")
    seats = [(seat.department, free) for seat, free in round_free_places(round=selection_round) if free > 0]
    if not seats:
        raise Conflict(_("No department has a free place left; place the remaining graduates by hand or open a "
                         "new round with new places."), code="no_free_place")
    return round_create(program=selection_round.program, name=name, deadline=deadline, seats=seats, user=user,
                        follows=selection_round)


def placements_of(*, person: Person | None) -> QuerySet[Placement]:
    """The person's own published placements, newest round first (their home page)."""
    if person is None:
        return Placement.objects.none()
    return (Placement.objects.filter(applicant=person, round__status=RoundStatus.PUBLISHED)
            .select_related("round", "round__program", "department").order_by("-round__published_at", "-pk"))


def round_graduate_placement_person(*, round: SelectionRound, employee_id: str) -> Person:
    """The graduate with this employee ID who has a placement in the round, else not found."""
    person = Person.objects.filter(employee_id=employee_id[:40], placements__round=round).first()
    if person is None:
        raise NotFound(_("This graduate has no placement in this round."))
    return person


def second_rounds_for(*, rounds: Sequence[SelectionRound]) -> QuerySet[SelectionRound]:
    """The second rounds that follow these rounds (one query)."""
    return SelectionRound.objects.filter(follows__in=[r.pk for r in rounds]).order_by("created_at", "pk")
