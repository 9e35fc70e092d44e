"""The bulk match: the program manager previews an optimal assignment of every unmatched mentee
and commits it in one go.

Selectors (reads) come first, then services (writes). The engine does the maths
(:func:`score_matrix`, :func:`optimal_assignment`); this module chooses the pool, applies the
manager's pins and exclusions, explains every outcome and saves it in a :class:`MatchRun`.

Pins and exclusions
    An exclusion makes the pair disallowed. A pin is placed before the optimiser runs and takes
    one of the mentor's free slots; a pin that can no longer be honoured (the mentor left or is
    full, or a hard rule such as "same manager" forbids the pair) leaves the mentee unmatched with
    the reason ``pin_conflict`` so the manager resolves it instead of being silently overridden.

Unmatched reasons (``MatchRun.unmatched[*].reason``)
    ``no_allowed_mentor``: every pair with a mentor who has a free slot is disallowed;
    ``detail.rules`` counts the rules that forbade them. ``capacity_exhausted``: allowed mentors
    exist but all their slots went to other mentees (the optimiser matches as many as possible).
    ``pin_conflict``: see above.

Committed pairs start as ``INTRO`` (:data:`COMMIT_STATUS`): the pair holds the mentor's slot at
once, and both sides confirm after the introductory meeting (source 001), as in the choose flow.
Existing open mentorships are never touched; a new preview only matches mentees without one.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Func, IntegerField, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tandem.core import authz, events
from tandem.core.errors import ApplicationError, Conflict, NotFound, ValidationFailed
from tandem.core.tasks import enqueue_on_commit
from tandem.matching import adapter
from tandem.matching.flows import jobs
from tandem.matching.models import (
    ACTIVE_RUN_STATUSES,
    ConstraintKind,
    JobStage,
    MatchConstraint,
    MatchRun,
    RunStatus,
)
from tandem.mentorships import services as mentorship_services
from tandem.mentorships.models import OPEN_STATUSES, Mentorship, MentorshipOrigin, MentorshipStatus
from tandem.people.models import Competency, Language, Person, Topic
from tandem.programs.models import (
    Enrolment,
    EnrolmentRole,
    EnrolmentStatus,
    Program,
    ProgramStatus,
    ProgramType,
)

if TYPE_CHECKING:
    import numpy as np

logger = logging.getLogger("tandem.matching")

# NumPy and the engine (SciPy, numba) are imported inside the functions that compute: loading the
# URLs (every web worker) must not pay for them until a preview runs.

#: Status of the mentorships a commit creates (see the module docstring).
COMMIT_STATUS = MentorshipStatus.INTRO

NO_ALLOWED_MENTOR = "no_allowed_mentor"
CAPACITY_EXHAUSTED = "capacity_exhausted"
PIN_CONFLICT = "pin_conflict"
MANUAL_EXCLUSION = "manual_exclusion"


# -- selectors -------------------------------------------------------------------------------


def _matched_mentee_ids(program: Program) -> set[int]:
    """Mentees with an open mentorship in the program (in a mutual program: anyone in an open pair)."""
    rows = Mentorship.objects.filter(program=program, status__in=OPEN_STATUSES)
    if _is_mutual(program):
        return {pid for pair in rows.values_list("mentee_id", "mentor_id") for pid in pair}
    return set(rows.values_list("mentee_id", flat=True))


def _is_mutual(program: Program) -> bool:
    return program.program_type == ProgramType.MUTUAL


def mentees_to_match(*, program: Program) -> list[Person]:
    """Active mentees of the program without an open mentorship in it (by name)."""
    role_filter: dict[str, Any] = {} if _is_mutual(program) else {"enrolments__role": EnrolmentRole.MENTEE}
    return list(
        Person.objects.filter(
            enrolments__program=program, enrolments__status=EnrolmentStatus.ACTIVE, is_active=True, **role_filter
        ).exclude(pk__in=_matched_mentee_ids(program)).distinct().order_by("full_name", "id")
    )


def people_search(*, program: Program, role: str, q: str, limit: int = 20) -> list[Person]:
    """Up to ``limit`` people for the pin/exclusion form, found by name or employee ID: mentees
    still to match, or the program's mentors (in a mutual program: anyone enrolled). One query."""
    role_name = EnrolmentRole.MENTEE if role == EnrolmentRole.MENTEE else EnrolmentRole.MENTOR
    role_filter: dict[str, Any] = {} if _is_mutual(program) else {"enrolments__role": role_name}
    qs = Person.objects.filter(
        enrolments__program=program, enrolments__status=EnrolmentStatus.ACTIVE, is_active=True, **role_filter)
    if role_name == EnrolmentRole.MENTEE:
        open_pairs = Mentorship.objects.filter(program=program, status__in=OPEN_STATUSES)
        qs = qs.exclude(pk__in=open_pairs.values("mentee_id"))
        if _is_mutual(program):
            qs = qs.exclude(pk__in=open_pairs.values("mentor_id"))
    q = q.strip()
    if q:
        qs = qs.filter(Q(full_name__icontains=q) | Q(employee_id__istartswith=q))
    return list(qs.select_related("department").distinct().order_by("full_name", "id")[:limit])


