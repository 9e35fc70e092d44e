"""Every write on competency reviews: open a campaign (by hand, or from the program's milestones by
the daily job), add a peer, submit a rater's answers; and the notifications they cause.

Submitting writes the answers and, for the self, mentor and manager roles, one dated
``CompetencyRating`` per answer through :func:`tandem.people.services.rating_record` (source = the
role, ``rated_by`` = the rater, ``rated_on`` = the day of submitting): the ratings history stays the
one truth for current levels, gaps, the before/after change and the checklist's duties (the mentor's
review *is* the quarterly "mentor_assessment"). Peer answers are kept in the review only (there is no
peer rating source). One submission per assignment: a second one is refused (``review_already_submitted``)
because the ratings written are history, not a draft.
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.assessments.review_errors import ReviewErrorCode as Code
from tandem.assessments.review_models import (
    RaterRole,
    Review,
    ReviewAnswer,
    ReviewAssignment,
    ReviewCampaign,
    ReviewKind,
)
from tandem.core import authz, events
from tandem.core.errors import ApplicationError, Conflict, Forbidden, ValidationFailed
from tandem.core.validators import date_problem, multi_line_problem
from tandem.mentorships.models import Mentorship, MentorshipStatus
from tandem.people.models import JobProfileRequirement, Person, RatingSource
from tandem.people.services import rating_record
from tandem.programs.models import (
    EnrolmentRole,
    EnrolmentStatus,
    MilestoneKind,
    Program,
    ProgramMilestone,
    ProgramStatus,
)

log = logging.getLogger(__name__)

WINDOW_DAYS = 14  # an automatic campaign is open for two weeks from its day
WINDOW_MAX = 90  # days a campaign opened by hand may stay open
BASELINE_DAYS = 30  # a competency_review milestone in the program's first month is its baseline
NOTE_LIMIT = 500
SOURCE_OF_ROLE = {RaterRole.SELF: RatingSource.SELF, RaterRole.MENTOR: RatingSource.MENTOR,
                  RaterRole.MANAGER: RatingSource.MANAGER}
#: A mentor rates from the moment both sides have said yes; they can submit once the mentorship is active.
MENTOR_STATUSES = (MentorshipStatus.AGREEMENT, MentorshipStatus.ACTIVE)


def _today(today: datetime.date | None) -> datetime.date:
    return today or timezone.localdate()


def is_open(campaign: ReviewCampaign, today: datetime.date | None = None) -> bool:
    return campaign.opens_on <= _today(today) <= campaign.closes_on


# -- opening a campaign ----------------------------------------------------------------------


def _subjects(program: Program) -> list[tuple[Person, list[int]]]:
    """The program's active mentees with a job profile that names competencies, and those competencies."""
    people = list(Person.objects.filter(
        enrolments__program=program, enrolments__role=EnrolmentRole.MENTEE,
        enrolments__status=EnrolmentStatus.ACTIVE, is_active=True, job_profile__isnull=False,
    ).distinct().order_by("full_name", "id"))
    reqs: dict[int, list[int]] = {}
    for jp, comp in (JobProfileRequirement.objects.filter(job_profile_id__in={p.job_profile_id for p in people})
                     .order_by("competency__group__order", "competency__name")
                     .values_list("job_profile_id", "competency_id")):
        reqs.setdefault(jp, []).append(comp)
    return [(p, reqs[p.job_profile_id]) for p in people if reqs.get(p.job_profile_id)]


def _mentors(program: Program) -> dict[int, int]:
    """mentee id → mentor id of the mentee's agreed (agreement stage or active) mentorship in the program."""
    rows = (Mentorship.objects.filter(program=program, status__in=MENTOR_STATUSES)
            .order_by("mentee_id", "-status", "-id").values_list("mentee_id", "mentor_id"))
    out: dict[int, int] = {}
    for mentee, mentor in rows:
        out.setdefault(mentee, mentor)
    return out


def _raters(subject: Person, mentor_id: int | None) -> list[tuple[int, str]]:
    out = [(subject.pk, RaterRole.SELF)]
    if mentor_id and mentor_id != subject.pk:
        out.append((mentor_id, RaterRole.MENTOR))
    if subject.manager_id and subject.manager_id not in {pid for pid, _r in out}:
        out.append((subject.manager_id, RaterRole.MANAGER))
    return out


