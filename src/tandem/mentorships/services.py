"""Every write on a mentorship, whichever flow causes it (choose, bulk, a manager, the lifecycle).

Moves between states follow :data:`tandem.mentorships.lifecycle.TRANSITIONS`; each one is stored
as a :class:`Transition` and announced as a domain event after commit
(:mod:`tandem.core.events`), to which notifications and other apps subscribe.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.core import authz, events
from tandem.core.errors import Conflict, Forbidden, ValidationFailed
from tandem.mentorships import lifecycle
from tandem.mentorships.errors import MentorshipErrorCode as Code
from tandem.mentorships.models import (
    OPEN_STATUSES,
    Agreement,
    AgreementSignature,
    MeetingFormat,
    MeetingFrequency,
    Mentorship,
    MentorshipOrigin,
    MentorshipStatus,
    Transition,
)
from tandem.people.models import Competency, Person
from tandem.programs.models import AgreementParty, Program

S = MentorshipStatus

EVENT_FOR = {
    S.INTRO: "mentorship.accepted",
    S.DECLINED: "mentorship.declined",
    S.CANCELLED: "mentorship.cancelled",
    S.AGREEMENT: "mentorship.agreement_stage",
    S.ACTIVE: "mentorship.started",
    S.COMPLETED: "mentorship.completed",
    S.ENDED_EARLY: "mentorship.ended_early",
}


def _locked(mentorship: Mentorship) -> Mentorship:
    return Mentorship.objects.select_for_update().select_related("program", "mentor", "mentee").get(pk=mentorship.pk)


def _clean_text(value: str, *, field: str, limit: int, errors: dict[str, list[str]], single_line: bool = False) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        errors.setdefault(field, []).append(
            _("Keep it under %(limit)s characters.") % {"limit": f"{limit:,}"})
    bad = [c for c in value if (ord(c) < 32 and (single_line or c not in "\n\r\t")) or ord(c) == 127]
    if bad:
        errors.setdefault(field, []).append(_("Remove the control characters from this text."))
    return value


def _record(m: Mentorship, *, frm: str, to: str, actor: Person | None, role: str, reason: str = "") -> Transition:
    return Transition.objects.create(mentorship=m, from_status=frm, to_status=to, actor=actor, actor_role=role,
                                     reason=reason, at=timezone.now())


def _move(m: Mentorship, to: str, *, actor: authz.Actor | None, roles: Iterable[str], reason: str = "",
          extra_fields: Iterable[str] = ()) -> Mentorship:
    """Move ``m`` (locked) to ``to`` if the table allows it for one of ``roles``; record and announce it."""
    e = lifecycle.edge(m.status, to)
    if e is None:
        raise Conflict(
            _("A mentorship that is “%(from)s” cannot become “%(to)s”.") % {
                "from": S(m.status).label, "to": S(to).label if to in S.values else to},
            code=Code.ILLEGAL_TRANSITION, data={"from": m.status, "to": to, "allowed": lifecycle.next_statuses(m.status)},
        )
    acting = [r for r in roles if r in e.who]
    if not acting:
        raise Forbidden(_("You cannot make this change to the mentorship."), code=Code.NOT_ALLOWED_TO_TRANSITION)
    errors: dict[str, list[str]] = {}
    reason = _clean_text(reason, field="reason", limit=500, errors=errors)
    if errors:
        raise ValidationFailed(errors)
    if e.reason_required and not reason and acting[0] != "system":
        raise ValidationFailed({"reason": [_("Say why: the reason is kept in the pairing's history.")]})
    frm = m.status
    m.status = to
    today = timezone.localdate()
    fields = {"status", "updated_at", *extra_fields}
    if to in (S.COMPLETED, S.ENDED_EARLY, S.CANCELLED, S.DECLINED):
        m.ended_on = today
        fields.add("ended_on")
    m.save(update_fields=sorted(fields))
    person = actor.person if actor is not None else None
    _record(m, frm=frm, to=to, actor=person, role=acting[0], reason=reason)
    events.emit(EVENT_FOR[to], mentorship_id=m.pk, from_status=frm, actor_id=person.pk if person else None)
    return m


def _side_roles(actor: authz.Actor, m: Mentorship) -> set[str]:
    return set(authz.mentorship_roles(actor, m))


# -- the request and its answer (flow 1) -------------------------------------------------------


@transaction.atomic
def mentorship_request(*, program: Program, mentee: Person, mentor: Person, message: str = "",
                       score: float | None = None) -> Mentorship:
    """Create the mentee's request. The matching flow has checked enrolment, rules and free slots
    under a lock; this records it."""
    try:
        with transaction.atomic():
            m = Mentorship.objects.create(
                program=program, mentor=mentor, mentee=mentee, status=S.REQUESTED,
                origin=MentorshipOrigin.REQUESTED, score=score, message=message.strip(),
            )
    except IntegrityError as exc:
        raise Conflict(_("You already have an open request with this mentor."), code=Code.ALREADY_PAIRED) from exc
    _record(m, frm="", to=S.REQUESTED, actor=mentee, role="mentee")
    events.emit("mentorship.requested", mentorship_id=m.pk, actor_id=mentee.pk)
    return m


@transaction.atomic
def mentorships_create_paired(*, program: Program, pairs: list[dict[str, Any]], origin: str,
                              actor: authz.Actor | None, reason: str = "") -> list[Mentorship]:
    """Pairs a bulk match (or a manager) proposes: they start at the introductory meeting and get
    no rights until both sides confirm (and sign, when the program asks for an agreement)."""
    created = Mentorship.objects.bulk_create([
        Mentorship(program=program, mentor_id=p["mentor"], mentee_id=p["mentee"], status=S.INTRO,
                   origin=origin, score=p.get("score"))
        for p in pairs
    ])
    now = timezone.now()
    person = actor.person if actor is not None else None
    Transition.objects.bulk_create([
        Transition(mentorship=m, from_status="", to_status=S.INTRO, actor=person, actor_role="program_team",
                   reason=reason or (_("Paired by a bulk match.") if origin == MentorshipOrigin.BULK else ""), at=now)
        for m in created
    ])
    for m in created:
        events.emit("mentorship.paired", mentorship_id=m.pk, actor_id=person.pk if person else None)
    return created


@transaction.atomic
def mentorship_accept(*, mentorship: Mentorship, actor: authz.Actor,
                      intro_at: datetime.datetime | None = None) -> Mentorship:
    """The mentor accepts: the pair moves to the introductory-meeting stage."""
    m = _locked(mentorship)
    if m.status != S.REQUESTED and m.mentor_id == getattr(actor.person, "pk", None):
        raise Conflict(_("This request was already answered."), code=Code.ALREADY_ANSWERED)
    if intro_at is not None and intro_at < timezone.now():
        raise ValidationFailed({"intro_at": [_("Choose a time in the future for the introductory meeting.")]})
    m.intro_at = intro_at
    return _move(m, S.INTRO, actor=actor, roles=_side_roles(actor, m) & {"mentor"}, extra_fields=["intro_at"])


@transaction.atomic
def mentorship_decline(*, mentorship: Mentorship, actor: authz.Actor, reason: str = "") -> Mentorship:
    m = _locked(mentorship)
    if m.status != S.REQUESTED and m.mentor_id == getattr(actor.person, "pk", None):
        raise Conflict(_("This request was already answered."), code=Code.ALREADY_ANSWERED)
    if len(reason) > 500:
        raise ValidationFailed({"reason": [_("Keep the reason under 500 characters.")]})
    m.decline_reason = reason.strip()
    return _move(m, S.DECLINED, actor=actor, roles=_side_roles(actor, m) & {"mentor"}, reason=reason,
                 extra_fields=["decline_reason"])


@transaction.atomic
def mentorship_schedule_intro(*, mentorship: Mentorship, actor: authz.Actor,
                              intro_at: datetime.datetime) -> Mentorship:
    m = _locked(mentorship)
    if not _side_roles(actor, m) & {"mentor", "mentee"}:
        raise Forbidden()
    if m.status != S.INTRO:
        raise Conflict(_("The introductory meeting can only be planned before both confirm."),
                       code=Code.ILLEGAL_TRANSITION)
    if intro_at < timezone.now():
        raise ValidationFailed({"intro_at": [_("Choose a time in the future for the introductory meeting.")]})
    m.intro_at = intro_at
    m.save(update_fields=["intro_at", "updated_at"])
    events.emit("mentorship.intro_scheduled", mentorship_id=m.pk, actor_id=actor.person.pk)
    return m


@transaction.atomic
def mentorship_confirm(*, mentorship: Mentorship, actor: authz.Actor) -> Mentorship:
    """After the introductory meeting each side confirms. With both: the agreement stage (a first
    draft from the program's dates), or, when the program needs no agreement, the mentorship starts."""
    m = _locked(mentorship)
    sides = _side_roles(actor, m) & {"mentor", "mentee"}
    if not sides:
        raise Forbidden()
    if m.status != S.INTRO:
        raise Conflict(_("Only a pair at the introductory stage can confirm."), code=Code.ILLEGAL_TRANSITION)
    now = timezone.now()
    if "mentor" in sides:
        m.mentor_confirmed_at = m.mentor_confirmed_at or now
    if "mentee" in sides:
        m.mentee_confirmed_at = m.mentee_confirmed_at or now
    m.save(update_fields=["mentor_confirmed_at", "mentee_confirmed_at", "updated_at"])
    if not (m.mentor_confirmed_at and m.mentee_confirmed_at):
        return m
    if m.program.agreement_required:
        _move(m, S.AGREEMENT, actor=actor, roles=["system"])
        _agreement_first_draft(m, author=actor.person)
        return m
    m.started_on = timezone.localdate()
    return _move(m, S.ACTIVE, actor=actor, roles=["system"], extra_fields=["started_on"])


@transaction.atomic
def mentorship_cancel(*, mentorship: Mentorship, actor: authz.Actor, reason: str = "") -> Mentorship:
    """Either side (or the program team) steps back before the mentorship is active; the slot is freed."""
    m = _locked(mentorship)
    if m.status not in (S.REQUESTED, S.INTRO, S.AGREEMENT):
        raise Conflict(_("Only a request, an introductory stage or an unsigned agreement can be withdrawn."),
                       code=Code.ILLEGAL_TRANSITION, data={"from": m.status, "to": S.CANCELLED})
    return _move(m, S.CANCELLED, actor=actor, roles=_side_roles(actor, m), reason=reason)


@transaction.atomic
def mentorship_complete(*, mentorship: Mentorship, actor: authz.Actor | None, reason: str = "",
                        system: bool = False) -> Mentorship:
    m = _locked(mentorship)
    roles = ["system"] if system else _side_roles(actor, m) if actor is not None else []
    return _move(m, S.COMPLETED, actor=actor, roles=roles, reason=reason)


@transaction.atomic
def mentorship_end_early(*, mentorship: Mentorship, actor: authz.Actor, reason: str) -> Mentorship:
    m = _locked(mentorship)
    return _move(m, S.ENDED_EARLY, actor=actor, roles=_side_roles(actor, m), reason=reason)


@transaction.atomic
def mentorship_hr_decide(*, mentorship: Mentorship, actor: authz.Actor, to: str, reason: str) -> Mentorship:
    """HR moves a pair on without the usual step (e.g. activates a pair whose agreement is signed on
    paper), on the record: the reason is required and kept in the history."""
    m = _locked(mentorship)
    roles = ["hr_decision"] if actor.is_hr else []
    if to == S.ACTIVE:
        m.started_on = m.started_on or timezone.localdate()
        return _move(m, to, actor=actor, roles=roles, reason=reason, extra_fields=["started_on"])
    return _move(m, to, actor=actor, roles=roles, reason=reason)


@transaction.atomic
def mentorship_transition(*, mentorship: Mentorship, actor: authz.Actor, to: str, reason: str = "") -> Mentorship:
    """The API's one entry to the table: ``{"to": ..., "reason": ...}``."""
    if to not in S.values:
        raise ValidationFailed({"to": [_("Unknown status. Choose one of: %(list)s.") % {"list": ", ".join(S.values)}]})
    if to == S.INTRO:
        return mentorship_accept(mentorship=mentorship, actor=actor)
    if to == S.DECLINED:
        return mentorship_decline(mentorship=mentorship, actor=actor, reason=reason)
    if to == S.CANCELLED:
        return mentorship_cancel(mentorship=mentorship, actor=actor, reason=reason)
    if to == S.COMPLETED:
        return mentorship_complete(mentorship=mentorship, actor=actor, reason=reason)
    if to == S.ENDED_EARLY:
        return mentorship_end_early(mentorship=mentorship, actor=actor, reason=reason)
    if to in (S.AGREEMENT, S.ACTIVE) and actor.is_hr:
        return mentorship_hr_decide(mentorship=mentorship, actor=actor, to=to, reason=reason)
    m = _locked(mentorship)
    if lifecycle.edge(m.status, to) is None:
        return _move(m, to, actor=actor, roles=[])  # raises the illegal-transition conflict
    if to == S.ACTIVE and m.status == S.AGREEMENT:
        raise Conflict(_("The mentorship becomes active when every party has signed the agreement."),
                       code=Code.AGREEMENT_NOT_SIGNED)
    raise Conflict(_("Both sides confirm after the introductory meeting; the mentorship then moves on by itself."),
                   code=Code.NOT_ALLOWED_TO_TRANSITION)


def _close_open(m: Mentorship, *, actor: authz.Actor | None, reason: str) -> str:
    """Close an open pair (locked) on the program team's behalf: one that never started is cancelled,
    an active one ends early. Returns the new status."""
    to = S.ENDED_EARLY if m.status == S.ACTIVE else S.CANCELLED
    _move(m, to, actor=actor, roles=["program_team"], reason=reason)
    return to


@transaction.atomic
def mentorships_close_for_withdrawal(*, program: Program, person: Person, role: str, actor: authz.Actor | None,
                                     reason: str) -> dict[str, int]:
    """``person`` leaves ``program`` in ``role``: their open pairs there are cancelled (not started)
    or ended early (active), with ``reason`` in each pair's history; the other side is told through
    the ``mentorship.cancelled`` / ``mentorship.ended_early`` events. Returns the counts."""
    side = {"mentor": "mentor", "mentee": "mentee"}[role]
    out = {S.CANCELLED.value: 0, S.ENDED_EARLY.value: 0}
    qs = (Mentorship.objects.select_for_update().select_related("program", "mentor", "mentee")
          .filter(program=program, status__in=OPEN_STATUSES, **{side: person}).order_by("id"))
    for m in qs:
        out[_close_open(m, actor=actor, reason=reason)] += 1
    return out


@transaction.atomic
def mentorship_rematch(*, mentorship: Mentorship, mentor: Person, actor: authz.Actor,
                       reason: str = "") -> Mentorship:
    """The program team pairs the mentee with another mentor. The current pair, if still open, is
    cancelled (not started) or ended early (active), with the reason in its history; the new pair
    starts at the introductory meeting, like a bulk match's. The new mentor must be enrolled as a
    mentor in the program with a free slot (in the program and across programs)."""
    from tandem.mentorships.selectors import open_load, program_slots
    from tandem.programs.models import Enrolment, EnrolmentRole, EnrolmentStatus, ProgramStatus

    m = _locked(mentorship)
    if not authz.can_rematch(actor, m):
        raise Forbidden(_("Only the program team can re-match a pair."), code=Code.NOT_ALLOWED_TO_TRANSITION)
    errors: dict[str, list[str]] = {}
    reason = _clean_text(reason, field="reason", limit=400, errors=errors)
    if errors:
        raise ValidationFailed(errors)
    program = m.program
    if program.status not in (ProgramStatus.OPEN, ProgramStatus.RUNNING):
        raise Conflict(_("Pairs can be re-matched only while the program is open or running."),
                       code=Code.PROGRAM_NOT_RUNNING)
    if mentor.pk == m.mentee_id:
        raise ValidationFailed({"mentor": [_("The mentee cannot be their own mentor.")]})
    if mentor.pk == m.mentor_id and m.is_open:
        raise ValidationFailed({"mentor": [_("This is already the pair's mentor: choose someone else.")]})
    enrolments = Enrolment.objects.filter(program=program, status=EnrolmentStatus.ACTIVE, person_id__in=[
        mentor.pk, m.mentee_id])
    roles = {(e.person_id, e.role): e for e in enrolments}
    if (m.mentee_id, EnrolmentRole.MENTEE) not in roles:
        raise Conflict(_("The mentee is no longer enrolled in the program."), code=Code.NOT_ENROLLED)
    mentor_enrolment = roles.get((mentor.pk, EnrolmentRole.MENTOR))
    if mentor_enrolment is None:
        raise ValidationFailed({"mentor": [_("%(name)s is not enrolled as a mentor in this program.") % {
            "name": mentor.full_name}]})
    Person.objects.select_for_update().filter(pk=mentor.pk).first()  # slots across programs serialise here
    other_open = (Mentorship.objects.filter(program=program, mentee_id=m.mentee_id, status__in=OPEN_STATUSES)
                  .exclude(pk=m.pk).first())
    if other_open is not None:
        raise Conflict(_("%(name)s already has another open pair in this program: re-match that one.") % {
            "name": m.mentee.full_name}, code=Code.ALREADY_PAIRED, data={"mentorship_id": other_open.pk})
    load, capacity = program_slots(program, [mentor_enrolment])[mentor.pk]
    if load >= capacity:
        raise Conflict(_("%(name)s has no free mentee slot (%(load)s of %(cap)s taken, %(all)s open pairs across "
                         "programs).") % {"name": mentor.full_name, "load": load, "cap": capacity,
                                          "all": open_load([mentor.pk]).get(mentor.pk, 0)},
                       code=Code.MENTOR_FULL)
    previous = m.mentor
    if m.is_open:
        _close_open(m, actor=actor, reason=reason or _("Re-matched with %(name)s by the program team.") % {
            "name": mentor.full_name})
    note = _("Re-matched by the program team (before: %(name)s).") % {"name": previous.full_name}
    if reason:
        note = f"{note} {reason}"
    try:
        with transaction.atomic():
            (new,) = mentorships_create_paired(program=program, pairs=[{"mentor": mentor.pk, "mentee": m.mentee_id}],
                                               origin=MentorshipOrigin.MANUAL, actor=actor, reason=note[:500])
    except IntegrityError as exc:
        raise Conflict(_("These two are already paired in this program."), code=Code.ALREADY_PAIRED) from exc
    return new


def mentorships_complete_for_program(*, program_id: int, actor_user_id: int | None = None, **_ignored: Any) -> int:
    """Closing a program completes its active pairs and cancels the ones that never started."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(pk=actor_user_id).first() if actor_user_id else None
    actor = authz.actor_for(user) if user is not None else None
    done = 0
    with transaction.atomic():
        for m in Mentorship.objects.select_for_update().filter(program_id=program_id, status__in=OPEN_STATUSES):
            if m.status == S.ACTIVE:
                _move(m, S.COMPLETED, actor=actor, roles=["system"], reason=_("The program was closed."))
            else:
                m.status, frm = S.CANCELLED, m.status
                m.ended_on = timezone.localdate()
                m.save(update_fields=["status", "ended_on", "updated_at"])
                _record(m, frm=frm, to=S.CANCELLED, actor=actor.person if actor else None, role="system",
                        reason=_("The program was closed."))
                events.emit("mentorship.cancelled", mentorship_id=m.pk, from_status=frm, actor_id=None)
            done += 1
    return done


# -- the agreement (sources 001 and 003) -------------------------------------------------------

AGREEMENT_FIELDS = ("starts_on", "ends_on", "meeting_frequency", "meeting_minutes", "meeting_format", "goals",
                    "confidentiality", "clauses")


def agreement_parties(m: Mentorship) -> dict[str, Person | None]:
    """Who signs for each party the program asks for (None: nobody holds that role for this pair)."""
    mentee = m.mentee
    people: dict[str, Person | None] = {
        AgreementParty.MENTOR: m.mentor,
        AgreementParty.MENTEE: mentee,
        AgreementParty.LINE_MANAGER: mentee.manager if mentee.manager_id else None,
        AgreementParty.DEPARTMENT_HEAD: mentee.department.head if mentee.department.head_id else None,
        AgreementParty.PROGRAM_TEAM: m.program.owner,
    }
    return {p: people[p] for p in m.program.signer_parties}


def _agreement_first_draft(m: Mentorship, *, author: Person | None) -> Agreement:
    start = max(timezone.localdate(), m.program.starts_on)
    end = max(m.program.ends_on, start)
    return Agreement.objects.create(
        mentorship=m, version=1, starts_on=start, ends_on=end, parties=_signing_parties(m), created_by=author,
        confidentiality=_("What we discuss stays between us unless we both agree to share it."),
    )


def _signing_parties(m: Mentorship) -> list[str]:
    """The program's parties that someone holds; a party nobody holds (no line manager) is waived."""
    return [p for p, person in agreement_parties(m).items() if person is not None]


def agreement_latest(m: Mentorship) -> Agreement | None:
    return m.agreements.order_by("-version").first()


def _agreement_validate(m: Mentorship, data: dict[str, Any]) -> tuple[dict[str, Any], list[Competency] | None]:
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}
    for field, limit in (("goals", 4000), ("confidentiality", 2000), ("clauses", 4000)):
        if field in data:
            out[field] = _clean_text(str(data[field] or ""), field=field, limit=limit, errors=errors)
    for field in ("starts_on", "ends_on"):
        if field in data:
            value = data[field]
            if isinstance(value, str):
                try:
                    value = datetime.date.fromisoformat(value)
                except ValueError:
                    errors.setdefault(field, []).append(_("Enter a date like 2026-12-01."))
                    continue
            if not isinstance(value, datetime.date):
                errors.setdefault(field, []).append(_("Enter a date like 2026-12-01."))
                continue
            out[field] = value
    program = m.program
    lo, hi = program.starts_on - datetime.timedelta(days=366), program.ends_on + datetime.timedelta(days=366)
    for field in ("starts_on", "ends_on"):
        if field in out and not lo <= out[field] <= hi:
            errors.setdefault(field, []).append(
                _("Choose a date near the program's (%(start)s – %(end)s).") % {
                    "start": program.starts_on.isoformat(), "end": program.ends_on.isoformat()})
    if "meeting_frequency" in data:
        if data["meeting_frequency"] not in MeetingFrequency.values:
            errors["meeting_frequency"] = [_("Choose how often you meet.")]
        else:
            out["meeting_frequency"] = data["meeting_frequency"]
    if "meeting_format" in data:
        if data["meeting_format"] not in MeetingFormat.values:
            errors["meeting_format"] = [_("Choose in person, video or chat.")]
        else:
            out["meeting_format"] = data["meeting_format"]
    if "meeting_minutes" in data:
        minutes = data["meeting_minutes"]
        if isinstance(minutes, bool) or not isinstance(minutes, int) or not 15 <= minutes <= 480:
            errors["meeting_minutes"] = [_("Between 15 and 480 minutes.")]
        else:
            out["meeting_minutes"] = minutes
    competencies = None
    if "competencies" in data and data["competencies"] is not None:
        codes = [str(c) for c in data["competencies"]]
        competencies = list(Competency.objects.filter(code__in=codes))
        unknown = sorted(set(codes) - {c.code for c in competencies})
        if unknown:
            errors["competencies"] = [_("Unknown competency: %(codes)s.") % {"codes": ", ".join(unknown)}]
    if errors:
        raise ValidationFailed(errors)
    return out, competencies


