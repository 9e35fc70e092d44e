"""factory_boy factories for the domain. Use the services for anything with rules."""

from __future__ import annotations

import datetime

import factory
from django.contrib.auth.models import Group, User

from tandem.people.models import (
    Competency,
    CompetencyGroup,
    Department,
    JobProfile,
    JobProfileRequirement,
    Language,
    Location,
    Person,
    Topic,
)
from tandem.people.services import department_save


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pw-123456")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        for name in extracted or []:
            self.groups.add(Group.objects.get_or_create(name=name)[0])


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    code = factory.Sequence(lambda n: f"D{n:03d}")
    name = factory.Sequence(lambda n: f"Department {n}")
    parent = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return department_save(department=model_class(*args, **kwargs))


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location
        django_get_or_create = ("name",)

    name = "Berlin"
    time_zone = "Europe/Berlin"


class JobProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JobProfile

    code = factory.Sequence(lambda n: f"JP{n:03d}")
    title = factory.Sequence(lambda n: f"Engineer {n}")


class CompetencyGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CompetencyGroup

    code = factory.Sequence(lambda n: f"G{n}")
    name = factory.Sequence(lambda n: f"Group {n}")


class CompetencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Competency

    code = factory.Sequence(lambda n: f"C{n:03d}")
    name = factory.Sequence(lambda n: f"Competency {n}")
    group = factory.SubFactory(CompetencyGroupFactory)


class RequirementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JobProfileRequirement

    job_profile = factory.SubFactory(JobProfileFactory)
    competency = factory.SubFactory(CompetencyFactory)
    target_level = 4


class LanguageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Language
        django_get_or_create = ("code",)

    code = "en"
    name = "English"


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"topic{n}")
    name = factory.Sequence(lambda n: f"Topic {n}")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    employee_id = factory.Sequence(lambda n: f"E{n:05d}")
    # first and last name only: Faker's "name" sometimes adds "Dr." or "MD", which no one types
    # after an @ to mention a colleague
    full_name = factory.LazyAttribute(lambda o: f"{o.first} {o.last}")
    email = factory.Sequence(lambda n: f"person{n}@example.com")
    department = factory.SubFactory(DepartmentFactory)
    job_profile = factory.SubFactory(JobProfileFactory)
    hire_date = datetime.date(2022, 3, 1)
    time_zone = "Europe/Berlin"
    communication_style = "direct"
    user = None

    class Params:
        with_user = factory.Trait(user=factory.SubFactory(UserFactory))
        first = factory.Faker("first_name")
        last = factory.Faker("last_name")


def actor_for_person(person):
    """The authorisation Actor of a person's login (a fresh one: no cached role facts)."""
    from tandem.core.authz import Actor

    return Actor(person.user)


actor_of = actor_for_person


def make_person(groups=(), **kwargs):
    """A person with a login; ``groups`` adds role groups (hr_admin, program_manager). The plain
    function behind the ``make_person`` fixture, for worlds built once per module (tests/shared_world.py)."""
    return PersonFactory(user=UserFactory(groups=list(groups)), **kwargs)