def _campaign_create(*, program: Program, kind: str, opens_on: datetime.date, closes_on: datetime.date,
                     milestone: ProgramMilestone | None, created_by: Person | None) -> ReviewCampaign:
    subjects = _subjects(program)
    if not subjects:
        raise Conflict(_("Nobody in this program can be reviewed yet: reviews are for its active mentees "
                         "whose job profile names competencies."), code=Code.NO_SUBJECTS)
    try:
        with transaction.atomic():
            campaign = ReviewCampaign.objects.create(program=program, kind=kind, opens_on=opens_on,
                                                     closes_on=closes_on, milestone=milestone, created_by=created_by)
    except IntegrityError:
        if kind == ReviewKind.BASELINE:
            raise Conflict(_("This program already has its baseline review."), code=Code.BASELINE_EXISTS) from None
        raise Conflict(_("This milestone's review has already been opened."), code=Code.CAMPAIGN_EXISTS) from None
    mentors = _mentors(program)
    through = Review.competencies.through
    links, assignments = [], []
    for subject, competencies in subjects:
        review = Review.objects.create(campaign=campaign, subject=subject)
        links += [through(review_id=review.pk, competency_id=c) for c in competencies]
        assignments += [ReviewAssignment(review=review, rater_id=pid, role=role)
                        for pid, role in _raters(subject, mentors.get(subject.pk))]
    through.objects.bulk_create(links)
    ReviewAssignment.objects.bulk_create(assignments)
    events.emit("review.opened", campaign_id=campaign.pk)
    return campaign


@transaction.atomic
def review_campaign_open(*, program: Program, actor: authz.Actor, kind: str, opens_on: datetime.date,
                         closes_on: datetime.date, today: datetime.date | None = None) -> ReviewCampaign:
    """The program team opens a review by hand: every active mentee with a job profile is reviewed by
    themselves, their mentor and their line manager (peers are added per review)."""
    if not authz.can_open_reviews(actor, program):
        raise Forbidden(_("Only the program's manager or HR opens its reviews."))
    today = _today(today)
    errors: dict[str, list[str]] = {}
    if kind not in ReviewKind.values:
        errors["kind"] = [_("Choose baseline, follow-up or final.")]
    for field, value in (("opens_on", opens_on), ("closes_on", closes_on)):
        if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
            errors[field] = [_("Enter a valid date.")]
        elif problem := date_problem(value):
            errors[field] = [problem]
    if not errors:
        if closes_on < opens_on:
            errors["closes_on"] = [_("The review must close on or after the day it opens.")]
        elif closes_on < today:
            errors["closes_on"] = [_("The review cannot close in the past.")]
        elif (closes_on - opens_on).days > WINDOW_MAX:
            errors["closes_on"] = [_("Keep a review open for at most %(n)d days.") % {"n": WINDOW_MAX}]
    if errors:
        raise ValidationFailed(errors)
    if kind == ReviewKind.BASELINE and ReviewCampaign.objects.filter(program=program, kind=kind).exists():
        raise Conflict(_("This program already has its baseline review."), code=Code.BASELINE_EXISTS)
    return _campaign_create(program=program, kind=kind, opens_on=opens_on, closes_on=closes_on, milestone=None,
                            created_by=actor.person)


def _kind_of(milestone: ProgramMilestone, baseline: ProgramMilestone | None, last: ProgramMilestone) -> str:
    if baseline is not None and milestone.pk == baseline.pk:
        return ReviewKind.BASELINE
    return ReviewKind.FINAL if milestone.pk == last.pk else ReviewKind.FOLLOW_UP


def review_campaigns_due(*, today: datetime.date | None = None) -> list[int]:
    """The daily job: open the reviews whose day has come. For each running program: the baseline at
    its start (its first-month ``competency_review`` milestone when it has one, else on day 1), then
    one campaign per ``competency_review`` milestone on its due day (the last one is the final review).
    Never twice (database constraints); a day missed is caught up while the window would still be
    open. Returns the ids of the campaigns opened."""
    today = _today(today)
    opened: list[int] = []
    programs = Program.objects.filter(status__in=(ProgramStatus.OPEN, ProgramStatus.RUNNING), starts_on__lte=today,
                                      ends_on__gte=today - datetime.timedelta(days=WINDOW_DAYS)).order_by("id")
    for program in programs:
        milestones = list(ProgramMilestone.objects.filter(phase__program=program,
                                                          kind=MilestoneKind.COMPETENCY_REVIEW)
                          .select_related("phase__program").order_by("due_day", "id"))
        done = set(ReviewCampaign.objects.filter(program=program, milestone__isnull=False)
                   .values_list("milestone_id", flat=True))
        has_baseline = ReviewCampaign.objects.filter(program=program, kind=ReviewKind.BASELINE).exists()
        baseline = milestones[0] if milestones and milestones[0].due_day <= BASELINE_DAYS else None
        wanted: list[tuple[str, datetime.date, ProgramMilestone | None]] = []
        if baseline is None and not has_baseline and program.day_of(today) <= WINDOW_DAYS:
            wanted.append((ReviewKind.BASELINE, program.starts_on, None))
        for ms in milestones:
            due = program.day_date(ms.due_day)
            if ms.pk in done or not (due <= today < due + datetime.timedelta(days=WINDOW_DAYS)):
                continue
            kind = _kind_of(ms, baseline, milestones[-1])
            if kind == ReviewKind.BASELINE and has_baseline:
                continue  # opened by hand already
            wanted.append((kind, due, ms))
        for kind, day, ms in wanted:
            try:
                with transaction.atomic():
                    c = _campaign_create(program=program, kind=kind, opens_on=day,
                                         closes_on=day + datetime.timedelta(days=WINDOW_DAYS), milestone=ms,
                                         created_by=None)
                opened.append(c.pk)
            except ApplicationError as exc:  # nobody to review yet, or opened meanwhile: next run
                log.info("review of program %s (%s) not opened: %s", program.pk, kind, exc.code)
    return opened


