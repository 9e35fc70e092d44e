"""Flow 1, recommend and choose (sources 001 and 002): a mentee sees three recommended mentors
with reasons and requests one. What happens to the request afterwards (the mentor accepts or
declines, the introductory meeting, both confirm) is the mentorship's life, in
:mod:`tandem.mentorships.services`. A mentor at capacity is never offered, and two requests for the last
slot never both succeed (the mentor's enrolment row is locked while the slot is counted)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from tandem.core.errors import Conflict, Forbidden, ValidationFailed
from tandem.matching import adapter
from tandem.mentorships import selectors as mentorship_selectors
from tandem.mentorships import services as mentorship_services
from tandem.mentorships.models import Mentorship
from tandem.people.models import Person
from tandem.programs.models import (
    Enrolment,
    EnrolmentRole,
    EnrolmentStatus,
    MatchingMode,
    Program,
    ProgramStatus,
)

MAX_RECOMMENDATIONS = 30


@dataclass(frozen=True)
class Recommendation:
    mentor: Person
    score: float
    reasons: list[str]
    free_slots: int
    #: what to be aware of (a large time difference, a low rating), apart from the reasons
    concerns: list[str] = field(default_factory=list)
    #: the best possible score for this program's weights (the score is "6.4 of 8")
    out_of: float = 0.0


def recommendations_for(*, program: Program, mentee: Person, k: int = 3) -> list[Recommendation]:
    """The best ``k`` mentors for this mentee with plain-language reasons. Mentors at capacity,
    excluded by the program's rules, or who already declined this mentee are never offered."""
    import numpy as np  # the engine loads on first use, not with the URLs

    from tandem.matching.engine import score_matrix, top_k

    k = max(1, min(int(k), MAX_RECOMMENDATIONS))
    pool = adapter.load_pool(program, mentees=[mentee])  # the mentors as the engine's columns only
    if not pool.mentors:
        return []
    scores = score_matrix(pool.mentee_profiles, pool.mentor_profiles, adapter.weights_for(program))
    declined = mentorship_selectors.declined_mentor_ids(program=program, mentee=mentee)
    allowed = np.array(scores.allowed, copy=True)
    if declined:
        allowed[0, np.isin(pool.mentor_profiles.person_id, list(declined))] = False
    idx, values = top_k(scores, k=k, allowed=allowed)
    chosen = [int(j) for j in idx[0] if j >= 0]
    people = Person.objects.select_related("department", "job_profile").in_bulk(
        [pool.mentors[j].pk for j in chosen])
    out_of = adapter.score_scale(scores.weights).out_of
    out = []
    for j, value in zip(chosen, values[0], strict=False):
        fits, concerns = adapter.reason_split(pool, scores.explain(0, j))
        out.append(
            Recommendation(
                mentor=people[pool.mentors[j].pk],
                score=float(value),
                reasons=fits,
                concerns=concerns,
                out_of=out_of,
                free_slots=int(pool.mentor_profiles.capacity[j] - pool.mentor_profiles.load[j]),
            )
        )
    return out


def _enrolment(program: Program, person: Person, role: str, *, lock: bool = False) -> Enrolment | None:
    qs = Enrolment.objects.filter(program=program, person=person, role=role, status=EnrolmentStatus.ACTIVE)
    if lock:
        qs = qs.select_for_update()
    return qs.first()


@transaction.atomic
def mentorship_request(*, program: Program, mentee: Person, mentor: Person, message: str = "") -> Mentorship:
    """The mentee asks a mentor. Checks everything again on the server: enrolment, the program's
    exclusion rules, and the mentor's free slots (across programs) under a row lock; the
    mentorships app records the request."""
    if program.matching_mode != MatchingMode.CHOOSE:
        raise ValidationFailed({"program": [_("In this program, mentees do not choose their mentor.")]})
    if program.status not in (ProgramStatus.OPEN, ProgramStatus.RUNNING):
        raise ValidationFailed({"program": [_("The program is not open for requests.")]})
    if len(message) > 1000:
        raise ValidationFailed({"message": [_("Keep the message under 1,000 characters.")]})
    if mentor.pk == mentee.pk:
        raise ValidationFailed({"mentor": [_("You cannot be your own mentor.")]})
    if _enrolment(program, mentee, EnrolmentRole.MENTEE, lock=True) is None:
        raise Forbidden(_("Only mentees enrolled in this program can request a mentor."))
    mentor_enrolment = _enrolment(program, mentor, EnrolmentRole.MENTOR, lock=True)
    if mentor_enrolment is None:
        raise ValidationFailed({"mentor": [_("This person is not a mentor in this program.")]})
    Person.objects.select_for_update().filter(pk=mentor.pk).first()  # slots across programs serialise here
    if mentorship_selectors.open_mentorship_of(program=program, mentee=mentee) is not None:
        raise Conflict(_("You already have a mentor or an open request in this program."))
    if mentorship_selectors.has_declined(program=program, mentee=mentee, mentor=mentor):
        raise ValidationFailed({"mentor": [_("This mentor has declined your request; choose another.")]})
    from tandem.matching.engine import score_matrix  # on first use, not with the URLs

    pool = adapter.load_pool(program, mentees=[mentee], mentors=[mentor])
    scores = score_matrix(pool.mentee_profiles, pool.mentor_profiles, adapter.weights_for(program))
    if not scores.allowed[0, 0]:
        reasons = [r for r in scores.explain(0, 0) if r.criterion == "excluded"]
        if any(r.detail.get("rule") == "at_capacity" for r in reasons):
            raise Conflict(_("This mentor has no free slot any more. Choose another recommendation."),
                           code="mentor_full")
        raise ValidationFailed({"mentor": adapter.reason_sentences(pool, reasons) or [_("Not allowed.")]})
    load, capacity = mentorship_selectors.program_slots(program, [mentor_enrolment])[mentor.pk]
    if load >= capacity:
        raise Conflict(_("This mentor has no free slot any more. Choose another recommendation."), code="mentor_full")
    return mentorship_services.mentorship_request(program=program, mentee=mentee, mentor=mentor, message=message,
                                                  score=float(scores.total[0, 0]))