def _agreement_content(a: Agreement, competency_codes: list[str] | None = None) -> dict[str, Any]:
    out = {f: getattr(a, f) for f in AGREEMENT_FIELDS}
    out["competencies"] = sorted(competency_codes if competency_codes is not None
                                 else a.competencies.values_list("code", flat=True))
    return out


@transaction.atomic
def agreement_save(*, mentorship: Mentorship, actor: authz.Actor, data: dict[str, Any]) -> Agreement:
    """Edit the agreement. A version nobody has signed yet is edited in place; once anyone has signed
    (or it is fully signed), the edit becomes the next version, which every party signs again."""
    m = _locked(mentorship)
    authz.require(authz.can_edit_agreement(actor, m))
    if m.status not in (S.AGREEMENT, S.ACTIVE):
        raise Conflict(_("The agreement can be edited while it is being signed or while the mentorship is active."),
                       code=Code.AGREEMENT_NOT_EDITABLE)
    latest = agreement_latest(m)
    if latest is None:
        latest = _agreement_first_draft(m, author=actor.person)
    values, competencies = _agreement_validate(m, data)
    merged = {**_agreement_content(latest), **values}
    if competencies is not None:
        merged["competencies"] = sorted(c.code for c in competencies)
    if merged["ends_on"] < merged["starts_on"]:
        raise ValidationFailed({"ends_on": [_("The agreement must end after it starts.")]})
    if merged == _agreement_content(latest):
        raise Conflict(_("Nothing changed in the agreement."), code=Code.AGREEMENT_UNCHANGED)
    if latest.fully_signed_at is None and not latest.signatures.exists():
        target = latest
        for f in AGREEMENT_FIELDS:
            setattr(target, f, merged[f])
        target.parties = _signing_parties(m)
        target.save()
    else:
        target = Agreement.objects.create(mentorship=m, version=latest.version + 1, created_by=actor.person,
                                          parties=_signing_parties(m), **{f: merged[f] for f in AGREEMENT_FIELDS})
    target.competencies.set(Competency.objects.filter(code__in=merged["competencies"]))
    events.emit("agreement.updated", mentorship_id=m.pk, agreement_id=target.pk,
                actor_id=actor.person.pk if actor.person else None)
    return target


