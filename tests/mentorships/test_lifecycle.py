"""The mentorship's life: the transition table, its history, the agreement and its signatures."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tandem.core import authz, events
from tandem.core.errors import Conflict, Forbidden, ValidationFailed
from tandem.matching.flows import choose
from tandem.mentorships import services as ms
from tandem.mentorships.models import Agreement, Mentorship, MentorshipOrigin, MentorshipStatus as S, Transition
from tandem.programs.models import Enrolment, MatchingMode, Program, ProgramStatus, ProgramType
from tests.factories import PersonFactory, UserFactory, actor_of
from tests.mentorships.lifecycle_fixtures import sign_all, to_agreement_stage

pytestmark = pytest.mark.django_db


def test_both_confirming_opens_the_agreement_stage_with_a_first_draft_for_every_party(world):
    m = to_agreement_stage(world)
    assert m.status == S.AGREEMENT and m.started_on is None
    a = Agreement.objects.get(mentorship=m)
    assert a.version == 1 and a.parties == ["mentor", "mentee", "line_manager"]
    assert a.ends_on == world["program"].ends_on


def test_the_mentorship_becomes_active_only_when_every_party_has_signed(world):
    m = to_agreement_stage(world)
    ms.agreement_sign(mentorship=m, actor=actor_of(world["mentor"]))
    ms.agreement_sign(mentorship=m, actor=actor_of(world["mentee"]))
    m.refresh_from_db()
    assert m.status == S.AGREEMENT  # the line manager has not signed yet
    ms.agreement_sign(mentorship=m, actor=actor_of(world["manager"]))
    m.refresh_from_db()
    a = Agreement.objects.get(mentorship=m)
    assert m.status == S.ACTIVE and a.fully_signed_at is not None
    assert m.started_on == a.starts_on  # started_on = the day the agreement took effect


def test_the_history_lists_every_step_with_who_took_it(world):
    m = sign_all(world, to_agreement_stage(world))
    rows = list(Transition.objects.filter(mentorship=m).values_list("from_status", "to_status", "actor_id", "actor_role"))
    assert rows == [
        ("", S.REQUESTED, world["mentee"].pk, "mentee"),
        (S.REQUESTED, S.INTRO, world["mentor"].pk, "mentor"),
        (S.INTRO, S.AGREEMENT, world["mentor"].pk, "system"),
        (S.AGREEMENT, S.ACTIVE, world["manager"].pk, "system"),
    ]


def test_signing_twice_is_refused_and_nothing_changes(world):
    m = to_agreement_stage(world)
    ms.agreement_sign(mentorship=m, actor=actor_of(world["mentor"]))
    with pytest.raises(Conflict) as exc:
        ms.agreement_sign(mentorship=m, actor=actor_of(world["mentor"]))
    assert exc.value.code == "already_signed"
    assert Agreement.objects.get(mentorship=m).signatures.count() == 1


def test_the_mentor_cannot_sign_for_the_mentee_and_a_stranger_cannot_sign_at_all(world):
    m = to_agreement_stage(world)
    ms.agreement_sign(mentorship=m, actor=actor_of(world["mentor"]))
    a = Agreement.objects.get(mentorship=m)
    assert list(a.signatures.values_list("party", flat=True)) == ["mentor"]
    stranger = PersonFactory(user=UserFactory())
    with pytest.raises(Forbidden) as exc:
        ms.agreement_sign(mentorship=m, actor=actor_of(stranger))
    assert exc.value.code == "not_a_signer"


def test_editing_a_signed_agreement_creates_a_version_everyone_signs_again(world):
    m = sign_all(world, to_agreement_stage(world))
    v1 = Agreement.objects.get(mentorship=m)
    v2 = ms.agreement_save(mentorship=m, actor=actor_of(world["mentor"]), data={"meeting_frequency": "weekly",
                                                                             "meeting_minutes": 90})
    v1.refresh_from_db()
    assert v2.version == 2 and v2.fully_signed_at is None and not v2.signatures.exists()
    assert v1.meeting_frequency == "monthly" and v1.fully_signed_at is not None  # the signed text never changes
    m.refresh_from_db()
    assert m.status == S.ACTIVE  # version 1 stays in force meanwhile
    sign_all(world, m)
    v2.refresh_from_db()
    assert v2.fully_signed_at is not None


def test_an_unchanged_edit_or_bad_values_are_refused_and_nothing_is_saved(world):
    m = to_agreement_stage(world)
    with pytest.raises(Conflict):
        ms.agreement_save(mentorship=m, actor=actor_of(world["mentee"]), data={"meeting_frequency": "monthly"})
    for data in ({"meeting_minutes": 5}, {"meeting_format": "smoke signals"}, {"goals": "x" * 5000},
                 {"clauses": "bad\x00byte"}, {"starts_on": datetime.date(2026, 5, 1), "ends_on": datetime.date(2026, 4, 1)},
                 {"ends_on": datetime.date(9999, 12, 31)}, {"competencies": ["NOPE"]}, {"meeting_minutes": True}):
        with pytest.raises(ValidationFailed):
            ms.agreement_save(mentorship=m, actor=actor_of(world["mentee"]), data=data)
    a = Agreement.objects.get(mentorship=m)
    assert (a.version, a.meeting_minutes, a.meeting_format, a.goals) == (1, 60, "video", "")


def test_an_edit_before_anyone_signed_updates_the_draft_in_place(world):
    m = to_agreement_stage(world)
    ms.agreement_save(mentorship=m, actor=actor_of(world["mentee"]), data={"goals": "Learn to negotiate"})
    assert list(Agreement.objects.filter(mentorship=m).values_list("version", "goals")) == [(1, "Learn to negotiate")]


def test_a_program_without_agreement_starts_the_pair_when_both_confirm(world):
    world["program"].agreement_required = False
    world["program"].save(update_fields=["agreement_required"])
    m = choose.mentorship_request(program=world["program"], mentee=world["mentee"], mentor=world["mentor"])
    ms.mentorship_accept(mentorship=m, actor=actor_of(world["mentor"]))
    ms.mentorship_confirm(mentorship=m, actor=actor_of(world["mentee"]))
    m = ms.mentorship_confirm(mentorship=m, actor=actor_of(world["mentor"]))
    assert m.status == S.ACTIVE and m.started_on == timezone.localdate()
    assert not Agreement.objects.filter(mentorship=m).exists()


def test_an_illegal_transition_is_a_409_with_its_own_code(world):
    m = choose.mentorship_request(program=world["program"], mentee=world["mentee"], mentor=world["mentor"])
    with pytest.raises(Conflict) as exc:
        ms.mentorship_transition(mentorship=m, actor=actor_of(world["mentee"]), to=S.COMPLETED)
    assert exc.value.code == "illegal_transition" and exc.value.status == 409
    m.refresh_from_db()
    assert m.status == S.REQUESTED


def test_the_pair_cannot_skip_the_agreement(world):
    m = to_agreement_stage(world)
    with pytest.raises(Conflict) as exc:
        ms.mentorship_transition(mentorship=m, actor=actor_of(world["mentee"]), to=S.ACTIVE)
    assert exc.value.code == "agreement_not_signed"


def test_ending_early_needs_a_reason_and_ends_the_mentors_rights(world):
    m = sign_all(world, to_agreement_stage(world))
    mentee = world["mentee"]
    assert authz.can_view_competencies(actor_of(world["mentor"]), mentee)
    with pytest.raises(ValidationFailed):
        ms.mentorship_end_early(mentorship=m, actor=actor_of(mentee), reason="  ")
    m = ms.mentorship_end_early(mentorship=m, actor=actor_of(mentee), reason="We no longer work together")
    assert m.status == S.ENDED_EARLY and m.ended_on == timezone.localdate()
    last = Transition.objects.filter(mentorship=m).last()
    assert (last.to_status, last.reason, last.actor_id) == (S.ENDED_EARLY, "We no longer work together", mentee.pk)
    assert not authz.can_view_competencies(actor_of(world["mentor"]), mentee)


def test_the_program_team_completes_a_pair_and_a_colleague_cannot(world):
    m = sign_all(world, to_agreement_stage(world))
    with pytest.raises(Forbidden):
        ms.mentorship_complete(mentorship=m, actor=actor_of(PersonFactory(user=UserFactory(groups=["program_manager"]))))
    m = ms.mentorship_complete(mentorship=m, actor=actor_of(world["owner"]))
    assert m.status == S.COMPLETED
    assert Transition.objects.filter(mentorship=m).last().actor_role == "program_team"


def test_hr_may_activate_a_pair_on_the_record_and_a_program_manager_may_not(world, hr_person):
    m = choose.mentorship_request(program=world["program"], mentee=world["mentee"], mentor=world["mentor"])
    ms.mentorship_accept(mentorship=m, actor=actor_of(world["mentor"]))
    with pytest.raises(Forbidden):
        ms.mentorship_hr_decide(mentorship=m, actor=actor_of(world["owner"]), to=S.ACTIVE, reason="paper contract")
    with pytest.raises(ValidationFailed):
        ms.mentorship_hr_decide(mentorship=m, actor=actor_of(hr_person), to=S.ACTIVE, reason="")
    m = ms.mentorship_hr_decide(mentorship=m, actor=actor_of(hr_person), to=S.ACTIVE, reason="Signed on paper")
    last = Transition.objects.filter(mentorship=m).last()
    assert m.status == S.ACTIVE and (last.actor_role, last.reason) == ("hr_decision", "Signed on paper")


def test_closing_a_program_completes_active_pairs_and_cancels_unstarted_ones(world, django_capture_on_commit_callbacks):
    active = sign_all(world, to_agreement_stage(world))
    other = Mentorship.objects.create(program=world["program"], mentor=world["mentor"], mentee=PersonFactory(),
                                      status=S.INTRO, origin=MentorshipOrigin.BULK)
    with django_capture_on_commit_callbacks(execute=True):
        events.emit("program.closed", program_id=world["program"].pk, actor_user_id=world["owner"].user_id)
    active.refresh_from_db()
    other.refresh_from_db()
    assert (active.status, other.status) == (S.COMPLETED, S.CANCELLED)


def test_a_bulk_pair_gets_no_rights_until_the_mentee_agrees(world):
    from tandem.matching.flows import bulk

    world["program"].matching_mode = MatchingMode.BULK
    world["program"].save(update_fields=["matching_mode"])
    run = bulk.bulk_preview(program=world["program"], user=world["owner"].user)
    assert bulk.bulk_commit(run=run, user=world["owner"].user) == 1
    m = Mentorship.objects.get()
    assert m.status == S.INTRO and m.started_on is None
    assert not authz.can_view_competencies(actor_of(world["mentor"]), world["mentee"])
    assert Transition.objects.get(mentorship=m).actor_role == "program_team"


def test_a_mentors_capacity_holds_across_programs(world):
    world["mentor"].mentor_capacity = 1
    world["mentor"].save(update_fields=["mentor_capacity"])
    sign_all(world, to_agreement_stage(world))
    second = Program.objects.create(
        name="Second", program_type=ProgramType.CLASSIC, matching_mode=MatchingMode.CHOOSE,
        status=ProgramStatus.OPEN, starts_on=world["program"].starts_on, ends_on=world["program"].ends_on,
        owner=world["owner"], default_mentor_capacity=3)
    newcomer = PersonFactory(user=UserFactory())
    Enrolment.objects.create(program=second, person=newcomer, role="mentee")
    Enrolment.objects.create(program=second, person=world["mentor"], role="mentor")
    assert world["mentor"] not in [r.mentor for r in choose.recommendations_for(program=second, mentee=newcomer)]
    with pytest.raises(Conflict):
        choose.mentorship_request(program=second, mentee=newcomer, mentor=world["mentor"])


def test_the_program_manager_closing_the_program_from_its_page_completes_its_pairs(client, world,
                                                                                  django_capture_on_commit_callbacks):
    m = sign_all(world, to_agreement_stage(world))
    client.force_login(world["owner"].user)
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(f"/programs/{world['program'].pk}/status/", {"status": "closed"})
    assert r.status_code == 302
    m.refresh_from_db()
    assert m.status == S.COMPLETED and m.ended_on == timezone.localdate()
    last = Transition.objects.filter(mentorship=m).last()
    assert (last.actor_role, last.reason) == ("system", "The program was closed.")
    assert last.actor_id == world["owner"].pk