def review_campaigns_due_job() -> None:
    """Entry point of the scheduler (called without arguments)."""
    review_campaigns_due()


@transaction.atomic
def review_peer_add(*, review: Review, actor: authz.Actor, peer: Person,
                    today: datetime.date | None = None) -> ReviewAssignment:
    """The program team asks a peer to rate a review's subject (answers stay in the review)."""
    campaign = review.campaign
    if not authz.can_open_reviews(actor, campaign.program):
        raise Forbidden(_("Only the program's manager or HR adds peers to its reviews."))
    if _today(today) > campaign.closes_on:
        raise Conflict(_("This review has closed."), code=Code.CLOSED)
    if peer.pk == review.subject_id:
        raise Conflict(_("The person reviewed rates themselves as self, not as a peer."), code=Code.PEER_IS_SUBJECT)
    if not peer.is_active:
        raise ValidationFailed({"peer": [_("This person has left: choose someone else.")]})
    try:
        with transaction.atomic():
            a = ReviewAssignment.objects.create(review=review, rater=peer, role=RaterRole.PEER)
    except IntegrityError:
        raise Conflict(_("%(name)s already rates this review.") % {"name": peer.full_name},
                       code=Code.ALREADY_RATER) from None
    events.emit("review.opened", campaign_id=campaign.pk)
    return a


def review_mentor_join(*, mentorship_id: int, today: datetime.date | None = None, **_ids: Any) -> int:
    """A mentorship started after its program's reviews opened: its mentor joins the mentee's open
    reviews in that program (subscribed to ``mentorship.started``). Returns the assignments added."""
    m = Mentorship.objects.filter(pk=mentorship_id, status=MentorshipStatus.ACTIVE).first()
    if m is None:
        return 0
    today = _today(today)
    reviews = Review.objects.filter(campaign__program_id=m.program_id, subject_id=m.mentee_id,
                                    campaign__closes_on__gte=today).exclude(assignments__role=RaterRole.MENTOR)
    added = 0
    for review in reviews.exclude(assignments__rater_id=m.mentor_id):
        try:
            with transaction.atomic():
                ReviewAssignment.objects.create(review=review, rater_id=m.mentor_id, role=RaterRole.MENTOR)
            added += 1
            events.emit("review.opened", campaign_id=review.campaign_id)
        except IntegrityError:
            continue
    return added


# -- submitting ------------------------------------------------------------------------------


def _clean_answers(review: Review, answers: Any) -> list[tuple[int, int, str]]:
    """(competency id, level, note) for every competency of the review, or ValidationFailed."""
    allowed = set(review.competencies.values_list("id", flat=True))
    if not isinstance(answers, list):
        raise ValidationFailed({"answers": [_("Send one answer per competency.")]})
    errors: dict[str, list[str]] = {}
    out: dict[int, tuple[int, int, str]] = {}
    for i, a in enumerate(answers):
        if not isinstance(a, dict):
            errors[f"answers.{i}"] = [_("Send one answer per competency.")]
            continue
        cid, level, note = a.get("competency_id"), a.get("level"), a.get("note", "") or ""
        if isinstance(cid, str) and cid.isdigit() and len(cid) < 19:
            cid = int(cid)
        if not isinstance(cid, int) or isinstance(cid, bool) or cid not in allowed:
            errors[f"answers.{i}.competency_id"] = [_("Not a competency of this review.")]
            continue
        if cid in out:
            errors[f"answers.{i}.competency_id"] = [_("Answer each competency once.")]
            continue
        if isinstance(level, str) and level.strip().isdigit() and len(level.strip()) == 1:
            level = int(level.strip())
        if not isinstance(level, int) or isinstance(level, bool) or not 1 <= level <= 5:
            errors[f"competency.{cid}"] = [_("Choose a level from 1 to 5.")]
            continue
        if not isinstance(note, str):
            errors[f"note.{cid}"] = [_("Write the note as text.")]
            continue
        note = note.strip()
        if len(note) > NOTE_LIMIT:
            errors[f"note.{cid}"] = [_("Keep the note under %(n)d characters.") % {"n": NOTE_LIMIT}]
        elif problem := multi_line_problem(note):
            errors[f"note.{cid}"] = [problem]
        else:
            out[cid] = (cid, level, note)
    for cid in sorted(allowed - set(out)):
        errors.setdefault(f"competency.{cid}", [_("Rate this competency.")])
    if errors:
        raise ValidationFailed(errors)
    return list(out.values())