@transaction.atomic
def agreement_sign(*, mentorship: Mentorship, actor: authz.Actor) -> Agreement:
    """Sign the latest version for every party the actor holds. When every party has signed, the
    version is fixed and, at the agreement stage, the mentorship becomes active from its start date."""
    m = _locked(mentorship)
    a = agreement_latest(m)
    if a is None:
        raise Conflict(_("There is no agreement to sign yet."), code=Code.NO_AGREEMENT)
    a = Agreement.objects.select_for_update().get(pk=a.pk)
    if m.status not in (S.AGREEMENT, S.ACTIVE):
        raise Conflict(_("This mentorship has ended; its agreement can no longer be signed."),
                       code=Code.AGREEMENT_NOT_EDITABLE)
    mine = [p for p in a.parties if p in authz.agreement_parties_of(actor, m)]
    if not mine:
        raise Forbidden(_("You are not one of the parties who sign this agreement."), code=Code.NOT_A_SIGNER)
    signed = set(a.signatures.values_list("party", flat=True))
    todo = [p for p in mine if p not in signed]
    if not todo:
        raise Conflict(_("You have already signed this version."), code=Code.ALREADY_SIGNED)
    now = timezone.now()
    AgreementSignature.objects.bulk_create([
        AgreementSignature(agreement=a, party=p, person=actor.person, signed_at=now) for p in todo
    ])
    events.emit("agreement.signed", mentorship_id=m.pk, agreement_id=a.pk, actor_id=actor.person.pk)
    if set(a.parties) <= signed | set(todo):
        a.fully_signed_at = now
        a.save(update_fields=["fully_signed_at", "updated_at"])
        events.emit("agreement.fully_signed", mentorship_id=m.pk, agreement_id=a.pk, actor_id=actor.person.pk)
        if m.status == S.AGREEMENT:
            m.started_on = a.starts_on
            _move(m, S.ACTIVE, actor=actor, roles=["system"], extra_fields=["started_on"],
                  reason=_("Agreement version %(n)s signed by every party.") % {"n": a.version})
    return a
