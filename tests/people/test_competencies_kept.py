"""The framework's competencies (people.selectors.competencies_ordered: the profile's table and rating
form, the reviews' before/after) are read once per change and follow every write, even one made past
the services: a rename, a group's order, a new competency. PostgreSQL only: kept only there."""
from __future__ import annotations

import pytest
from django.db import connection

from tandem.people.models import Competency, CompetencyGroup
from tandem.people.selectors import competencies_ordered, job_targets
from tandem.web.forms import RatingForm
from tests.factories import CompetencyFactory, CompetencyGroupFactory
from tests.kept_checks import assert_follows_every_step

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="values are kept on PostgreSQL only"),
]


def test_the_frameworks_competencies_follow_every_write():
    first_group, second_group = CompetencyGroupFactory(order=1), CompetencyGroupFactory(order=2)
    a = CompetencyFactory(group=first_group, name="Listening")
    CompetencyFactory(group=second_group, name="Budgeting")

    def shown():
        kept = [(c.pk, c.name, c.group.name) for c in competencies_ordered().values()]
        options = [label for _value, label in RatingForm(sources=[("manager", "Manager")]).fields["competency"].choices]
        return kept, options

    before = shown()
    assert [n for _pk, n, _g in before[0]] == ["Listening", "Budgeting"] and before[1][1:] == ["Listening", "Budgeting"]
    steps = [
        lambda: Competency.objects.filter(pk=a.pk).update(name="Active listening"),
        lambda: CompetencyGroup.objects.filter(pk=first_group.pk).update(order=3),  # the groups' order
        lambda: CompetencyGroup.objects.filter(pk=first_group.pk).update(name="Soft skills"),
        lambda: CompetencyFactory(group=second_group, name="Accounting"),
    ]
    assert_follows_every_step(shown, steps, before)
    assert shown()[1][1:] == ["Accounting", "Budgeting", "Active listening"]


def test_the_job_profiles_targets_follow_every_write():
    """The targets (people.selectors.job_targets: the profile's gaps, the reviews' before/after) are kept per
    change of the framework: a new requirement, a changed target, a removed one, another profile's."""
    from tandem.assessments.review_selectors import competency_change
    from tandem.people.models import JobProfileRequirement
    from tandem.people.selectors import person_competencies
    from tests.factories import JobProfileFactory, PersonFactory, RequirementFactory

    job, other_job = JobProfileFactory(), JobProfileFactory()
    first = RequirementFactory(job_profile=job, target_level=3)
    person = PersonFactory(job_profile=job)

    def shown():
        rows = [(r.competency.pk, r.target) for r in person_competencies(person=person)]
        change = [(c.competency.pk, c.target) for c in competency_change(person=person)[2]]
        return rows, change, sorted(job_targets().get(other_job.pk, {}).items())

    before = shown()
    assert before[0] == before[1] == [(first.competency_id, 3)]
    steps = [
        lambda: RequirementFactory(job_profile=job, target_level=5),
        lambda: JobProfileRequirement.objects.filter(pk=first.pk).update(target_level=4),
        lambda: JobProfileRequirement.objects.filter(pk=first.pk).delete(),
        lambda: RequirementFactory(job_profile=other_job, target_level=2),
    ]
    assert_follows_every_step(shown, steps, before)