@transaction.atomic
def review_submit(*, assignment: ReviewAssignment, actor: authz.Actor, answers: list[dict[str, Any]],
                  today: datetime.date | None = None) -> ReviewAssignment:
    """A rater's answers, once, while the window is open; self, mentor and manager answers become
    dated ratings with their source."""
    assignment = (ReviewAssignment.objects.select_for_update(of=("self",))
                  .select_related("review__campaign__program", "review__subject", "rater")
                  .get(pk=assignment.pk))
    review, campaign = assignment.review, assignment.review.campaign
    if actor.person is None or assignment.rater_id != actor.person.pk:
        raise Forbidden(_("Only the person asked submits these ratings."), code=Code.NOT_YOUR_ASSIGNMENT)
    if not authz.can_submit_review(actor, assignment, review.subject):
        raise Forbidden(_("You can no longer rate this person in this role."), code=Code.RATER_NOT_RELATED)
    if assignment.submitted_at is not None:
        raise Conflict(_("You have already submitted these ratings."), code=Code.ALREADY_SUBMITTED)
    today = _today(today)
    if today < campaign.opens_on:
        raise Conflict(_("This review opens on %(day)s.") % {"day": campaign.opens_on.isoformat()},
                       code=Code.NOT_OPEN_YET)
    if today > campaign.closes_on:
        raise Conflict(_("This review has closed."), code=Code.CLOSED)
    cleaned = _clean_answers(review, answers)
    source = SOURCE_OF_ROLE.get(assignment.role)
    competencies = {c.pk: c for c in review.competencies.all()}
    rows = []
    for cid, level, note in cleaned:
        rating = None
        if source is not None:
            rating = rating_record(person=review.subject, competency=competencies[cid], level=level, source=source,
                                   rated_by=assignment.rater, rated_on=today, note=note)
        rows.append(ReviewAnswer(assignment=assignment, competency_id=cid, level=level, note=note, rating=rating))
    ReviewAnswer.objects.bulk_create(rows)
    assignment.submitted_at = timezone.now()
    assignment.save(update_fields=["submitted_at", "updated_at"])
    events.emit("review.submitted", review_id=review.pk, assignment_id=assignment.pk, person_id=actor.person.pk)
    return assignment


# -- notifications ---------------------------------------------------------------------------


def assignment_url(assignment_id: int) -> str:
    return reverse("review_assignment", args=[assignment_id])


def review_opened_notify(*, campaign_id: int, now: datetime.datetime | None = None, **_ids: Any) -> int:
    """REVIEW_OPENED to every rater who has not answered yet, once per review (subscribed to
    ``review.opened``; a peer added later hears too, the others not again). Returns how many."""
    from tandem.notifications import selectors as nsel
    from tandem.notifications.models import EmailMode, NotificationKind
    from tandem.notifications.reminders import remind_once

    now = now or timezone.now()
    pending = list(ReviewAssignment.objects.filter(review__campaign_id=campaign_id, submitted_at__isnull=True,
                                                   rater__is_active=True)
                   .select_related("review__campaign", "review__subject", "rater"))
    prefs = nsel.preferences_for(person_ids=sorted({a.rater_id for a in pending}))
    sent = 0
    kind = NotificationKind.REVIEW_OPENED
    for a in pending:
        pref = prefs[a.rater_id]
        in_app, email = pref.wants_in_app(kind), pref.wants_email(kind)
        if not (in_app or email):
            continue
        c = a.review.campaign
        n = remind_once(kind=kind, subject=f"review:{a.review_id}", occasion=f"campaign:{c.pk}", person=a.rater,
                        mentorship_id=None, params={"subject": a.review.subject.full_name,
                                                    "due": c.closes_on.isoformat()},
                        url=assignment_url(a.pk), object_id=a.pk, in_app=in_app, email=email,
                        immediate=pref.email_mode == EmailMode.IMMEDIATE, now=now)
        sent += n is not None
    return sent
