from tests.mentorships.lifecycle_fixtures import world  # noqa: F401  (a program whose pairs sign an agreement)
