"""Flow 1, recommend and choose (sources 001 and 002): a mentee sees three recommended mentors
with reasons, requests one; the mentor accepts or declines; an optional introductory meeting
comes before both confirm. A mentor at capacity is never offered, and two requests for the last
slot never both succeed (the mentor's enrolment row is locked while the slot is counted)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import numpy as np
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.core.errors import Conflict, Forbidden, ValidationFailed
from tandem.core.tasks import enqueue_on_commit
from tandem.matching import adapter
from tandem.matching.engine import score_matrix, top_k
from tandem.mentorships.models import OPEN_STATUSES, Mentorship, MentorshipOrigin, MentorshipStatus
from tandem.notifications.tasks import send_mentorship_email
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


def open_mentorship_of(*, program: Program, mentee: Person) -> Mentorship | None:
    return (
        Mentorship.objects.filter(program=program, mentee=mentee, status__in=OPEN_STATUSES)
        .select_related("mentor__department", "mentor__job_profile")
        .first()
    )


def recommendations_for(*, program: Program, mentee: Person, k: int = 3) -> list[Recommendation]:
    """The best ``k`` mentors for this mentee with plain-language reasons. Mentors at capacity,
    excluded by the program's rules, or who already declined this mentee are never offered."""
    k = max(1, min(int(k), MAX_RECOMMENDATIONS))
    pool = adapter.load_pool(program, mentees=[mentee])
    if not pool.mentors:
        return []
    scores = score_matrix(pool.mentee_profiles, pool.mentor_profiles, adapter.weights_for(program))
    declined = set(
        Mentorship.objects.filter(program=program, mentee=mentee, status=MentorshipStatus.DECLINED).values_list(
            "mentor_id", flat=True
        )
    )
    allowed = np.array(scores.allowed, copy=True)
    for j, mentor in enumerate(pool.mentors):
        if mentor.pk in declined:
            allowed[0, j] = False
    idx, values = top_k(scores, k=k, allowed=allowed)
    out = []
    for j, value in zip(idx[0], values[0], strict=True):
        if j < 0:
            break
        mentor = pool.mentors[int(j)]
        out.append(
            Recommendation(
                mentor=mentor,
                score=float(value),
                reasons=adapter.reason_sentences(pool, scores.explain(0, int(j))),
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
    exclusion rules, and the mentor's free slots under a row lock."""
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
    if open_mentorship_of(program=program, mentee=mentee) is not None:
        raise Conflict(_("You already have a mentor or an open request in this program."))
    if Mentorship.objects.filter(program=program, mentee=mentee, mentor=mentor,
                                 status=MentorshipStatus.DECLINED).exists():
        raise ValidationFailed({"mentor": [_("This mentor has declined your request; choose another.")]})
    pool = adapter.load_pool(program, mentees=[mentee], mentors=[mentor])
    scores = score_matrix(pool.mentee_profiles, pool.mentor_profiles, adapter.weights_for(program))
    if not scores.allowed[0, 0]:
        reasons = [r for r in scores.explain(0, 0) if r.criterion == "excluded"]
        if any(r.detail.get("rule") == "at_capacity" for r in reasons):
            raise Conflict(_("This mentor has no free slot any more. Choose another recommendation."))
        raise ValidationFailed({"mentor": adapter.reason_sentences(pool, reasons) or [_("Not allowed.")]})
    used = Mentorship.objects.filter(program=program, mentor=mentor, status__in=OPEN_STATUSES).count()
    if used >= adapter.mentor_capacity(program, mentor_enrolment):
        raise Conflict(_("This mentor has no free slot any more. Choose another recommendation."))
    try:
        with transaction.atomic():
            m = Mentorship.objects.create(
                program=program, mentor=mentor, mentee=mentee, status=MentorshipStatus.REQUESTED,
                origin=MentorshipOrigin.REQUESTED, score=float(scores.total[0, 0]), message=message.strip(),
            )
    except IntegrityError as exc:
        raise Conflict(_("You already have an open request with this mentor.")) from exc
    enqueue_on_commit(send_mentorship_email, m.pk, "requested")
    return m


def _locked(mentorship: Mentorship) -> Mentorship:
    return Mentorship.objects.select_for_update().get(pk=mentorship.pk)


@transaction.atomic
def mentorship_accept(*, mentorship: Mentorship, mentor: Person, intro_at: datetime.datetime | None = None) -> Mentorship:
    """The mentor accepts: the pair moves to the introductory-meeting stage."""
    m = _locked(mentorship)
    if m.mentor_id != mentor.pk:
        raise Forbidden()
    if m.status != MentorshipStatus.REQUESTED:
        raise Conflict(_("This request was already answered."))
    if intro_at is not None and intro_at < timezone.now():
        raise ValidationFailed({"intro_at": [_("Choose a time in the future for the introductory meeting.")]})
    m.status = MentorshipStatus.INTRO
    m.intro_at = intro_at
    m.save(update_fields=["status", "intro_at", "updated_at"])
    enqueue_on_commit(send_mentorship_email, m.pk, "accepted")
    return m


@transaction.atomic
def mentorship_decline(*, mentorship: Mentorship, mentor: Person, reason: str = "") -> Mentorship:
    m = _locked(mentorship)
    if m.mentor_id != mentor.pk:
        raise Forbidden()
    if m.status != MentorshipStatus.REQUESTED:
        raise Conflict(_("This request was already answered."))
    if len(reason) > 500:
        raise ValidationFailed({"reason": [_("Keep the reason under 500 characters.")]})
    m.status = MentorshipStatus.DECLINED
    m.decline_reason = reason.strip()
    m.save(update_fields=["status", "decline_reason", "updated_at"])
    enqueue_on_commit(send_mentorship_email, m.pk, "declined")
    return m


@transaction.atomic
def mentorship_schedule_intro(*, mentorship: Mentorship, person: Person, intro_at: datetime.datetime) -> Mentorship:
    m = _locked(mentorship)
    if person.pk not in (m.mentor_id, m.mentee_id):
        raise Forbidden()
    if m.status != MentorshipStatus.INTRO:
        raise Conflict(_("The introductory meeting can only be planned before both confirm."))
    if intro_at < timezone.now():
        raise ValidationFailed({"intro_at": [_("Choose a time in the future for the introductory meeting.")]})
    m.intro_at = intro_at
    m.save(update_fields=["intro_at", "updated_at"])
    return m


@transaction.atomic
def mentorship_confirm(*, mentorship: Mentorship, person: Person) -> Mentorship:
    """After the introductory meeting each side confirms; with both, the mentorship starts."""
    m = _locked(mentorship)
    if person.pk not in (m.mentor_id, m.mentee_id):
        raise Forbidden()
    if m.status != MentorshipStatus.INTRO:
        raise Conflict(_("Only a pair at the introductory stage can confirm."))
    now = timezone.now()
    if person.pk == m.mentor_id:
        m.mentor_confirmed_at = m.mentor_confirmed_at or now
    if person.pk == m.mentee_id:
        m.mentee_confirmed_at = m.mentee_confirmed_at or now
    if m.mentor_confirmed_at and m.mentee_confirmed_at:
        m.status = MentorshipStatus.ACTIVE
        m.started_on = timezone.localdate()
        enqueue_on_commit(send_mentorship_email, m.pk, "started")
    m.save(update_fields=["mentor_confirmed_at", "mentee_confirmed_at", "status", "started_on", "updated_at"])
    return m


@transaction.atomic
def mentorship_withdraw(*, mentorship: Mentorship, person: Person) -> Mentorship:
    """Either side steps back before the mentorship starts; the slot is freed."""
    m = _locked(mentorship)
    if person.pk not in (m.mentor_id, m.mentee_id):
        raise Forbidden()
    if m.status not in (MentorshipStatus.REQUESTED, MentorshipStatus.INTRO):
        raise Conflict(_("Only a request or an introductory stage can be withdrawn."))
    m.status = MentorshipStatus.CANCELLED
    m.save(update_fields=["status", "updated_at"])
    enqueue_on_commit(send_mentorship_email, m.pk, "withdrawn")
    return m


# -- reads ---------------------------------------------------------------------------------


def requests_for_mentor(*, program: Program, mentor: Person) -> QuerySet[Mentorship]:
    return Mentorship.objects.filter(program=program, mentor=mentor, status__in=OPEN_STATUSES).select_related(
        "mentee__department", "mentee__job_profile"
    ).order_by("status", "-created_at")


def program_mentorships(*, program: Program, person: Person | None = None, status: str = "") -> QuerySet[Mentorship]:
    qs = Mentorship.objects.filter(program=program).select_related(
        "mentor__department", "mentee__department", "mentor__job_profile", "mentee__job_profile"
    )
    if person is not None:
        qs = qs.filter(Q(mentor=person) | Q(mentee=person))
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-id")
