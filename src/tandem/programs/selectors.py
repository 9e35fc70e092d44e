from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from tandem.mentorships.models import OPEN_STATUSES
from tandem.people.models import Person
from tandem.programs.models import EnrolmentRole, EnrolmentStatus, Program, ProgramStatus


def program_overview(*, owner: Person | None) -> QuerySet[Program]:
    """Programs not yet closed, with their enrolment and pairing figures (one query)."""
    qs = Program.objects.exclude(status=ProgramStatus.CLOSED).select_related("owner")
    if owner is not None:
        qs = qs.filter(owner=owner)
    active = Q(enrolments__status=EnrolmentStatus.ACTIVE)
    return qs.annotate(
        mentors=Count("enrolments", filter=active & Q(enrolments__role=EnrolmentRole.MENTOR), distinct=True),
        mentees=Count("enrolments", filter=active & Q(enrolments__role=EnrolmentRole.MENTEE), distinct=True),
        pairs=Count("mentorships", filter=Q(mentorships__status__in=OPEN_STATUSES), distinct=True),
    )