def free_slots(*, program: Program) -> dict[int, int]:
    """Each active mentor's free slots (capacity − open mentorships), only those with at least one."""
    slots = adapter.mentor_slots(program)
    if _is_mutual(program):
        # everyone is on both sides: one partner each unless enrolled as a mentor with more
        everyone = Enrolment.objects.filter(program=program, status=EnrolmentStatus.ACTIVE).values_list(
            "person_id", flat=True)
        taken = Counter(
            pid for pair in Mentorship.objects.filter(program=program, status__in=OPEN_STATUSES)
            .values_list("mentor_id", "mentee_id") for pid in pair
        )
        return {pid: cap - taken[pid] for pid in set(everyone)
                for cap in [slots.get(pid, (0, 1))[1]] if cap - taken[pid] > 0}
    return {pid: cap - load for pid, (load, cap) in slots.items() if cap - load > 0}


def mentors_of(*, program: Program) -> list[Person]:
    """Active mentors of the program (for the constraint form), by name."""
    role_filter: dict[str, Any] = {} if _is_mutual(program) else {"enrolments__role": EnrolmentRole.MENTOR}
    return list(
        Person.objects.filter(
            enrolments__program=program, enrolments__status=EnrolmentStatus.ACTIVE, is_active=True, **role_filter
        ).distinct().order_by("full_name", "id")
    )


@dataclass
class Overview:
    mentees_to_match: int
    mentors_with_slots: int
    free_slots: int
    mentees_enrolled: int
    mentors_enrolled: int


def mentees_to_match_count(*, program: Program) -> int:
    """How many :func:`mentees_to_match` there are, counted in the database once per change of
    enrolments, people or pairs (``people.figures.kept``, the dashboards' generation)."""
    from tandem.people import figures

    return figures.kept("figures", ("to_match", program.pk), lambda: _mentees_to_match_count(program))


def _mentees_to_match_count(program: Program) -> int:
    role_filter: dict[str, Any] = {} if _is_mutual(program) else {"enrolments__role": EnrolmentRole.MENTEE}
    return (Person.objects.filter(enrolments__program=program, enrolments__status=EnrolmentStatus.ACTIVE,
                                  is_active=True, **role_filter)
            .exclude(pk__in=_matched_mentee_ids(program)).order_by().values("pk").distinct().count())


def bulk_overview(*, program: Program) -> Overview:
    from tandem.programs.selectors import program_figures

    slots = free_slots(program=program)
    counts = program_figures(program=program)  # active enrolments per role, kept per change
    return Overview(
        mentees_to_match=mentees_to_match_count(program=program),
        mentors_with_slots=len(slots),
        free_slots=sum(slots.values()),
        mentees_enrolled=counts.mentees,
        mentors_enrolled=counts.mentors,
    )


def constraints_of(*, program: Program) -> QuerySet[MatchConstraint]:
    return MatchConstraint.objects.filter(program=program).select_related("mentee", "mentor").order_by(
        "kind", "mentee__full_name", "id")


def latest_run(*, program: Program) -> MatchRun | None:
    """The newest preview or committed run (discarded and failed ones are history; one being
    computed is :func:`active_run`). Its lists of pairs and unmatched mentees (megabytes of JSON
    at 2,000 pairs) are not read: :func:`run_view` reads one page of them in the database."""
    return MatchRun.objects.filter(program=program, status__in=(RunStatus.PREVIEW, RunStatus.COMMITTED)).order_by(
        "-created_at", "-id").defer(*_RUN_LISTS).annotate(
        n_pairs=_JsonLength("pairs"), n_unmatched=_JsonLength("unmatched")).first()


def run_get(*, program: Program, run_id: int) -> MatchRun:
    run = MatchRun.objects.filter(program=program, pk=run_id).first()
    if run is None:
        raise NotFound(_("This match run does not exist."))
    return run


@dataclass
class PairRow:
    mentee: Person
    mentor: Person
    score: float
    pinned: bool
    reasons: list[str]


@dataclass
class UnmatchedRow:
    mentee: Person
    reason: str
    explanation: str


@dataclass
class RunView:
    run: MatchRun
    pairs: list[PairRow] = field(default_factory=list)
    unmatched: list[UnmatchedRow] = field(default_factory=list)
    #: The run's totals (``pairs`` and ``unmatched`` may hold one page of them).
    pair_count: int = 0
    unmatched_count: int = 0


def _rule_label(rule: str) -> str:
    """One hard rule, for one pair."""
    return {
        "self": _("the same person"),
        "same_manager": _("same manager"),
        "reporting_line": _("same reporting line"),
        "at_capacity": _("no free slot"),
        MANUAL_EXCLUSION: _("“never pair” rule"),
    }.get(rule, rule)


_RULE_NAMES = {
    "self": lambda n: ngettext("%(n)d is the same person", "%(n)d are the same person", n) % {"n": n},
    "same_manager": lambda n: ngettext("%(n)d has the same manager", "%(n)d have the same manager", n) % {"n": n},
    "reporting_line": lambda n: ngettext(
        "%(n)d is in the same reporting line", "%(n)d are in the same reporting line", n) % {"n": n},
    "at_capacity": lambda n: ngettext("%(n)d has no free slot", "%(n)d have no free slot", n) % {"n": n},
    MANUAL_EXCLUSION: lambda n: ngettext(
        "%(n)d is excluded by a “never pair” rule", "%(n)d are excluded by “never pair” rules", n) % {"n": n},
}


