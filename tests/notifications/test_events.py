"""Each domain event creates in-app notifications for the people it concerns, and nobody else."""

from __future__ import annotations

import pytest
from django.core import mail

from tandem.matching.flows import choose
from tandem.mentorships import plan_services as ps
from tandem.mentorships import services as ms
from tandem.mentorships.plan_models import GoalMilestone
from tandem.notifications.models import Notification
from tandem.notifications.texts import notification_text
from tests.factories import actor_of
from tests.mentorships.lifecycle_fixtures import to_agreement_stage

pytestmark = pytest.mark.django_db


def received() -> set[tuple[str, int]]:
    return set(Notification.objects.values_list("kind", "recipient_id"))


def fresh(capture, action):
    """Run ``action`` with its events delivered; return the notifications it created."""
    before = set(Notification.objects.values_list("pk", flat=True))
    with capture(execute=True):
        action()
    return set(Notification.objects.exclude(pk__in=before).values_list("kind", "recipient_id"))


def test_a_request_notifies_the_mentor_only_with_a_link_to_their_requests(choose_program,
                                                                          django_capture_on_commit_callbacks):
    program, mentee, mentor = choose_program["program"], choose_program["mentee"], choose_program["mentors"][0]
    with django_capture_on_commit_callbacks(execute=True):
        m = choose.mentorship_request(program=program, mentee=mentee, mentor=mentor, message="Help")
    (n,) = Notification.objects.all()
    assert (n.recipient_id, n.kind, n.mentorship_id) == (mentor.pk, "requested", m.pk)
    assert n.url == f"/programs/{program.pk}/requests/" and n.read_at is None
    assert notification_text(n.kind, n.params) == f"{mentee.full_name} asks you to be their mentor"


def test_the_lifecycle_notifies_the_right_people(world, django_capture_on_commit_callbacks):
    w = world
    mentor, mentee, manager, owner = w["mentor"], w["mentee"], w["manager"], w["owner"]
    cap = django_capture_on_commit_callbacks
    m = None

    def request():
        nonlocal m
        m = choose.mentorship_request(program=w["program"], mentee=mentee, mentor=mentor)

    assert fresh(cap, request) == {("requested", mentor.pk)}
    assert fresh(cap, lambda: ms.mentorship_accept(mentorship=m, actor=actor_of(mentor))) == {("accepted", mentee.pk)}
    assert fresh(cap, lambda: ms.mentorship_confirm(mentorship=m, actor=actor_of(mentee))) == set()
    assert fresh(cap, lambda: ms.mentorship_confirm(mentorship=m, actor=actor_of(mentor))) == {
        ("agreement_stage", mentor.pk), ("agreement_stage", mentee.pk)}
    # the mentor writes the agreement: the other parties must sign it
    assert fresh(cap, lambda: ms.agreement_save(mentorship=m, actor=actor_of(mentor), data={"goals": "Grow"})) == {
        ("agreement_updated", mentee.pk), ("agreement_updated", manager.pk)}
    assert fresh(cap, lambda: ms.agreement_sign(mentorship=m, actor=actor_of(mentor))) == set()
    assert fresh(cap, lambda: ms.agreement_sign(mentorship=m, actor=actor_of(mentee))) == set()
    assert fresh(cap, lambda: ms.agreement_sign(mentorship=m, actor=actor_of(manager))) == {
        ("agreement_signed", mentor.pk), ("agreement_signed", mentee.pk), ("agreement_signed", manager.pk),
        ("started", mentor.pk), ("started", mentee.pk)}
    assert fresh(cap, lambda: ms.mentorship_end_early(mentorship=m, actor=actor_of(mentee), reason="Moved")) == {
        ("ended_early", mentor.pk)}
    assert not Notification.objects.filter(recipient=owner).exists()
    assert sorted(e.to[0] for e in mail.outbox) == sorted(
        Notification.objects.values_list("recipient__email", flat=True))
    n = Notification.objects.get(kind="agreement_updated", recipient=manager)
    assert n.url == f"/mentorships/{m.pk}/agreement/"
    assert notification_text(n.kind, n.params) == (
        f"Version 1 of the agreement between {mentor.full_name} and {mentee.full_name} waits for your signature")


