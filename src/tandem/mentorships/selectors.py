from __future__ import annotations

from django.db.models import QuerySet

from tandem.mentorships.models import OPEN_STATUSES, Mentorship
from tandem.people.models import Person


def mentorships_as_mentor(*, person: Person) -> QuerySet[Mentorship]:
    return Mentorship.objects.filter(mentor=person, status__in=OPEN_STATUSES).select_related(
        "mentee__department", "mentee__job_profile", "program"
    )


def mentorships_as_mentee(*, person: Person) -> QuerySet[Mentorship]:
    return Mentorship.objects.filter(mentee=person, status__in=OPEN_STATUSES).select_related(
        "mentor__department", "mentor__job_profile", "program"
    )