def unmatched_explanation(entry: dict[str, Any], people: dict[int, Person]) -> str:
    """Why one mentee stayed unmatched, in plain language."""
    reason, detail = entry.get("reason"), entry.get("detail") or {}
    if reason == CAPACITY_EXHAUSTED:
        n = detail.get("allowed_mentors", 0)
        return ngettext(
            "%(n)d mentor would fit, but their slots went to other mentees.",
            "%(n)d mentors would fit, but all their slots went to other mentees.", n) % {"n": n}
    if reason == NO_ALLOWED_MENTOR:
        rules = detail.get("rules") or {}
        if not rules:
            return _("No mentor has a free slot.")
        parts = [(_RULE_NAMES[r](n) if r in _RULE_NAMES else r) for r, n in sorted(rules.items())]
        return _("No mentor with a free slot may be paired with them: %(rules)s.") % {"rules": "; ".join(parts)}
    if reason == PIN_CONFLICT:
        mentor = people.get(detail.get("mentor"))
        name = mentor.full_name if mentor else "?"
        problem = detail.get("problem")
        if problem == "mentor_full":
            text = _("Pinned to %(mentor)s, who has no free slot left.")
        elif problem == "mentor_unavailable":
            text = _("Pinned to %(mentor)s, who is no longer a mentor in this program.")
        elif problem == "pinned_twice":
            text = _("Pinned to %(mentor)s and to another mentor; keep one pin.")
        else:
            rules = ", ".join(_rule_label(r) for r in detail.get("rules", []))
            text = _("Pinned to %(mentor)s, but the program's rules forbid this pair (%(rules)s).")
            return (text % {"mentor": name, "rules": rules}) + " " + _("Remove the pin or change it.")
        return (text % {"mentor": name}) + " " + _("Remove the pin or change it.")
    return str(reason)


def _names_pool() -> SimpleNamespace:
    """What :func:`adapter.reason_sentences` needs to name things (no profiles): read once per change
    of the vocabulary (``people.figures.kept``, the mentor pool's generation). Names are translated
    when a sentence is written, in the reader's language."""
    from tandem.people import figures

    return figures.kept("pool", ("names",), _names_pool_read)


def _names_pool_read() -> SimpleNamespace:
    return SimpleNamespace(
        competencies=list(Competency.objects.order_by("id")),
        topics=list(Topic.objects.order_by("id")),
        languages=list(Language.objects.order_by("id")),
    )


_RUN_LISTS = ("pairs", "unmatched")


class _JsonLength(Func):
    """The length of a JSON array column, in the database."""

    function = "jsonb_array_length"
    output_field = IntegerField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(compiler, connection, function="json_array_length", **extra)


def run_counts(run: MatchRun) -> tuple[int, int]:
    """(pairs, unmatched mentees) of a run, counted in the database (when :func:`latest_run` read the
    run, with it)."""
    if hasattr(run, "n_pairs"):
        return run.n_pairs or 0, run.n_unmatched or 0
    row = MatchRun.objects.filter(pk=run.pk).order_by().values_list(
        _JsonLength("pairs"), _JsonLength("unmatched")).first()
    return (row[0] or 0, row[1] or 0) if row else (0, 0)


