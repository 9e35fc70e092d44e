"""Load a program's people from the database into the engine's arrays, and turn the engine's
machine-readable reasons into plain, translated sentences. The only place Django meets NumPy."""

from __future__ import annotations

import datetime
import math
import zoneinfo
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from django.db import connection, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from tandem.assessments.survey_selectors import mentor_rating_values
from tandem.mentorships.models import OPEN_STATUSES, Mentorship
from tandem.people.models import (
    CommunicationStyle,
    Competency,
    CurrentLevel,
    JobProfileRequirement,
    Language,
    Person,
    PersonTopic,
    Topic,
    TopicInterest,
)
from tandem.programs.models import Enrolment, EnrolmentRole, EnrolmentStatus, Program, ProgramType

if TYPE_CHECKING:
    from tandem.matching.engine import Profiles, Weights
    from tandem.matching.engine.scoring import Reason

# The engine (NumPy, SciPy, numba) is imported inside the functions that build its inputs, on
# first use: loading the URLs in a web worker must not import it.

STYLES = list(CommunicationStyle.values)
CHAIN_DEPTH = 8


@dataclass
class Pool:
    """People of one program as engine arrays; index i of ``mentees`` is row i of the matrix."""

    program: Program
    mentees: list[Person]
    mentors: list[Person]
    mentee_profiles: Profiles
    mentor_profiles: Profiles
    competencies: list[Competency]
    topics: list[Topic]
    languages: list[Language]

    def mentor_index(self) -> dict[int, int]:
        return {p.pk: j for j, p in enumerate(self.mentors)}

    def mentee_index(self) -> dict[int, int]:
        return {p.pk: i for i, p in enumerate(self.mentees)}


def weights_for(program: Program) -> Weights:
    from tandem.matching.engine import Weights

    mode = {ProgramType.REVERSE: "reverse", ProgramType.MUTUAL: "mutual"}.get(program.program_type, "classic")
    return Weights(mode=mode)


class PersonRow(NamedTuple):
    """The columns of a person the engine reads (a :class:`Person` has the same attributes): loading
    a program's 2,500 mentors as these tuples instead of model instances with their department and
    job profile saves most of a recommendation's time."""

    pk: int
    manager_id: int | None
    job_profile_id: int | None
    communication_style: str
    time_zone: str
    department_id: int | None


_ROW_FIELDS = ("id", "manager_id", "job_profile_id", "communication_style", "time_zone", "department_id")


def _program_people_qs(program: Program, role: str):
    return Person.objects.filter(
        enrolments__program=program, enrolments__role=role, enrolments__status=EnrolmentStatus.ACTIVE,
        is_active=True,
    ).order_by("id")


def program_people(program: Program, role: str) -> list[Person]:
    return list(_program_people_qs(program, role).select_related("department", "job_profile"))


def program_rows(program: Program, role: str) -> list[PersonRow]:
    """The program's active people in this role, by id, as the engine's columns only."""
    return [PersonRow(*row) for row in _program_people_qs(program, role).values_list(*_ROW_FIELDS)]


