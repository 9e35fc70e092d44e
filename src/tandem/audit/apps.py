"""The audit trail app: what is audited is listed once, here.

Adding a model is one line in :meth:`AuditConfig.register_models`::

    register(Agreement, persons=lambda a: [a.mentorship.mentor_id, a.mentorship.mentee_id],
             redact=("text",))

- ``fields=``: the fields whose before → after is kept (default: all concrete fields except ``id``,
  ``created_at``, ``updated_at``). Foreign keys are stored by ID.
- ``persons=``: who the change concerns, for the per-person view and the data-protection export;
  foreign keys to ``Person`` among the tracked fields count by themselves, so often it is not needed.
- ``label=``: a short human label. Avoid putting names in it when an ID will do (labels are
  scrubbed when a person is anonymised, but less personal data is better).
- ``m2m=``: many-to-many fields whose additions and removals are recorded.
- ``redact=``: free-text fields a person writes; blanked in the trail when they are anonymised.

Creates, updates (only when a tracked field changed), deletes, ``bulk_create`` and
``QuerySet.update`` of registered models are captured without the services knowing
(see :mod:`tandem.audit.capture`). Raw SQL is not: call ``tandem.audit.record_many`` after it.
"""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "tandem.audit"
    label = "audit"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        from django_tasks.signals import task_finished, task_started

        from tandem.audit import capture, context

        self.register_models(capture.register)
        capture.patch_querysets()
        task_started.connect(context.on_task_started, dispatch_uid="tandem.audit.task_started")
        task_finished.connect(context.on_task_finished, dispatch_uid="tandem.audit.task_finished")

    @staticmethod
    def register_models(register) -> None:
        from django.contrib.auth import get_user_model

        from tandem.accounts.models import ApiToken
        from tandem.matching.models import (
            ApplicantChoice,
            DepartmentChoice,
            MatchConstraint,
            MatchRun,
            Placement,
            RoundSeat,
            SelectionRound,
        )
        from tandem.mentorships.models import (
            Agreement,
            AgreementSignature,
            Goal,
            GoalMilestone,
            Mentorship,
            NeedsForm,
            Plan,
            PlanComment,
            PlanVersion,
            Transition,
        )
        from tandem.people.models import (
            Competency,
            CompetencyGroup,
            CompetencyLevel,
            CompetencyRating,
            JobProfile,
            JobProfileRequirement,
            Person,
            SelfAssessment,
        )
        from tandem.programs.models import Enrolment, Program

        def person_of_user(user_id):
            return list(Person.objects.filter(user_id=user_id).values_list("pk", flat=True)) if user_id else []

        def pair(**where):
            """The mentor and mentee of the mentorship matching ``where``."""
            return list(Mentorship.objects.filter(**where).values_list("mentor_id", "mentee_id").first() or ())

        User = get_user_model()

        # programs
        register(Program, label=lambda p: p.name)
        register(Enrolment, fields=("program", "person", "role", "status", "capacity"))
        # pairings: the pair, its history, agreement versions and signatures, the plan
        register(Mentorship, redact=("message", "decline_reason"), owned=True)
        register(Transition, persons=lambda t: pair(pk=t.mentorship_id), redact=("reason",))
        register(Agreement, persons=lambda a: pair(pk=a.mentorship_id), m2m=("competencies",))
        register(AgreementSignature, persons=lambda s: pair(agreements=s.agreement_id))
        register(Plan, persons=lambda p: pair(pk=p.mentorship_id))
        register(NeedsForm, persons=lambda n: pair(plan=n.plan_id), redact=("text",))
        register(Goal, persons=lambda g: pair(plan=g.plan_id))
        register(GoalMilestone, persons=lambda m: pair(plan__goals=m.goal_id), redact=("note",))
        register(PlanComment, persons=lambda c: pair(plan=c.plan_id), redact=("text",))
        register(PlanVersion, fields=("plan", "number", "confirmed_at"), persons=lambda v: pair(plan=v.plan_id))
        # the coaching log's library (mentorships/library_models.py): who shared, uploaded or wrote
        # what and when; never the titles, texts or notes themselves (HR does not read the log, and
        # a private note is its author's alone)
        from tandem.mentorships.library_models import PrivateNote, Resource, Transcript

        register(Resource, fields=("mentorship", "session", "kind", "shared_by", "side", "size"),
                 persons=lambda r: pair(pk=r.mentorship_id))
        register(Transcript, fields=("session", "uploaded_by", "format"),
                 persons=lambda t: pair(sessions=t.session_id))
        register(PrivateNote, fields=("mentorship", "author"), persons=lambda n: [n.author_id])
        # matching: bulk runs, pins and exclusions, rounds, rankings, placements
        register(MatchRun, fields=("program", "created_by", "status", "total_score", "committed_at"))
        register(MatchConstraint, fields=("program", "mentee", "mentor", "kind", "created_by"))
        register(SelectionRound, label=lambda r: r.name)
        register(RoundSeat, fields=("round", "department", "seats", "pitch"))
        register(ApplicantChoice)
        register(DepartmentChoice)
        register(Placement)
        # the competency framework (edited in pages by HR: people/framework_*)
        register(CompetencyGroup, label=lambda g: g.code)
        register(Competency, label=lambda c: c.code)
        register(CompetencyLevel, fields=("competency", "level", "descriptor", "translations"))
        register(JobProfile, label=lambda j: j.code)
        register(JobProfileRequirement, fields=("job_profile", "competency", "target_level"))
        # ratings and self-assessments
        register(CompetencyRating, redact=("note",))
        register(SelfAssessment, redact=("strengths", "development_areas"))
        # people: the HR fields
        register(Person, fields=("department", "manager", "job_profile", "is_active", "mentor_capacity", "left_on"),
                 label=lambda p: p.employee_id)
        # permission-relevant settings
        register(User, fields=("username", "is_active", "is_staff", "is_superuser"), m2m=("groups",),
                 persons=lambda u: person_of_user(u.pk), label=lambda u: u.get_username())
        register(ApiToken, fields=("user", "name", "prefix", "scope", "expires_at", "revoked_at"),
                 persons=lambda t: person_of_user(t.user_id), label=lambda t: f"{t.name} ({t.prefix}…)")
        # assessments: teach-back slots, scores, questions and gaps; who was asked and who answered a
        # survey. Anonymous answers (SurveyResponse, SurveyAnswer) are deliberately NOT audited: an
        # audit entry (actor, exact time) would link an answer back to its author.
        from tandem.assessments.models import (
            KnowledgeGap,
            Survey,
            SurveyCompletion,
            SurveyRecipient,
            TeachBack,
            TeachBackQuestion,
            TeachBackScore,
        )

        register(TeachBack, fields=("program", "trainee", "topic", "competency", "starts_at", "attempt", "status",
                                    "mean", "last_attempt"))
        register(TeachBackScore, fields=("teach_back", "scorer", "trainee"))
        register(TeachBackQuestion, persons=lambda q: [q.logged_by_id] if q.logged_by_id else [], redact=("text",))
        register(KnowledgeGap, redact=("text",))
        register(Survey, fields=("version", "program", "mentorship", "anonymous", "threshold", "status", "closes_at"))
        register(SurveyRecipient, fields=("survey", "person"))
        register(SurveyCompletion, fields=("survey", "person", "answered_on"))
        from tandem.accounts.models import Invitation

        register(Invitation, fields=("person", "email", "invited_by", "sent_count", "expires_at", "accepted_at",
                                     "revoked_at"), persons=lambda i: [i.person_id])
        # insights: outcome records (retention, promotion, ratings of people: personal data)
        from tandem.insights.models import OutcomeRecord

        register(OutcomeRecord, fields=("person", "metric", "cohort", "value", "recorded_on", "source"))
        # calendars: a person's private feed (made, regenerated, revoked; never the token's hash)
        from tandem.calendars.models import CalendarFeed

        register(CalendarFeed, fields=("person", "prefix", "created_at", "revoked_at"), persons=lambda f: [f.person_id])