def _by_mentee_name(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows ordered by their mentee's name (then id), as the bulk page lists them."""
    names = dict(Person.objects.filter(pk__in={r["mentee"] for r in rows}).values_list("pk", "full_name"))
    return sorted(rows, key=lambda r: (names.get(r["mentee"], ""), r["mentee"]))


def _page_in_db(run: MatchRun, column: str, page: tuple[int, int]) -> list[dict[str, Any]]:
    """One page (offset, limit) of a run's list (``pairs`` or ``unmatched``), by mentee name;
    only the page's entries come back (not the whole list decoded and sorted in Python). A run
    stored by name (``by_name``) is sliced by position; an older one is expanded, joined to its
    mentees and sorted by the database."""
    assert column in _RUN_LISTS
    offset, limit = page
    run_table = connection.ops.quote_name(MatchRun._meta.db_table)
    person_table = connection.ops.quote_name(Person._meta.db_table)
    if run.by_name:
        if connection.vendor == "postgresql":
            sql = (f"SELECT e.value FROM {run_table} r CROSS JOIN LATERAL jsonb_array_elements("
                   f"jsonb_path_query_array(r.{column}, ('$[' || %s || ' to ' || %s || ']')::jsonpath)) AS e(value)"
                   f" WHERE r.id = %s")
            params = [offset, offset + limit - 1, run.pk]
        else:
            sql = (f"SELECT e.value FROM {run_table} r, json_each(r.{column}) e"
                   f" WHERE r.id = %s AND e.key >= %s AND e.key < %s ORDER BY e.key")
            params = [run.pk, offset, offset + limit]
        with connection.cursor() as cur:
            cur.execute(sql, params)
            return [v if isinstance(v, dict) else json.loads(v) for (v,) in cur.fetchall()]
    if connection.vendor == "postgresql":
        sql = (f"SELECT e.value FROM {run_table} r CROSS JOIN LATERAL jsonb_array_elements(r.{column}) AS e(value)"
               f" JOIN {person_table} p ON p.id = (e.value->>'mentee')::bigint"
               f" WHERE r.id = %s ORDER BY p.full_name, p.id LIMIT %s OFFSET %s")
    else:
        sql = (f"SELECT e.value FROM {run_table} r, json_each(r.{column}) e"
               f" JOIN {person_table} p ON p.id = json_extract(e.value, '$.mentee')"
               f" WHERE r.id = %s ORDER BY p.full_name, p.id LIMIT %s OFFSET %s")
    with connection.cursor() as cur:
        cur.execute(sql, [run.pk, limit, offset])
        return [v if isinstance(v, dict) else json.loads(v) for (v,) in cur.fetchall()]


def _page_by_mentee_name(rows: list[dict[str, Any]], page: tuple[int, int] | None) -> list[dict[str, Any]]:
    """The rows of one page (offset, limit), ordered by their mentee's name, sorted in SQL."""
    if page is None or not rows:
        return rows
    offset, limit = page
    by_mentee = {r["mentee"]: r for r in rows}
    ids = Person.objects.filter(pk__in=list(by_mentee)).order_by("full_name", "pk").values_list("pk", flat=True)
    return [by_mentee[pk] for pk in ids[offset:offset + limit]]


def run_view(*, run: MatchRun, reasons_limit: int = 3, pairs_page: tuple[int, int] | None = None,
             unmatched_page: tuple[int, int] | None = None, counts: tuple[int, int] | None = None) -> RunView:
    """A run's pairs and unmatched mentees with people loaded and reasons in plain language.
    A fixed number of queries, whatever the size of the run. ``pairs_page`` / ``unmatched_page``
    ((offset, limit), by mentee name) load and explain one page only, so a page of the bulk
    match does not grow with the run: the page is read from the database, the run's lists are not
    decoded."""
    if pairs_page is not None and unmatched_page is not None and run.pk is not None:
        pair_count, unmatched_count = counts if counts is not None else run_counts(run)
        run_pairs = _page_in_db(run, "pairs", pairs_page) if pair_count else []
        run_unmatched = _page_in_db(run, "unmatched", unmatched_page) if unmatched_count else []
    else:
        pair_count, unmatched_count = len(run.pairs), len(run.unmatched)
        run_pairs = _page_by_mentee_name(run.pairs, pairs_page)
        run_unmatched = _page_by_mentee_name(run.unmatched, unmatched_page)
    ids = {p["mentee"] for p in run_pairs} | {p["mentor"] for p in run_pairs} | {u["mentee"] for u in run_unmatched}
    ids |= {u.get("detail", {}).get("mentor") for u in run_unmatched if u.get("detail", {}).get("mentor")}
    people = {p.pk: p for p in Person.objects.filter(pk__in=ids).select_related("department")}
    names = _names_pool() if run_pairs else None
    view = RunView(run=run, pair_count=pair_count, unmatched_count=unmatched_count)
    for p in run_pairs:
        if p["mentee"] not in people or p["mentor"] not in people:
            continue
        reasons = adapter.reasons_from_json(p.get("reasons", []))
        view.pairs.append(PairRow(
            mentee=people[p["mentee"]], mentor=people[p["mentor"]], score=p["score"], pinned=p.get("pinned", False),
            reasons=adapter.reason_sentences(names, reasons, limit=reasons_limit, voice="manager"),  # type: ignore[arg-type]
        ))
    for u in run_unmatched:
        if u["mentee"] in people:
            view.unmatched.append(UnmatchedRow(mentee=people[u["mentee"]], reason=u["reason"],
                                               explanation=unmatched_explanation(u, people)))
    view.pairs.sort(key=lambda r: (r.mentee.full_name, r.mentee.pk))
    view.unmatched.sort(key=lambda r: (r.mentee.full_name, r.mentee.pk))
    return view


# -- services --------------------------------------------------------------------------------


def _hard_rules(reasons: list[Any]) -> list[str]:
    return [r.detail.get("rule") for r in reasons if r.criterion == "excluded" and r.detail.get("rule") != "at_capacity"]


def _require_open(program: Program) -> None:
    if program.status == ProgramStatus.CLOSED:
        raise Conflict(_("The program is closed: nobody can be matched in it any more."), code="program_closed")
    if program.status == ProgramStatus.DRAFT:
        raise Conflict(_("The program is a draft: open it for enrolment before matching."), code="program_draft")


def mutual_pairing(total: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    """Exact pairing for a mutual program, where the same k people are on both sides (row a and
    column a are one person): a maximum-cardinality, maximum-weight matching on the general graph
    of pairs allowed both ways (Edmonds' blossom algorithm, networkx), weighted by the pair's mean
    score in both directions, scaled to integers so the algorithm is exact. Returns each row's
    partner or -1, each pair once, from its lower index (recorded as the mentee)."""
    import networkx as nx
    import numpy as np

    k = total.shape[0]
    graph = nx.Graph()
    graph.add_nodes_from(range(k))
    a_idx, b_idx = np.nonzero(np.triu(allowed & allowed.T, 1))
    weights = np.rint((total[a_idx, b_idx] + total[b_idx, a_idx]) * 500_000).astype(np.int64)
    graph.add_weighted_edges_from(zip(a_idx.tolist(), b_idx.tolist(), weights.tolist(), strict=True))
    partner = np.full(k, -1, dtype=np.int64)
    for a, b in nx.max_weight_matching(graph, maxcardinality=True):
        partner[min(a, b)] = max(a, b)
    return partner


# -- the preview, computed by the worker ---------------------------------------------------------
#
# The page or the API *requests* a preview (bulk_preview_request): a QUEUED run, created under a
# short lock of the program row, one active run per program (a second request gets the active one),
# and the task is enqueued on commit. The worker computes it (bulk_preview_run) without holding any
# lock: loading, scoring, solving and explaining report their progress; only the final save takes
# the program's and the run's row locks (the lock order of bulk_commit), for milliseconds. What
# changed in between is caught by bulk_commit, which re-checks everything the preview assumed.


@dataclass
class PreviewResult:
    pairs: list[dict[str, Any]]
    unmatched: list[dict[str, Any]]


Report = Callable[[str, int], None]


def _no_report(stage: str, percent: int) -> None:
    return None


def active_run(*, program: Program) -> MatchRun | None:
    """The preview being computed for the program (queued or running), if any; or the newest run if
    it failed and nothing newer succeeded (the page says why). Runs whose worker died are failed
    first, so this never shows one as running forever."""
    def newest() -> MatchRun | None:
        return MatchRun.objects.filter(program=program).exclude(status=RunStatus.DISCARDED).order_by(
            "-created_at", "-id").defer(*_RUN_LISTS).first()  # its status, not its pairs

    run = newest()
    if run is not None and run.status == RunStatus.RUNNING and jobs.is_stale(run):
        jobs.matching_jobs_fail_stale()
        run = newest()
    return run if run is not None and run.status in (*ACTIVE_RUN_STATUSES, RunStatus.FAILED) else None


@transaction.atomic
def bulk_preview_request(*, program: Program, user: Any) -> tuple[MatchRun, bool]:
    """Ask the worker for a preview of the program. Returns ``(run, created)``: a new QUEUED run
    (its task enqueued once this commits), or the one already queued or running (``created`` is
    False): one preview at a time per program. Refused for a closed program. Fast at any size."""
    jobs.matching_jobs_fail_stale()  # a run whose worker died must not block new requests
    program = Program.objects.select_for_update().get(pk=program.pk)  # two requests: one run
    _require_open(program)
    active = MatchRun.objects.filter(program=program, status__in=ACTIVE_RUN_STATUSES).order_by("-id").first()
    if active is not None:
        return active, False
    run = MatchRun.objects.create(
        program=program, created_by=user if getattr(user, "is_authenticated", False) else None,
        status=RunStatus.QUEUED, language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    from tandem.matching.tasks import compute_bulk_preview

    enqueue_on_commit(compute_bulk_preview, run.pk)
    return run, True


def bulk_preview_run(*, run_id: int) -> None:
    """The task's body: claim the queued run, compute it with progress, save it as the PREVIEW
    (discarding the program's previous one). A run that is not queued is left alone. A failure
    (the program closed meanwhile, an unexpected error) marks the run FAILED with a message and
    tells the requester (``bulk.preview_failed``); success emits ``bulk.preview_ready``."""
    if not jobs.claim(MatchRun, run_id):
        return
    run = MatchRun.objects.select_related("program").get(pk=run_id)

    def report(stage: str, percent: int) -> None:
        jobs.progress(MatchRun, run_id, stage=stage, percent=percent)

    with translation.override(run.language or settings.LANGUAGE_CODE):
        try:
            _require_open(run.program)
            result = _compute_preview(run.program, report)
            report(JobStage.SAVING, 99)
            _save_preview(run_id, result)
        except jobs.JobAbandoned:
            logger.warning("bulk preview %s was marked failed while running; its result is dropped", run_id)
        except ApplicationError as exc:
            _preview_failed(run, str(exc.message), reason="refused")
        except Exception:
            logger.exception("bulk preview %s stopped", run_id)
            _preview_failed(run, _("The preview stopped on an unexpected error; nothing was saved. "
                                   "Run it again, and tell the administrator if this happens again."),
                            reason="error")
            raise


def _preview_failed(run: MatchRun, message: str, *, reason: str) -> None:
    with transaction.atomic():
        if jobs.fail(MatchRun, run.pk, message):
            events.emit("bulk.preview_failed", program_id=run.program_id, run_id=run.pk, reason=reason)


def _save_preview(run_id: int, result: PreviewResult) -> None:
    with transaction.atomic():
        program_id = MatchRun.objects.values_list("program_id", flat=True).get(pk=run_id)
        program = Program.objects.select_for_update().get(pk=program_id)  # lock order: program, then runs
        run = MatchRun.objects.select_for_update().get(pk=run_id)
        if run.status != RunStatus.RUNNING:
            raise jobs.JobAbandoned(run_id)
        _require_open(program)
        now = timezone.now()
        MatchRun.objects.filter(program=program, status=RunStatus.PREVIEW).update(
            status=RunStatus.DISCARDED, updated_at=now)
        run.status = RunStatus.PREVIEW
        run.pairs, run.unmatched = _by_mentee_name(result.pairs), _by_mentee_name(result.unmatched)
        run.by_name = True
        run.total_score = round(sum(p["score"] for p in result.pairs), 4)
        run.progress, run.stage, run.finished_at, run.heartbeat_at = 100, "", now, now
        run.save(update_fields=["status", "pairs", "unmatched", "by_name", "total_score", "progress", "stage",
                                "finished_at", "heartbeat_at", "updated_at"])
        events.emit("bulk.preview_ready", program_id=program.pk, run_id=run.pk)


def bulk_preview(*, program: Program, user: Any) -> MatchRun:
    """Request a preview and compute it now, in this process (tests, the demo, benchmarks,
    scripts; pages and the API only request one). Returns the run, normally a PREVIEW; raises the
    refusal of a closed program, or an :class:`ApplicationError` with the run's message if it failed."""
    run, _created = bulk_preview_request(program=program, user=user)
    bulk_preview_run(run_id=run.pk)  # a no-op if the task backend already ran it on commit
    run.refresh_from_db()
    if run.status == RunStatus.FAILED:
        raise ApplicationError(run.error, code="preview_failed", status=409)
    return run


def _compute_preview(program: Program, report: Report = _no_report) -> PreviewResult:
    """The best assignment of every unmatched mentee, with the reasons of every outcome. Reads
    only (no lock, no write); ``report(stage, percent)`` is called as it goes."""
    import numpy as np

    from tandem.matching.engine.assignment import optimal_assignment
    from tandem.matching.engine.scoring import score_matrix

    report(JobStage.LOADING, 1)
    mentees = mentees_to_match(program=program)
    slots = free_slots(program=program)
    mentors = sorted(Person.objects.filter(pk__in=slots, is_active=True), key=lambda p: p.pk)
    mentees.sort(key=lambda p: p.pk)
    pool = adapter.load_pool(program, mentees=mentees, mentors=mentors)
    report(JobStage.SCORING, 25)
    sm = score_matrix(pool.mentee_profiles, pool.mentor_profiles, adapter.weights_for(program))
    m, n = sm.shape
    mi, mj = pool.mentee_index(), pool.mentor_index()
    allowed = np.array(sm.allowed, dtype=bool, copy=True)
    manual = np.zeros((m, n), dtype=bool)
    cap = np.array([slots[p.pk] for p in mentors], dtype=np.int64)

    constraints = list(MatchConstraint.objects.filter(program=program).order_by("id"))
    for c in constraints:
        if c.kind == ConstraintKind.EXCLUDE and c.mentee_id in mi and c.mentor_id in mj:
            manual[mi[c.mentee_id], mj[c.mentor_id]] = True
    allowed &= ~manual

    pairs: list[dict[str, Any]] = []
    unmatched: list[dict[str, Any]] = []
    assigned = np.full(m, -1, dtype=np.int64)
    settled = np.zeros(m, dtype=bool)  # pinned or pin-conflicted: not for the optimiser
    for c in constraints:
        if c.kind != ConstraintKind.PIN or c.mentee_id not in mi:
            continue  # a pin of a mentee who already has a mentor is fulfilled or moot
        i = mi[c.mentee_id]
        problem: dict[str, Any] | None = None
        if settled[i]:
            problem = {"problem": "pinned_twice"}
        elif c.mentor_id not in mj:
            enrolled = Enrolment.objects.filter(program=program, person_id=c.mentor_id,
                                                status=EnrolmentStatus.ACTIVE).exists()
            problem = {"problem": "mentor_full" if enrolled else "mentor_unavailable"}
        else:
            j = mj[c.mentor_id]
            rules = _hard_rules(sm.explain(i, j))
            if rules:
                problem = {"problem": "rule", "rules": rules}
            elif cap[j] <= 0:
                problem = {"problem": "mentor_full"}
            else:
                cap[j] -= 1
                assigned[i] = j
                settled[i] = True
                pairs.append({"mentee": c.mentee_id, "mentor": c.mentor_id, "score": round(float(sm.total[i, j]), 4),
                              "pinned": True, "reasons": adapter.reasons_json(sm.explain(i, j))})
                continue
        if not settled[i]:
            settled[i] = True
            unmatched.append({"mentee": c.mentee_id, "reason": PIN_CONFLICT, "detail": {"mentor": c.mentor_id,
                                                                                         **problem}})
        # a second pin for an already pinned mentee is reported on the constraint form only

    report(JobStage.SOLVING, 50)
    if _is_mutual(program):
        # One pool on both sides: each person in at most one pair (a general matching).
        used = {pool.mentors[int(j)].pk for j in assigned if j >= 0} | {
            pool.mentees[int(i)].pk for i in np.flatnonzero(settled)}
        common = [p.pk for p in pool.mentees if p.pk in mj and p.pk not in used]
        r_idx = np.array([mi[pk] for pk in common], dtype=np.int64)
        c_idx = np.array([mj[pk] for pk in common], dtype=np.int64)
        partner = mutual_pairing(np.asarray(sm.total)[np.ix_(r_idx, c_idx)], allowed[np.ix_(r_idx, c_idx)])
        as_mentor = set()
        for a, b in enumerate(partner):
            if b >= 0:
                assigned[r_idx[a]] = c_idx[b]
                as_mentor.add(int(r_idx[b]))
        rows = np.array([i for i in np.flatnonzero(~settled) if int(i) not in as_mentor], dtype=np.int64)
    else:
        rows = np.flatnonzero(~settled)
        if rows.size and n:
            result = optimal_assignment(np.asarray(sm.total)[rows], cap, allowed[rows])
            assigned[rows] = result
    report(JobStage.EXPLAINING, 80)
    step = max(1, len(rows) // 10)
    for k, i in enumerate(rows):
        if k and k % step == 0:
            report(JobStage.EXPLAINING, 80 + (19 * k) // len(rows))  # and a heartbeat
        j = int(assigned[i])
        mentee = pool.mentees[i]
        if j >= 0:
            pairs.append({"mentee": mentee.pk, "mentor": pool.mentors[j].pk, "score": round(float(sm.total[i, j]), 4),
                          "pinned": False, "reasons": adapter.reasons_json(sm.explain(int(i), j))})
        elif allowed[i].any():
            unmatched.append({"mentee": mentee.pk, "reason": CAPACITY_EXHAUSTED,
                              "detail": {"allowed_mentors": int(allowed[i].sum())}})
        else:
            rules: Counter[str] = Counter()
            for jj in range(n):
                if manual[i, jj]:
                    rules[MANUAL_EXCLUSION] += 1
                for rule in set(_hard_rules(sm.explain(int(i), jj))):
                    rules[rule] += 1
            unmatched.append({"mentee": mentee.pk, "reason": NO_ALLOWED_MENTOR, "detail": {"rules": dict(rules)}})

    return PreviewResult(pairs=pairs, unmatched=unmatched)


def _stale(message: str) -> Conflict:
    return Conflict(_("%(problem)s Nothing was saved: run the preview again.") % {"problem": message},
                    code="preview_outdated")


@transaction.atomic
def bulk_commit(*, run: MatchRun, user: Any) -> int:
    """Create the run's pairs as mentorships (all or nothing). Returns how many were created."""
    # Locks in one order everywhere (program, then run, then enrolments): the preview locks the
    # program too, and inserting mentorships takes a key-share lock on it, so locking the run first
    # deadlocked against a concurrent preview on PostgreSQL.
    program_id = MatchRun.objects.values_list("program_id", flat=True).get(pk=run.pk)
    Program.objects.select_for_update().get(pk=program_id)
    run = MatchRun.objects.select_for_update().select_related("program").get(pk=run.pk)
    if run.status == RunStatus.COMMITTED:
        raise Conflict(_("This preview has already been committed."), code="already_committed")
    if run.status != RunStatus.PREVIEW:
        raise Conflict(_("This preview was discarded; run the preview again."), code="run_discarded")
    program = run.program
    _require_open(program)
    mentor_ids = {p["mentor"] for p in run.pairs}
    mentee_ids = {p["mentee"] for p in run.pairs}
    # Lock the mentors' enrolments: concurrent commits and requests serialise on them.
    enrolments = list(
        Enrolment.objects.select_for_update().filter(program=program, person_id__in=mentor_ids | mentee_ids,
                                                     status=EnrolmentStatus.ACTIVE).order_by("id")
    )
    mutual = _is_mutual(program)
    mentor_roles = {e.person_id: e for e in enrolments if mutual or e.role == EnrolmentRole.MENTOR}
    mentee_roles = {e.person_id for e in enrolments if mutual or e.role == EnrolmentRole.MENTEE}
    names = dict(Person.objects.filter(pk__in=mentor_ids | mentee_ids).values_list("id", "full_name"))
    for pid in sorted(mentor_ids - set(mentor_roles)):
        raise _stale(_("%(name)s is no longer a mentor in this program.") % {"name": names.get(pid, pid)})
    for pid in sorted(mentee_ids - mentee_roles):
        raise _stale(_("%(name)s is no longer a mentee in this program.") % {"name": names.get(pid, pid)})
    for mentee_id in sorted(_matched_mentee_ids(program) & mentee_ids):
        raise _stale(_("%(name)s got a mentor since the preview.") % {"name": names.get(mentee_id, mentee_id)})
    slots = free_slots(program=program)
    wanted = Counter(p["mentor"] for p in run.pairs)
    for pid, k in sorted(wanted.items()):
        if slots.get(pid, 0) < k:
            raise _stale(_("%(name)s has fewer free slots than the preview assumed.") % {"name": names.get(pid, pid)})
    # the worker read the constraints when it started computing (a rule added while the run was
    # queued is in the preview; one added since is not)
    if MatchConstraint.objects.filter(program=program, created_at__gte=run.started_at or run.created_at).exists():
        raise _stale(_("A pin or an exclusion was added since the preview."))
    pinned = dict(MatchConstraint.objects.filter(program=program, kind=ConstraintKind.PIN).values_list(
        "mentee_id", "mentor_id"))
    for p in run.pairs:
        if pinned.get(p["mentee"], p["mentor"]) != p["mentor"]:
            raise _stale(_("%(mentee)s is now pinned to another mentor.") % {"mentee": names.get(p["mentee"])})
    excluded = set(MatchConstraint.objects.filter(program=program, kind=ConstraintKind.EXCLUDE).values_list(
        "mentee_id", "mentor_id"))
    for p in run.pairs:
        if (p["mentee"], p["mentor"]) in excluded:
            raise _stale(_("%(mentee)s and %(mentor)s may no longer be paired.") % {
                "mentee": names.get(p["mentee"]), "mentor": names.get(p["mentor"])})
    mentorship_services.mentorships_create_paired(program=program, pairs=run.pairs, origin=MentorshipOrigin.BULK,
                                                  actor=authz.actor_for(user) if user is not None else None)
    events.emit("bulk.committed", program_id=program.pk, run_id=run.pk)
    run.status = RunStatus.COMMITTED
    run.committed_at = timezone.now()
    run.save(update_fields=["status", "committed_at", "updated_at"])
    return len(run.pairs)


@transaction.atomic
def bulk_discard(*, run: MatchRun, user: Any) -> MatchRun:
    run = MatchRun.objects.select_for_update().get(pk=run.pk)
    if run.status != RunStatus.PREVIEW:
        raise Conflict(_("Only a preview can be discarded."), code="not_a_preview")
    run.status = RunStatus.DISCARDED
    run.save(update_fields=["status", "updated_at"])
    return run


def _enrolled(program: Program, person: Person, role: str) -> bool:
    qs = Enrolment.objects.filter(program=program, person=person, status=EnrolmentStatus.ACTIVE)
    if not _is_mutual(program):
        qs = qs.filter(role=role)
    return qs.exists()


@transaction.atomic
def constraint_add(*, program: Program, mentee: Person, mentor: Person, kind: str, user: Any) -> MatchConstraint:
    """Pin ("always pair") or exclude ("never pair") one mentee–mentor pair. Replaces an earlier
    constraint on the same pair."""
    errors: dict[str, list[str]] = {}
    if kind not in ConstraintKind.values:
        errors["kind"] = [_("Choose “always pair” or “never pair”.")]
    if mentee.pk == mentor.pk:
        errors["mentor"] = [_("A person cannot be paired with themselves.")]
    if not _enrolled(program, mentee, EnrolmentRole.MENTEE):
        errors["mentee"] = [_("%(name)s is not a mentee in this program.") % {"name": mentee.full_name}]
    if not _enrolled(program, mentor, EnrolmentRole.MENTOR):
        errors.setdefault("mentor", []).append(
            _("%(name)s is not a mentor in this program.") % {"name": mentor.full_name})
    if errors:
        raise ValidationFailed(errors)
    Program.objects.select_for_update().get(pk=program.pk)  # the lock order of preview and commit
    list(Enrolment.objects.select_for_update().filter(program=program, person=mentor))  # serialise pins
    MatchConstraint.objects.filter(program=program, mentee=mentee, mentor=mentor).delete()
    if kind == ConstraintKind.PIN:
        _validate_pin(program=program, mentee=mentee, mentor=mentor)
    return MatchConstraint.objects.create(program=program, mentee=mentee, mentor=mentor, kind=kind,
                                          created_by=user if getattr(user, "is_authenticated", False) else None)


def _validate_pin(*, program: Program, mentee: Person, mentor: Person) -> None:
    from tandem.matching.engine.scoring import score_matrix

    if Mentorship.objects.filter(program=program, mentee=mentee, status__in=OPEN_STATUSES).exists():
        raise ValidationFailed({"mentee": [_("%(name)s already has a mentor in this program.") % {
            "name": mentee.full_name}]})
    other = MatchConstraint.objects.filter(program=program, mentee=mentee, kind=ConstraintKind.PIN).select_related(
        "mentor").first()
    if other is not None:
        raise ValidationFailed({"mentee": [_("%(name)s is already pinned to %(mentor)s; remove that pin first.") % {
            "name": mentee.full_name, "mentor": other.mentor.full_name}]})
    free = free_slots(program=program).get(mentor.pk, 0)
    pinned = MatchConstraint.objects.filter(
        program=program, mentor=mentor, kind=ConstraintKind.PIN).exclude(
        mentee_id__in=_matched_mentee_ids(program)).count()
    if free - pinned <= 0:
        raise ValidationFailed({"mentor": [_("%(name)s has no free slot left for another pin.") % {
            "name": mentor.full_name}]})
    pool = adapter.load_pool(program, mentees=[mentee], mentors=[mentor])
    sm = score_matrix(pool.mentee_profiles, pool.mentor_profiles, adapter.weights_for(program))
    rules = _hard_rules(sm.explain(0, 0))
    if rules:
        names = ", ".join(_rule_label(r) for r in rules)
        raise ValidationFailed({"mentor": [_("The program's rules forbid this pair: %(rules)s.") % {"rules": names}]})


@transaction.atomic
def constraint_remove(*, program: Program, mentee: Person, mentor: Person, user: Any) -> None:
    deleted, _rows = MatchConstraint.objects.filter(program=program, mentee=mentee, mentor=mentor).delete()
    if not deleted:
        raise NotFound(_("There is no pin or exclusion for this pair."))