def _utc_offset_minutes(tz: str, now: datetime.datetime) -> int:
    try:
        off = now.astimezone(zoneinfo.ZoneInfo(tz)).utcoffset()
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return 0
    return int(off.total_seconds() // 60) if off else 0


def _ids_param(ids: list[int]) -> tuple[str, list[Any]]:
    """A condition "id is one of these" with the ids as one parameter (a PostgreSQL array, an
    SQLite JSON array): one short statement for any number of ids."""
    if connection.vendor == "postgresql":
        return "= ANY(%s::bigint[])", [list(ids)]
    import json

    return "IN (SELECT value FROM json_each(%s))", [json.dumps(list(ids))]


def _in_ids(manager: Any, column: str, ids: list[int]) -> QuerySet:
    """The rows whose ``column`` is one of ``ids`` (as one parameter), unordered."""
    cond, params = _ids_param(ids)
    name = f"{connection.ops.quote_name(manager.model._meta.db_table)}.{connection.ops.quote_name(column)}"
    return manager.extra(where=[f"{name} {cond}"], params=params).order_by()


def _person_in(manager: Any, ids: list[int]) -> QuerySet:
    """The rows of these people (``person_id`` one of ``ids``), unordered."""
    return _in_ids(manager, "person_id", ids)


def _manager_links(start: set[int]) -> dict[int, int | None]:
    """``id -> manager_id`` of these people and their managers up to CHAIN_DEPTH levels above, in one
    recursive query that walks up from them only (never the manager links of the organisation)."""
    if not start:
        return {}
    table = connection.ops.quote_name(Person._meta.db_table)
    cond, params = _ids_param(sorted(start))
    sql = (f"WITH RECURSIVE up(id, manager_id, depth) AS ("
           f" SELECT p.id, p.manager_id, 1 FROM {table} p WHERE p.id {cond}"
           f" UNION"  # each step looks one manager up by its key (a join let PostgreSQL hash all people)
           f" SELECT up.manager_id, (SELECT m.manager_id FROM {table} m WHERE m.id = up.manager_id), up.depth + 1"
           f" FROM up WHERE up.manager_id IS NOT NULL AND up.depth < %s"
           f") SELECT DISTINCT id, manager_id FROM up")
    with transaction.atomic(), connection.cursor() as cur:
        if connection.vendor == "postgresql":
            # PostgreSQL estimates a recursive step at ten times its seed: for 2,000 seeds it would
            # JIT-compile this 8 ms walk for 150 ms (only for this transaction)
            cur.execute("SET LOCAL jit = off")
        cur.execute(sql, [*params, CHAIN_DEPTH - 1])  # links of the managers up to CHAIN_DEPTH - 1 above
        return dict(cur.fetchall())


def _manager_chains(people: list[Any]) -> dict[int, list[int]]:
    """Each person's managers, nearest first, up to CHAIN_DEPTH.

    One query walks up from these people's managers only, whatever the depth: the cost grows with
    the pool, not with the organisation."""
    manager_of: dict[int, int | None] = {p.pk: p.manager_id for p in people}
    manager_of.update({k: v for k, v in _manager_links(
        {m for m in manager_of.values() if m is not None} - manager_of.keys()).items() if k not in manager_of})
    chains = {}
    for p in people:
        chain, cur, seen = [], manager_of.get(p.pk), {p.pk}
        while cur is not None and len(chain) < CHAIN_DEPTH and cur not in seen:
            chain.append(cur)
            seen.add(cur)
            cur = manager_of.get(cur)
        chains[p.pk] = chain
    return chains


def _profiles(
    people: list[Any],
    *,
    comp_index: dict[int, int],
    topic_index: dict[int, int],
    lang_index: dict[int, int],
    load: dict[int, int],
    capacity: dict[int, int],
) -> Profiles:
    """The engine's arrays for these people (:class:`Person` or :class:`PersonRow`), filled from a
    few set-based reads of the needed columns, without a record per person. The ids go to the
    database as one array parameter: an index lookup per person, no IN list of 2,500 literals to
    build and parse, and no join that would let the planner scan every active person."""
    import numpy as np

    from tandem.matching.engine import Profiles

    n = len(people)
    ids = [p.pk for p in people]
    row = {pid: i for i, pid in enumerate(ids)}
    n_comp, n_topic, n_lang = len(comp_index), len(topic_index), len(lang_index)
    level = np.zeros((n, n_comp))
    for pid, cid, value in _person_in(CurrentLevel.objects, ids).values_list(
            "person_id", "competency_id", "level"):
        level[row[pid], comp_index[cid]] = value
    jobs = sorted({p.job_profile_id for p in people if p.job_profile_id})
    job_row = {jid: k for k, jid in enumerate(jobs)}
    by_job = np.zeros((len(jobs) + 1, n_comp))  # the last row: no job profile, no targets
    for jid, cid, t in JobProfileRequirement.objects.filter(job_profile_id__in=jobs).order_by().values_list(
        "job_profile_id", "competency_id", "target_level"
    ):
        by_job[job_row[jid], comp_index[cid]] = t
    target = by_job[np.array([job_row.get(p.job_profile_id, len(jobs)) for p in people], dtype=np.int64)]
    teach = np.zeros((n, n_topic), dtype=bool)
    learn = np.zeros((n, n_topic), dtype=bool)
    for pid, tid, interest in _person_in(PersonTopic.objects, ids).values_list(
            "person_id", "topic_id", "interest"):
        (teach if interest == TopicInterest.CAN_TEACH else learn)[row[pid], topic_index[tid]] = True
    langs = np.zeros((n, n_lang), dtype=bool)
    for pid, lid in _person_in(Person.languages.through.objects, ids).values_list(
            "person_id", "language_id"):
        langs[row[pid], lang_index[lid]] = True
    chains = _manager_chains(people)
    chain = np.full((n, CHAIN_DEPTH), -1, dtype=np.int64)
    for i, p in enumerate(people):
        c = chains[p.pk]
        chain[i, :len(c)] = c
    # assessments: the mentees' anonymous, thresholded mentor-effectiveness rating (None: the prior)
    ratings = mentor_rating_values(ids)
    now = timezone.now()
    offsets: dict[str, int] = {}
    style_code = {s: k for k, s in enumerate(STYLES)}
    for p in people:
        if p.time_zone not in offsets:
            offsets[p.time_zone] = _utc_offset_minutes(p.time_zone, now)
    return Profiles(
        person_id=np.array(ids, dtype=np.int64),
        level=level,
        target=target,
        can_teach=teach,
        want_learn=learn,
        style=np.array([style_code.get(p.communication_style, -1) for p in people], dtype=np.int64),
        languages=langs,
        utc_offset_minutes=np.array([offsets[p.time_zone] for p in people], dtype=np.int64),
        department=np.array([-1 if p.department_id is None else p.department_id for p in people], dtype=np.int64),
        manager_chain=chain,
        load=np.array([load.get(pid, 0) for pid in ids], dtype=np.int64),
        capacity=np.array([capacity.get(pid, 0) for pid in ids], dtype=np.int64),
        rating=np.array([ratings.get(pid, math.nan) for pid in ids], dtype=np.float64),
    )


def mentor_slots(program: Program) -> dict[int, tuple[int, int]]:
    """For each active mentor of the program: (open mentorships in it, capacity), by the one
    capacity rule of :func:`tandem.mentorships.selectors.program_slots` (the same formula;
    tests/matching/test_recommendations_fast.py holds the two equal). Read once per change of the
    program's enrolments, the people's limits or the pairs (``people.figures.kept``, the pool's
    generation); a copy, so the caller may change it."""
    from tandem.people import figures

    return dict(figures.kept("pool", ("slots", program.pk), lambda: _mentor_side(program)[1]))


def _mentor_side(program: Program) -> tuple[list[PersonRow], dict[int, tuple[int, int]]]:
    """The program's active mentors as :class:`PersonRow` (by id) and every active mentor
    enrolment's slots, in three reads bounded by the program: its enrolments; those people by key
    (the engine's columns and their limit across programs); their open pairs by mentor. (One join
    of the three let PostgreSQL scan all people and all pairs of the company.)"""
    enrolments = list(Enrolment.objects.filter(program=program, role=EnrolmentRole.MENTOR,
                                               status=EnrolmentStatus.ACTIVE).order_by()
                      .values_list("person_id", "capacity"))
    ids = sorted({pid for pid, _cap in enrolments})
    if not ids:
        return [], {}
    rows, personal = [], {}
    for *columns, limit, active in _in_ids(Person.objects, "id", ids).order_by("id").values_list(
            *_ROW_FIELDS, "mentor_capacity", "is_active"):
        personal[columns[0]] = limit
        if active:
            rows.append(PersonRow(*columns))
    counts = {mid: (here, overall) for mid, here, overall in
              _in_ids(Mentorship.objects, "mentor_id", ids).filter(status__in=OPEN_STATUSES)
              .values_list("mentor_id").annotate(here=Count("id", filter=Q(program=program)), overall=Count("id"))
              .values_list("mentor_id", "here", "overall")}
    slots = {}
    for person_id, own in enrolments:
        limit = personal.get(person_id, 0)
        local = own if own is not None else program.default_mentor_capacity
        load, overall = counts.get(person_id, (0, 0))
        free = min(min(local, limit) - load, limit - overall)
        slots[person_id] = (load, load + max(0, free))
    return rows, slots


def load_pool(program: Program, *, mentees: list[Person] | None = None, mentors: list[Person] | None = None) -> Pool:
    """Mentees and mentors of the program as engine profiles. In a mutual program everyone
    enrolled is on both sides. The sides not given are read as :class:`PersonRow` (the engine's
    columns, not model instances)."""
    slots: dict[int, tuple[int, int]] | None = None
    if program.program_type == ProgramType.MUTUAL:
        if mentees is None or mentors is None:
            everyone = sorted(
                {p.pk: p for p in program_rows(program, EnrolmentRole.MENTEE) + program_rows(program, EnrolmentRole.MENTOR)}.values(),
                key=lambda p: p.pk,
            )
        mentees = mentees if mentees is not None else everyone
        mentors = mentors if mentors is not None else everyone
    else:
        if mentees is None:
            mentees = program_rows(program, EnrolmentRole.MENTEE)
        if mentors is None:  # the program's mentors as the engine sees them, read once per change
            mentors, slots, (competencies, topics, languages), mentor_profiles = _cached_mentor_side(program)
            mentors, slots = list(mentors), dict(slots)  # the kept ones stay as read
            load = {pid: s[0] for pid, s in slots.items()}
            capacity = {pid: s[1] for pid, s in slots.items()}
            return Pool(program=program, mentees=mentees, mentors=mentors,
                        mentee_profiles=_profiles(mentees, load=load, capacity=capacity,
                                                  **_indexes(competencies, topics, languages)),
                        mentor_profiles=mentor_profiles, competencies=competencies, topics=topics,
                        languages=languages)
    competencies, topics, languages = _vocabulary()
    idx = _indexes(competencies, topics, languages)
    if slots is None:
        slots = mentor_slots(program)
    if program.program_type == ProgramType.MUTUAL:
        # Everyone both teaches and learns: one partner each, unless enrolled with more.
        slots = {p.pk: slots.get(p.pk, (0, 1)) for p in mentors}
        mutual_load = dict(
            Mentorship.objects.filter(program=program, status__in=OPEN_STATUSES)
            .values_list("mentee_id").annotate(n=Count("id"))
        )
        slots = {pid: (load + mutual_load.get(pid, 0), cap) for pid, (load, cap) in slots.items()}
    load = {pid: s[0] for pid, s in slots.items()}
    capacity = {pid: s[1] for pid, s in slots.items()}
    return Pool(
        program=program,
        mentees=mentees,
        mentors=mentors,
        mentee_profiles=_profiles(mentees, load=load, capacity=capacity, **idx),
        mentor_profiles=_profiles(mentors, load=load, capacity=capacity, **idx),
        competencies=competencies,
        topics=topics,
        languages=languages,
    )


def _vocabulary() -> tuple[list[Competency], list[Topic], list[Language]]:
    return (list(Competency.objects.order_by("id")), list(Topic.objects.order_by("id")),
            list(Language.objects.order_by("id")))


def _indexes(competencies: list, topics: list, languages: list) -> dict[str, dict[int, int]]:
    return {
        "comp_index": {c.pk: k for k, c in enumerate(competencies)},
        "topic_index": {t.pk: k for k, t in enumerate(topics)},
        "lang_index": {lang.pk: k for k, lang in enumerate(languages)},
    }


def _cached_mentor_side(program: Program) -> tuple:
    """A classic or reverse program's mentor side (its mentors, their slots, the vocabulary and the
    engine's profiles of the mentors), kept in this process per program and reused while the
    *pool generation* (``people.figures``: bumped by database triggers on every committed write of
    what the profiles are read from -- people, levels, targets, topics, languages, enrolments,
    programs, pairs, the mentor-effectiveness surveys) has not moved, for at most
    ``people.figures.MAX_AGE`` (the time zones' offsets and the ratings' month move with the clock).
    A mentee's recommendations then read their own profile only: at 1,250 mentors the mentor side
    was ~80 % of the page. (PostgreSQL, outside transactions: ``people.figures.kept``.)"""
    from tandem.people import figures

    def read() -> tuple:
        mentors, slots = _mentor_side(program)
        competencies, topics, languages = _vocabulary()
        load = {pid: s[0] for pid, s in slots.items()}
        capacity = {pid: s[1] for pid, s in slots.items()}
        profiles = _profiles(mentors, load=load, capacity=capacity, **_indexes(competencies, topics, languages))
        return mentors, slots, (competencies, topics, languages), profiles

    return figures.kept("pool", program.pk, read)


# -- reasons in plain language -------------------------------------------------------------


#: What each criterion of the score is, as the recommendation's explanation names it.
CRITERION_LABELS = {
    "gap": gettext_lazy("the competency gaps the mentor covers"),
    "topics": gettext_lazy("topics one wants to learn and the other can teach"),
    "reciprocity": gettext_lazy("both learning from each other"),
    "style": gettext_lazy("compatible communication styles"),
    "language": gettext_lazy("a shared language"),
    "timezone": gettext_lazy("close time zones"),
    "load": gettext_lazy("the mentor's free slots"),
    "rating": gettext_lazy("the mentor's rating by earlier mentees"),
    "cross_department": gettext_lazy("coming from another department"),
}
#: A time difference from this many hours on is something to be aware of, not a reason to choose.
CONCERN_HOURS = 3
#: A mentor rating below this (of 5) is something to be aware of.
CONCERN_RATING = 3.0


@dataclass(frozen=True)
class ScoreScale:
    """What a match score is out of, and the criteria by weight (heaviest first)."""

    out_of: float
    criteria: list[tuple[str, float]]


def score_scale(weights: Weights) -> ScoreScale:
    """Each criterion adds at most its weight (in mutual mode the two directions share it, and
    reciprocity adds its own), so the best possible score is the sum of the weights used."""
    names = ["gap", "topics", "style", "language", "timezone", "load", "rating", "cross_department"]
    if weights.mode == "mutual":
        names.insert(2, "reciprocity")
    rows = [(str(CRITERION_LABELS[n]), float(getattr(weights, n))) for n in names if getattr(weights, n) > 0]
    rows.sort(key=lambda r: -r[1])
    return ScoreScale(out_of=sum(w for _label, w in rows), criteria=rows)


def reason_sentences(pool: Pool, reasons: list[Reason], *, limit: int = 6, voice: str = "mentee") -> list[str]:
    """Plain-language reasons, strongest first. ``voice="mentee"`` speaks to the mentee ("covers
    your gap in Negotiation: 2 levels"); ``voice="manager"`` describes the pair ("covers the
    mentee's gap in Negotiation: 2 levels")."""
    fits, concerns = reason_split(pool, reasons, limit=limit, voice=voice)
    return (concerns + fits)[:limit] if any(r.criterion == "excluded" for r in reasons) else (fits + concerns)[:limit]


def reason_split(pool: Pool, reasons: list[Reason], *, limit: int = 6,
                 voice: str = "mentee") -> tuple[list[str], list[str]]:
    """The reasons split into what fits (strongest first, at most ``limit``) and what to be aware
    of (a large time difference, a low rating, an exclusion): "8 hours time difference" is not a
    reason to choose someone."""
    mine = voice == "mentee"
    out: list[tuple[float, str]] = []
    aware: list[str] = []
    for r in reasons:
        d = r.detail
        c = r.criterion
        if c == "excluded":
            rule = d.get("rule")
            text = {
                "self": _("the same person"),
                "same_manager": _("same manager: excluded by the program's rules"),
                "reporting_line": _("in the same reporting line: excluded by the program's rules"),
                "at_capacity": _("no free mentee slot"),
            }.get(rule, _("excluded by the program's rules"))
            aware.append(text)
            continue
        if c in ("gap", "gap_back"):
            for comp in d.get("competencies", [])[:3]:
                params = {"name": str(pool.competencies[comp["competency"]]), "n": int(round(comp["covered"]))}
                n = params["n"]
                if c == "gap" and mine:
                    text = ngettext("covers your gap in %(name)s: %(n)d level",
                                    "covers your gap in %(name)s: %(n)d levels", n) % params
                elif c == "gap":
                    text = ngettext("covers the mentee's gap in %(name)s: %(n)d level",
                                    "covers the mentee's gap in %(name)s: %(n)d levels", n) % params
                elif mine:
                    text = ngettext("you can help them in %(name)s: %(n)d level",
                                    "you can help them in %(name)s: %(n)d levels", n) % params
                else:
                    text = ngettext("the mentee can help the mentor in %(name)s: %(n)d level",
                                    "the mentee can help the mentor in %(name)s: %(n)d levels", n) % params
                out.append((r.contribution * comp["covered"], text))
            continue
        if c in ("topics", "topics_back") and d.get("topics"):
            names = {"topics": ", ".join(str(pool.topics[t]) for t in d["topics"])}
            if c == "topics":
                text = (_("can teach what you want to learn: %(topics)s") if mine
                        else _("can teach what the mentee wants to learn: %(topics)s")) % names
            else:
                text = (_("wants to learn what you can teach: %(topics)s") if mine
                        else _("the mentee can teach what the mentor wants to learn: %(topics)s")) % names
            out.append((r.contribution, text))
        elif c == "language" and d.get("languages"):
            names = ", ".join(pool.languages[k].name for k in d["languages"])
            text = _("you both speak %(languages)s") if mine else _("both speak %(languages)s")
            out.append((r.contribution, text % {"languages": names}))
        elif c == "timezone":
            hours = int(round(d.get("hours", 0)))
            text = _("same time zone") if hours == 0 else ngettext(
                "%(n)d hour time difference", "%(n)d hours time difference", hours) % {"n": hours}
            if hours >= CONCERN_HOURS:
                aware.append(text)
            else:
                out.append((r.contribution, text))
        elif c == "style" and d.get("compatibility", 0) >= 0.7:
            out.append((r.contribution, _("compatible communication styles")))
        elif c == "load":
            free = d.get("free_slots", 0)
            out.append((r.contribution, ngettext("%(n)d free mentee slot", "%(n)d free mentee slots", free) % {"n": free}))
        elif c == "rating" and d.get("rating") is not None:
            text = _("rated %(r).1f of 5 by mentees") % {"r": d["rating"]}
            if d["rating"] < CONCERN_RATING:
                aware.append(text)
            else:
                out.append((r.contribution, text))
        elif c == "cross_department" and r.contribution > 0:
            out.append((r.contribution, _("from another department")))
    out.sort(key=lambda pair: -pair[0])
    return [text for _score, text in out[:limit]], aware


def reasons_json(reasons: list[Reason]) -> list[list]:
    """A compact, JSON-safe copy of the engine's reasons (for MatchRun previews)."""
    return [[r.criterion, round(float(r.contribution), 4), r.detail] for r in reasons]


def reasons_from_json(data: list[list]) -> list[Reason]:
    from tandem.matching.engine.scoring import Reason

    return [Reason(criterion=c, contribution=v, detail=d) for c, v, d in data]


__all__ = ["Pool", "Q", "load_pool", "mentor_slots", "reason_sentences", "reason_split", "score_scale", "weights_for"]


def warm_engine() -> None:
    """Compile the engine's numba kernels once (about 6 s on a new machine, then cached on disk),
    so the first bulk match a manager runs does not pay for it."""
    import numpy as np

    from tandem.matching.engine.assignment import optimal_assignment

    rng = np.random.default_rng(0)
    optimal_assignment(rng.random((8, 3)), [1, 2, 1])
    optimal_assignment(rng.random((6, 9)), np.ones(9, dtype=np.int64), rng.random((6, 9)) < 0.6)
