"""The sign-in throttle, applied where every password sign-in passes: the authentication backend.
The app's login page, the back office's (``/admin/login/``) and anything else that calls
``django.contrib.auth.authenticate`` are throttled alike."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from tandem.accounts import services
from tandem.core import authz


def person_has_left(user) -> bool:
    """The user's person is deactivated or has left the company: the account no longer signs in
    (whatever changed the person — a page, an import, the back office)."""
    from tandem.people.models import Person

    looked_up = getattr(user, "_tandem_person", None)  # read with the user (core.authz.signed_in_user)
    if looked_up is not None:
        person = looked_up[0]
    else:
        person = Person.objects.select_related("department").filter(user_id=user.pk).first()
        try:  # the request's Actor reads its person from here (core.authz): one query for both
            user._tandem_person = (person,)
        except AttributeError:  # pragma: no cover - a user object that takes no attributes
            pass
    if person is None:
        return False
    from django.utils import timezone

    return not person.is_active or (person.left_on is not None and person.left_on <= timezone.localdate())


class ThrottledModelBackend(ModelBackend):
    def get_user(self, user_id):
        # every request of a signed-in session: the user, their person, groups and headed departments
        # in one query (core.authz.signed_in_user), then the same checks as ModelBackend's
        user = authz.signed_in_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None

    def user_can_authenticate(self, user):
        # checked at sign-in and on every request of a signed-in session (ModelBackend.get_user)
        return super().user_can_authenticate(user) and not person_has_left(user)

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None
        ip = services.client_ip(request)
        if services.login_is_locked(username=username, ip_address=ip):
            # Stops every backend: the password is not even checked while locked.
            raise PermissionDenied
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            services.login_failure_record(username=username, ip_address=ip)
        else:
            services.login_failures_clear(username=username, ip_address=ip)
        return user
