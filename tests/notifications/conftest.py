from tests.mentorships.conftest import active_pair, make_pair  # noqa: F401  (an active pair with a plan to write)
from tests.mentorships.lifecycle_fixtures import world  # noqa: F401  (a program whose pairs sign an agreement)