def test_a_decline_notifies_the_mentee(world, django_capture_on_commit_callbacks):
    w = world
    cap = django_capture_on_commit_callbacks
    m = choose.mentorship_request(program=w["program"], mentee=w["mentee"], mentor=w["mentor"])
    assert fresh(cap, lambda: ms.mentorship_decline(mentorship=m, actor=actor_of(w["mentor"]), reason="Full")) == {
        ("declined", w["mentee"].pk)}


def test_a_withdrawal_before_the_start_notifies_the_other_side(world, django_capture_on_commit_callbacks):
    w = world
    cap = django_capture_on_commit_callbacks
    m2 = to_agreement_stage(w)
    assert fresh(cap, lambda: ms.mentorship_cancel(mentorship=m2, actor=actor_of(w["mentee"]), reason="No")) == {
        ("cancelled", w["mentor"].pk)}


def test_completion_by_the_system_tells_both(active_pair, django_capture_on_commit_callbacks):
    p = active_pair
    assert fresh(django_capture_on_commit_callbacks,
                 lambda: ms.mentorship_complete(mentorship=p.mentorship, actor=None, system=True)) == {
        ("completed", p.mentor.pk), ("completed", p.mentee.pk)}


def test_the_plan_events_reach_the_other_side_only(active_pair, django_capture_on_commit_callbacks):
    p = active_pair
    cap = django_capture_on_commit_callbacks
    mentor, mentee = actor_of(p.mentor), actor_of(p.mentee)
    assert fresh(cap, lambda: ps.needs_submit(
        mentorship=p.mentorship, actor=mentee, competencies=[p.competencies[0].code], topics=[],
        preferred_style="questions", text="Presenting")) == {("needs_submitted", p.mentor.pk)}
    goals = [{"title": "Present", "competency": p.competencies[0].code, "target_level": 4,
              "milestones": [{"title": "Outline a talk", "due_on": p.term[0]}]}]
    assert fresh(cap, lambda: ps.plan_draft_save(mentorship=p.mentorship, actor=mentor, goals=goals)) == {
        ("plan_drafted", p.mentee.pk)}
    assert fresh(cap, lambda: ps.plan_comment_add(mentorship=p.mentorship, actor=mentee, text="Looks good")) == {
        ("plan_commented", p.mentor.pk)}
    assert fresh(cap, lambda: ps.plan_comment_add(mentorship=p.mentorship, actor=mentor, text="Thanks")) == {
        ("plan_commented", p.mentee.pk)}
    assert fresh(cap, lambda: ps.plan_confirm(mentorship=p.mentorship, actor=mentee)) == {
        ("plan_confirmed", p.mentor.pk)}
    milestone = GoalMilestone.objects.get(goal__plan__mentorship=p.mentorship)
    assert fresh(cap, lambda: ps.milestone_update(milestone=milestone, actor=mentee, done=True)) == {
        ("milestone_updated", p.mentor.pk)}
    n = Notification.objects.get(kind="milestone_updated")
    assert notification_text(n.kind, n.params) == f"{p.mentee.full_name} completed a milestone"
    assert n.url == f"/mentorships/{p.mentorship.pk}/plan/"
    others = {p.line_manager.pk, p.head.pk, p.owner.pk}
    assert not Notification.objects.filter(recipient_id__in=others).exists()
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()  # each one e-mailed, once
    assert len(mail.outbox) == Notification.objects.count()


def test_a_bulk_pairing_notifies_both_sides(django_capture_on_commit_callbacks):
    from tandem.matching.flows import bulk
    from tests.matching.test_bulk import World

    w = World()
    mentee, mentor = w.mentee(1), w.mentor(5)
    run = w.preview()
    with django_capture_on_commit_callbacks(execute=True):
        bulk.bulk_commit(run=run, user=w.owner.user)
    assert received() == {("paired", mentee.pk), ("paired", mentor.pk)}
